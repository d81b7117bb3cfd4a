#ifndef FUOTA_CLI_SERVICE_H
#define FUOTA_CLI_SERVICE_H

/*
 * What `fuota submit` and `fuota tasks` share on top of cli/target.h: the
 * target opened with its messages on stderr, a refusal of the service
 * explained in plain words (core/advice.h), service text made safe for a
 * terminal, and the --verbose trace.
 */

#include <stdio.h>

#include "cli/target.h"
#include "core/backend.h"

/* A target_settings.trace callback: "fuota CMD: * LINE" on stderr; ctx is
 * the command name. */
void service_trace(void *ctx, const char *line);

/*
 * sodium_init(), then target_open(). Prints a warning the target carries
 * ("fuota CMD: warning: ...") and, with --verbose, the target. On failure
 * prints "fuota CMD: REASON" and returns the exit status (EXIT_USAGE for
 * option and settings problems, EXIT_CHECK when the target cannot be
 * opened); EXIT_OK otherwise.
 */
int service_open(const char *cmd, struct target_settings *s, struct target *t);

/*
 * Explains a failed call on stderr and returns EXIT_CHECK:
 *   fuota CMD: TITLE (409 ConflictException)
 *     the service says: MESSAGE
 *     what to do: ADVICE
 *     target: DESCRIPTION
 */
int service_refused(const char *cmd, const struct target *t,
                    const struct backend_error *err);

/*
 * s with control characters (and DEL) replaced by '?' into buf, for text
 * that came from the service and goes to a terminal; NULL gives "". Returns
 * buf.
 */
const char *service_safe(const char *s, char *buf, size_t size);

#endif
