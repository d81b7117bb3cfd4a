#include "core/advice.h"

#include <stdio.h>
#include <string.h>

/*
 * One explanation. A row matches when the status is the same, the error type
 * is one of `types` ("|"-separated; NULL = any) and the message contains
 * `needle` (NULL = any; compared without regard to case). The first match
 * wins, so specific rows come first.
 */
struct row {
    enum backend_status status;
    const char *types;
    const char *needle;
    const char *title;
    const char *text;
};

static const struct row rows[] = {
    { BACKEND_OK, NULL, NULL, "Done", "" },
    { BACKEND_VALIDATION, "SerializationException", NULL,
      "The service could not read the request",
      "A member has the wrong JSON type or the body is not JSON. Check the "
      "file with 'fuota validate FILE'; when it passes, the target does not "
      "speak the IoT Wireless API as fuota does: run again with --verbose and "
      "report what it shows." },
    { BACKEND_VALIDATION, NULL, NULL,
      "The service refused the request as invalid",
      "The message names the member and the rule it breaks. Fix that member "
      "('fuota validate FILE' checks every rule fuota knows) and send the "
      "request again. Ids must be those the service gave (1..256 "
      "characters)." },
    { BACKEND_ACCESS_DENIED, "InvalidSignatureException", "expired",
      "The request's time is too far from the service's clock",
      "A signed request is valid for 5 minutes around the service's clock. "
      "Set this computer's clock (NTP) and run the command again." },
    { BACKEND_ACCESS_DENIED, "InvalidSignatureException", "not yet current",
      "The request's time is too far from the service's clock",
      "A signed request is valid for 5 minutes around the service's clock. "
      "Set this computer's clock (NTP) and run the command again." },
    { BACKEND_ACCESS_DENIED, "InvalidSignatureException|SignatureDoesNotMatch",
      NULL, "The secret key does not match the access key id",
      "The service computed another signature: the secret access key is not "
      "the one that belongs to this key id, or the region does not match the "
      "endpoint. Check aws_secret_access_key of the profile (or "
      "AWS_SECRET_ACCESS_KEY) and the region." },
    { BACKEND_ACCESS_DENIED, "ExpiredTokenException", NULL,
      "The session token has expired",
      "Temporary credentials last a few hours. Get new ones (for example "
      "'aws configure export-credentials --profile P --format env') and run "
      "the command again." },
    { BACKEND_ACCESS_DENIED, "UnrecognizedClientException|InvalidClientTokenId",
      NULL, "The service does not know this access key id or its session token",
      "The key may be mistyped, deleted, from another account, or a "
      "temporary key whose session token is missing or expired. Check which "
      "key fuota used with --verbose, and the profile or AWS_* variables it "
      "came from." },
    { BACKEND_ACCESS_DENIED,
      "MissingAuthenticationTokenException|MissingAuthenticationToken|"
      "IncompleteSignatureException",
      NULL, "The endpoint did not take the request as signed",
      "Check the endpoint URL (a wrong path gives this too) and that no "
      "proxy rewrites the request's headers." },
    { BACKEND_ACCESS_DENIED, NULL, NULL,
      "The credentials are valid but not allowed to do this",
      "The IAM identity behind the key needs the iotwireless permission of "
      "this operation (for example iotwireless:CreateFuotaTask) and, to "
      "create or update a task, iam:PassRole on its FirmwareUpdateRole. Ask "
      "the account's administrator, or use another --profile." },
    { BACKEND_NOT_FOUND, "UnknownOperationException", NULL,
      "The endpoint does not know this operation",
      "The endpoint URL probably has a wrong path, or is not an AWS IoT "
      "Wireless endpoint." },
    { BACKEND_NOT_FOUND, NULL, NULL, "No such resource on this target",
      "Check the id with 'fuota tasks list', and that the target (the "
      "simulator or LIVE, and the region) is the one the task was created "
      "on." },
    { BACKEND_CONFLICT, NULL, "ClientRequestToken",
      "The ClientRequestToken was already used with other parameters",
      "A token names one task. Submit the identical request to get that task "
      "back, or give a new ClientRequestToken (or none: fuota then makes "
      "one) to create another task." },
    { BACKEND_CONFLICT, NULL, NULL,
      "The resource's current state does not allow this",
      "Most changes are possible only while a task is Pending; a started "
      "task cannot be updated or started again, and a device or group in "
      "another running task must wait for it. See the status with 'fuota "
      "tasks get ID'." },
    { BACKEND_THROTTLED, NULL, NULL, "The service is throttling requests",
      "fuota retried with growing pauses and was still refused. Wait a "
      "little and run the command again; slow down scripts that call in a "
      "loop. AWS_MAX_ATTEMPTS (or max_attempts in the profile) allows more "
      "attempts." },
    { BACKEND_INTERNAL, NULL, NULL, "The service failed internally",
      "fuota retried and the failure persisted. Try again later. A create "
      "that failed this way may still have made the task: submit again with "
      "the same ClientRequestToken, which cannot make a second task." },
    { BACKEND_TRANSPORT, NULL, "API promises",
      "The service's answer is not what the API promises",
      "The endpoint may not be AWS IoT Wireless (check the URL), or "
      "something between altered the answer; --verbose shows the exchange." },
    { BACKEND_TRANSPORT, NULL, NULL, "fuota could not talk to the service",
      "Check the endpoint URL (--verbose prints it), the network and any "
      "proxy; for 'fuota serve', that it runs and the port matches. A create "
      "may or may not have arrived: submit again with the same "
      "ClientRequestToken, which cannot make a second task." },
    { BACKEND_TIMEOUT, NULL, NULL, "The service did not answer in time",
      "fuota retried and every attempt timed out. Check the network and the "
      "endpoint, or allow more time with --timeout. A create may or may not "
      "have arrived: submit again with the same ClientRequestToken, which "
      "cannot make a second task." },
    { BACKEND_NO_MEMORY, NULL, NULL, "Out of memory",
      "Close other programs and try again." },
};

/* Case-insensitive strstr for ASCII needles. */
static bool has_word(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i]) {
            char a = hay[i], b = needle[i];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a + 32);
            if (b >= 'A' && b <= 'Z')
                b = (char)(b + 32);
            if (a != b)
                break;
            i++;
        }
        if (i == n)
            return true;
    }
    return false;
}

/* Whether type is one of the "|"-separated names in list. */
static bool type_in(const char *type, const char *list)
{
    size_t n = strlen(type);
    while (n && *list) {
        size_t len = strcspn(list, "|");
        if (len == n && strncmp(list, type, n) == 0)
            return true;
        list += len + (list[len] == '|');
    }
    return false;
}

bool advice_member(const char *message, char *buf, size_t size)
{
    if (size)
        buf[0] = '\0';
    const char *at = message ? strstr(message, "at '") : NULL;
    if (!at || size == 0)
        return false;
    at += 4;
    const char *end = strchr(at, '\'');
    if (!end || end == at)
        return false;
    size_t n = (size_t)(end - at);
    if (n >= size)
        n = size - 1;
    memcpy(buf, at, n);
    buf[n] = '\0';
    return true;
}

void advice_explain(const struct backend_error *err, struct advice *out)
{
    const struct row *r = NULL;
    for (size_t i = 0; !r && i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *c = &rows[i];
        if (c->status == err->status &&
            (!c->types || type_in(err->type, c->types)) &&
            (!c->needle || has_word(err->message, c->needle)))
            r = c;
    }
    const char *title = r ? r->title : backend_status_help(err->status);
    const char *text = r ? r->text : "";
    const char *type =
        err->type[0] ? err->type : backend_status_type(err->status);
    if (err->http_status && err->type[0])
        snprintf(out->title, sizeof(out->title), "%s (%d %s)", title,
                 err->http_status, type);
    else if (err->http_status)
        snprintf(out->title, sizeof(out->title), "%s (HTTP %d)", title,
                 err->http_status);
    else if (err->status != BACKEND_OK)
        snprintf(out->title, sizeof(out->title), "%s (%s)", title, type);
    else
        snprintf(out->title, sizeof(out->title), "%s", title);

    char member[BACKEND_ID_MAX];
    if (err->status == BACKEND_VALIDATION &&
        advice_member(err->message, member, sizeof(member)))
        snprintf(out->text, sizeof(out->text), "The member is '%s'. %s", member,
                 text);
    else if ((err->status == BACKEND_NOT_FOUND ||
              err->status == BACKEND_CONFLICT) &&
             err->resource_id[0])
        snprintf(out->text, sizeof(out->text), "The resource is %s %s. %s",
                 err->resource_type[0] ? err->resource_type : "resource",
                 err->resource_id, text);
    else
        snprintf(out->text, sizeof(out->text), "%s", text);
}
