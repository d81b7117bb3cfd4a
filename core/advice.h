#ifndef FUOTA_CORE_ADVICE_H
#define FUOTA_CORE_ADVICE_H

/*
 * What a backend error means in plain words, and what the operator can do
 * about it: one place for the CLI (`fuota submit`, `fuota tasks`) and the
 * console. Pure data and string work: no I/O.
 *
 * The explanation is chosen from a table by the error's status, its AWS
 * error type (x-amzn-ErrorType as received, e.g. InvalidSignatureException
 * under BACKEND_ACCESS_DENIED) and words of its message (a ConflictException
 * about a reused ClientRequestToken is not one about a task's state). For a
 * ValidationException the member the service names ("... at 'name' failed to
 * satisfy constraint ...") is picked out; for ResourceNotFoundException and
 * ConflictException the resource.
 */

#include "core/backend.h"

#define ADVICE_TITLE_MAX 160
#define ADVICE_TEXT_MAX  768

struct advice {
    /* One line: "The ClientRequestToken was already used with other
     * parameters (409 ConflictException)". */
    char title[ADVICE_TITLE_MAX];
    /* What to do, a few sentences, no line breaks. */
    char text[ADVICE_TEXT_MAX];
};

/* Fills *out for err (any status; BACKEND_OK gives "Done"). */
void advice_explain(const struct backend_error *err, struct advice *out);

/*
 * The member an AWS ValidationException message names: the text between
 * "at '" and the next "'" ("Value null at 'firmwareUpdateImage' failed
 * ..."), into buf. False (buf "") when the message names none.
 */
bool advice_member(const char *message, char *buf, size_t size);

#endif
