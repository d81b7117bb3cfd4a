/*
 * The target panel (F8): where requests go. The built-in simulator, AWS
 * with a profile, an endpoint (a `fuota serve`, a proxy) or AWS with the
 * default credentials; cli/ opens the backend (tui_config.switch_target),
 * the header's badge follows.
 */
#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/dialog.h"
#include "tui/ui.h"

enum kind { KIND_SIM, KIND_PROFILE, KIND_ENDPOINT, KIND_DEFAULT };

static enum kind chosen;

static bool apply(struct tui *t, bool live, const char *profile,
                  const char *endpoint, const char *region, char *err,
                  size_t errsize)
{
    struct tui_target_choice c = {
        .live = live, .profile = profile, .endpoint = endpoint, .region = region
    };
    struct tui_target next;
    if (!t->cfg->switch_target(t->cfg->switch_ctx, &c, &next, err, errsize))
        return false;
    t->target = next;
    tui_message(t, next.live ? MSG_WARNING : MSG_OK, "target: %s %s %s%s",
                ui_glyph(next.live ? GLYPH_LIVE : GLYPH_SIM),
                next.live ? "LIVE" : "SIMULATOR", next.detail,
                next.live ? " (submits ask before they send)" : "");
    return true;
}

static bool settings_done(struct tui *t, const char *const *values, char *err,
                          size_t errsize)
{
    switch (chosen) {
    case KIND_PROFILE:
        if (!values[0][0]) {
            snprintf(err, errsize,
                     "give the profile's name (as in "
                     "~/.aws/config)");
            return false;
        }
        return apply(t, true, values[0], "", values[1], err, errsize);
    case KIND_ENDPOINT:
        if (!values[0][0]) {
            snprintf(err, errsize,
                     "give the endpoint's URL, e.g. "
                     "http://127.0.0.1:8080");
            return false;
        }
        return apply(t, true, "", values[0], values[1], err, errsize);
    case KIND_DEFAULT:
        return apply(t, true, "", "", values[0], err, errsize);
    default:
        return apply(t, false, "", "", "", err, errsize);
    }
}

static void kind_chosen(struct tui *t, int index)
{
    chosen = (enum kind)index;
    char err[640];
    switch (chosen) {
    case KIND_SIM:
        if (!apply(t, false, "", "", "", err, sizeof(err)))
            tui_message(t, MSG_ERROR, "target not changed: %s", err);
        return;
    case KIND_PROFILE: {
        static const char *const labels[] = { "Profile", "Region" };
        const char *values[] = {
            t->target.live && t->target.profile ? t->target.profile : "", ""
        };
        dialog_input(t, "AWS with a profile",
                     "A profile of ~/.aws/config and ~/.aws/credentials, as "
                     "the AWS CLI reads them. Region: empty = the profile's "
                     "or AWS_REGION.",
                     2, labels, values, settings_done);
        return;
    }
    case KIND_ENDPOINT: {
        static const char *const labels[] = { "Endpoint", "Region" };
        const char *values[] = { "http://127.0.0.1:8080", "" };
        dialog_input(t, "An IoT Wireless endpoint",
                     "Requests are signed with the default credentials "
                     "(environment or the default profile) and sent to this "
                     "URL, e.g. a 'fuota serve'.",
                     2, labels, values, settings_done);
        return;
    }
    default: {
        static const char *const labels[] = { "Region" };
        const char *values[] = { "" };
        dialog_input(t, "AWS with the default credentials",
                     "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the "
                     "default profile. Region: empty = AWS_REGION or the "
                     "profile's.",
                     1, labels, values, settings_done);
        return;
    }
    }
}

void tui_target_panel(struct tui *t)
{
    if (!t->cfg->switch_target) {
        tui_message(t, MSG_INFO, "the target is fixed for this console");
        return;
    }
    static const char *const items[] = {
        "The built-in simulator",
        "AWS with a profile (~/.aws/config)",
        "An endpoint URL (a fuota serve, a proxy)",
        "AWS with the default credentials (environment)",
    };
    dialog_choose(t, "Where requests go", items, 4,
                  t->target.live ? KIND_PROFILE : KIND_SIM, kind_chosen);
}
