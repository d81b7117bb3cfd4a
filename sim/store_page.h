#ifndef FUOTA_SIM_STORE_PAGE_H
#define FUOTA_SIM_STORE_PAGE_H

/*
 * Paging of the store's List* calls. A page is the rows after a position
 * (a row number, increasing in creation order, or a text key) in one listing:
 * `kind` names the listing ('T' tasks, 'G' a task's multicast groups, 'D' a
 * task's devices) and `scope` the task it is about (0 for tasks). NextToken is
 * base64url("<kind>:<scope>:<after>" + seal), opaque to clients, where the
 * seal is a keyed BLAKE2b tag of what precedes it: a token from another
 * listing or another task, or one cut, extended (even by bytes that decode
 * to nothing) or altered, is refused. Pure functions, safe from any
 * thread.
 */

#include <stdint.h>

#include "core/backend.h"

/*
 * Reads a page request (NULL = first page, default size): *limit gets
 * max_results or BACKEND_MAX_RESULTS_DEFAULT for 0, *after the position
 * decoded from next_token (0 without one). BACKEND_VALIDATION with AWS's
 * message for max_results outside 0..BACKEND_MAX_RESULTS_MAX or a token that
 * is not one of ours for (kind, scope).
 */
enum backend_status store_page_args(const struct backend_page_req *page,
                                    char kind, int64_t scope, int64_t *after,
                                    int *limit, struct backend_error *err)
    __attribute__((warn_unused_result));

/*
 * The NextToken for the rows after `after` in listing (kind, scope): a heap
 * string the caller frees, NULL when out of memory.
 */
char *store_page_token(char kind, int64_t scope, int64_t after)
    __attribute__((warn_unused_result));

/*
 * Keyset paging on a text key instead of a row number (kind 'W': the
 * unfiltered ListWirelessDevices, keyed by device id): NextToken is
 * base64url("<kind>:<last key>" + seal). store_page_key_args reads max_results
 * as store_page_args does and the key after which the page starts into after
 * (size bytes; "" without a token); a token of another kind, one whose key does
 * not fit (size - 1 bytes) or holds a NUL is a ValidationException.
 * store_page_key_token returns a heap string (NULL when out of memory).
 */
enum backend_status store_page_key_args(const struct backend_page_req *page,
                                        char kind, char *after, size_t size,
                                        int *limit, struct backend_error *err)
    __attribute__((warn_unused_result));
char *store_page_key_token(char kind, const char *last)
    __attribute__((warn_unused_result));

/*
 * A token carrying payload[0..n) (n <= BACKEND_ID_MAX + 16) under the seal:
 * what store_page_token() and store_page_key_token() return. Exposed for
 * tests, which seal forged payloads to check that the parsing refuses
 * them. Heap string; NULL when out of memory or n is too long.
 */
char *store_page_seal(const void *payload, size_t n)
    __attribute__((warn_unused_result));

#endif
