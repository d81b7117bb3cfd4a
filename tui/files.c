#include "tui/files.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool fail(char *err, size_t size, const char *path, int e)
{
    snprintf(err, size, "%s: %s", path,
             e == EISDIR ? "is a directory" : strerror(e));
    return false;
}

static bool write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

static void sync_dir(const char *path)
{
    char copy[4096];
    snprintf(copy, sizeof(copy), "%s", path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

bool files_write_atomic(const char *path, const char *data, size_t len,
                        mode_t mode, char *err, size_t errsize)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return fail(err, errsize, path, EISDIR);
    char tmp[4200];
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return fail(err, errsize, path, ENAMETOOLONG);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return fail(err, errsize, path, errno);
    if (!write_all(fd, data, len) || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return fail(err, errsize, path, e);
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return fail(err, errsize, path, e);
    }
    sync_dir(path);
    return true;
}

char *files_read(const char *path, size_t max, size_t *len, char *err,
                 size_t errsize)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(err, errsize, path, errno);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        fail(err, errsize, path, EISDIR);
        return NULL;
    }
    char *buf = malloc(max + 1);
    if (!buf) {
        close(fd);
        fail(err, errsize, path, ENOMEM);
        return NULL;
    }
    size_t used = 0;
    for (;;) {
        ssize_t r = read(fd, buf + used, max + 1 - used);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            free(buf);
            fail(err, errsize, path, e);
            return NULL;
        }
        if (r == 0)
            break;
        used += (size_t)r;
        if (used > max) {
            close(fd);
            free(buf);
            snprintf(err, errsize, "%s: larger than %zu bytes", path, max);
            return NULL;
        }
    }
    close(fd);
    buf[used] = '\0';
    *len = used;
    return buf;
}

bool files_mkdirs(const char *dir, char *err, size_t errsize)
{
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s", dir);
    if (n < 0 || (size_t)n >= sizeof(path))
        return fail(err, errsize, dir, ENAMETOOLONG);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return fail(err, errsize, path, errno);
        *p = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return fail(err, errsize, path, errno);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(err, errsize, path, ENOTDIR);
    return true;
}
