#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/advice.h"

static struct backend_error make(enum backend_status st, const char *type,
                                 const char *msg, const char *rtype,
                                 const char *rid)
{
    struct backend_error e;
    backend_error_clear(&e);
    backend_error_set(&e, st, "%s", msg ? msg : "");
    if (type)
        snprintf(e.type, sizeof(e.type), "%s", type);
    if (type && !*type) /* as received: no type, another HTTP status */
        e.http_status = 502;
    if (rtype || rid)
        backend_error_set_resource(&e, rtype, rid);
    return e;
}

/* Each row: an error as a backend reports it, words of the title and of
 * the advice that must be there. */
static void test_explanations(void **state)
{
    (void)state;
    static const struct {
        enum backend_status st;
        const char *type, *msg, *rtype, *rid;
        const char *title, *text;
    } cases[] = {
        { BACKEND_VALIDATION, NULL,
          "1 validation error detected: Value null at 'firmwareUpdateImage' "
          "failed to satisfy constraint: Member must not be null",
          NULL, NULL,
          "refused the request as invalid (400 ValidationException)",
          "The member is 'firmwareUpdateImage'." },
        { BACKEND_VALIDATION, "SerializationException", "Expected a string",
          NULL, NULL, "could not read the request (400 SerializationException)",
          "fuota validate FILE" },
        { BACKEND_ACCESS_DENIED, "InvalidSignatureException",
          "The request signature we calculated does not match", NULL, NULL,
          "secret key does not match the access key id (403 "
          "InvalidSignatureException)",
          "aws_secret_access_key" },
        { BACKEND_ACCESS_DENIED, "InvalidSignatureException",
          "Signature expired: 20200101T000000Z is now earlier than ...", NULL,
          NULL, "clock", "NTP" },
        { BACKEND_ACCESS_DENIED, "InvalidSignatureException",
          "Signature not yet current: ...", NULL, NULL, "clock", "NTP" },
        { BACKEND_ACCESS_DENIED, "UnrecognizedClientException",
          "The security token included in the request is invalid.", NULL, NULL,
          "does not know this access key id", "session token" },
        { BACKEND_ACCESS_DENIED, "ExpiredTokenException", "expired", NULL, NULL,
          "session token has expired", "export-credentials" },
        { BACKEND_ACCESS_DENIED, "MissingAuthenticationTokenException",
          "Missing Authentication Token", NULL, NULL, "as signed",
          "endpoint URL" },
        { BACKEND_ACCESS_DENIED, "AccessDeniedException",
          "User is not authorized to perform iotwireless:CreateFuotaTask", NULL,
          NULL, "not allowed to do this (403 AccessDeniedException)",
          "iam:PassRole" },
        { BACKEND_NOT_FOUND, NULL, "FuotaTask with id x does not exist.",
          "FuotaTask", "x",
          "No such resource on this target (404 "
          "ResourceNotFoundException)",
          "The resource is FuotaTask x. Check the id with 'fuota tasks list'" },
        { BACKEND_NOT_FOUND, "UnknownOperationException", "No operation", NULL,
          NULL, "does not know this operation", "wrong path" },
        { BACKEND_CONFLICT, NULL,
          "ClientRequestToken t was already used to create FuotaTask a with "
          "different parameters.",
          NULL, NULL, "already used with other parameters (409",
          "Submit the identical request" },
        { BACKEND_CONFLICT, NULL,
          "FuotaTask a is in status FuotaDone: update is only possible while "
          "it is Pending.",
          "FuotaTask", "a", "current state does not allow this (409",
          "The resource is FuotaTask a. Most changes" },
        { BACKEND_THROTTLED, NULL, "Rate exceeded", NULL, NULL,
          "throttling requests (429 ThrottlingException)", "AWS_MAX_ATTEMPTS" },
        { BACKEND_INTERNAL, NULL, "boom", NULL, NULL,
          "failed internally (500 InternalServerException)",
          "same ClientRequestToken" },
        { BACKEND_TRANSPORT, NULL,
          "cannot connect to 127.0.0.1:9: Connection refused", NULL, NULL,
          "could not talk to the service (TransportError)", "fuota serve" },
        { BACKEND_TRANSPORT, NULL,
          "the service's answer to GetFuotaTask is not what the API "
          "promises: the body is not JSON",
          NULL, NULL, "not what the API promises", "--verbose" },
        { BACKEND_TRANSPORT, NULL,
          "the connection to 127.0.0.1:9 broke before the reply was "
          "complete",
          NULL, NULL, "could not talk to the service",
          "same ClientRequestToken" },
        { BACKEND_TIMEOUT, NULL, "no answer within 1 s", NULL, NULL,
          "did not answer in time (Timeout)", "--timeout" },
        { BACKEND_NO_MEMORY, NULL, "", NULL, NULL, "Out of memory", "" },
        { BACKEND_INTERNAL, "",
          "HTTP 502 with a body that is not a JSON object", NULL, NULL,
          "failed internally (HTTP 502)", "Try again later" },
        { BACKEND_OK, NULL, "", NULL, NULL, "Done", "" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct backend_error e = make(cases[i].st, cases[i].type, cases[i].msg,
                                      cases[i].rtype, cases[i].rid);
        struct advice a;
        advice_explain(&e, &a);
        if (!strstr(a.title, cases[i].title) || !strstr(a.text, cases[i].text))
            fail_msg("case %zu: '%s' / '%s'", i, a.title, a.text);
    }
}

/* Every status has words of its own, and the advice never breaks lines. */
static void test_every_status(void **state)
{
    (void)state;
    for (int st = BACKEND_VALIDATION; st <= BACKEND_NO_MEMORY; st++) {
        struct backend_error e =
            make((enum backend_status)st, NULL, "m", NULL, NULL);
        struct advice a;
        advice_explain(&e, &a);
        assert_true(strlen(a.title) > 10);
        assert_true(strlen(a.text) > 10);
        assert_null(strchr(a.text, '\n'));
        assert_null(strchr(a.title, '\n'));
    }
    /* A status out of range still gives a title. */
    struct backend_error e = make(BACKEND_VALIDATION, NULL, "", NULL, NULL);
    e.status = (enum backend_status)99;
    struct advice a;
    advice_explain(&e, &a);
    assert_true(strlen(a.title) > 0);
}

static void test_member(void **state)
{
    (void)state;
    static const struct {
        const char *msg, *want;
        bool found;
    } cases[] = {
        { "Value 'x' at 'name' failed", "name", true },
        { "Value at 'lorawan.rfRegion' failed", "lorawan.rfRegion", true },
        { "no member named", "", false },
        { "at ''", "", false },
        { "at 'unterminated", "", false },
        { NULL, "", false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char buf[64];
        assert_int_equal(advice_member(cases[i].msg, buf, sizeof(buf)),
                         cases[i].found);
        assert_string_equal(buf, cases[i].want);
    }
    char small[4];
    assert_true(advice_member("at 'abcdef'", small, sizeof(small)));
    assert_string_equal(small, "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explanations),
        cmocka_unit_test(test_every_status),
        cmocka_unit_test(test_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
