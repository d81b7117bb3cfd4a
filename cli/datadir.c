/* Run-time data directories (see cli/datadir.h). */
#include "cli/datadir.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

size_t cli_data_dirs(const char *sub, struct cli_dirs *d)
{
    /* Relative to the binary's directory. */
    static const char *const layouts[CLI_DATA_DIRS_MAX] = {
        "/../share/fuota/",
        "/../",
        "/../../",
    };
    memset(d, 0, sizeof(*d));
    char exe[CLI_DATA_PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len <= 0)
        return 0;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    size_t n = 0;
    char(*dirs)[CLI_DATA_PATH_MAX] = d->paths;
    for (size_t i = 0; i < CLI_DATA_DIRS_MAX; i++) {
        char path[CLI_DATA_PATH_MAX], real[PATH_MAX];
        int w = snprintf(path, sizeof(path), "%s%s%s", exe, layouts[i], sub);
        struct stat st;
        if (w < 0 || (size_t)w >= sizeof(path) || !realpath(path, real) ||
            stat(real, &st) != 0 || !S_ISDIR(st.st_mode) ||
            strlen(real) >= CLI_DATA_PATH_MAX)
            continue;
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(dirs[k], real) == 0;
        if (!seen) {
            snprintf(dirs[n], CLI_DATA_PATH_MAX, "%s", real);
            d->list[n] = dirs[n];
            n++;
        }
    }
    d->n = n;
    return n;
}
