/*
 * Playback of a session to a virtual fleet: not built yet. This stub keeps
 * the F5 key and the contract of tui_open_playback (tui/app.h).
 */
#include "tui/app.h"

void tui_open_playback(struct tui *t, const struct fuota_task *request,
                       uint64_t image_bytes, const char *title)
{
    (void)request;
    (void)image_bytes;
    (void)title;
    tui_message(t, MSG_INFO, "playback is not part of this build yet");
}
