#include "tui/draft.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct draft {
    char *path;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool pending; /* a put not yet fsynced */
    bool stop;
    unsigned long synced;
};

static void sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

static void *syncer(void *arg)
{
    struct draft *d = arg;
    pthread_mutex_lock(&d->lock);
    for (;;) {
        while (!d->pending && !d->stop)
            pthread_cond_wait(&d->wake, &d->lock);
        if (!d->pending && d->stop)
            break;
        d->pending = false;
        /* fsync outside the lock: puts go on meanwhile and are folded
         * into the next round. */
        pthread_mutex_unlock(&d->lock);
        sync_path(d->path);
        pthread_mutex_lock(&d->lock);
        d->synced++;
        pthread_cond_broadcast(&d->wake);
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

struct draft *draft_new(const char *path)
{
    struct draft *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->path = strdup(path);
    if (!d->path || pthread_mutex_init(&d->lock, NULL) != 0) {
        free(d->path);
        free(d);
        return NULL;
    }
    pthread_cond_init(&d->wake, NULL);
    if (pthread_create(&d->thread, NULL, syncer, d) != 0) {
        pthread_cond_destroy(&d->wake);
        pthread_mutex_destroy(&d->lock);
        free(d->path);
        free(d);
        return NULL;
    }
    return d;
}

void draft_free(struct draft *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->stop = true;
    pthread_cond_broadcast(&d->wake);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->thread, NULL);
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->lock);
    free(d->path);
    free(d);
}

static bool fail(char *err, size_t size, const char *path, int e)
{
    snprintf(err, size, "%s: %s", path, strerror(e));
    return false;
}

bool draft_put(struct draft *d, const char *text, size_t len, char *err,
               size_t errsize)
{
    char tmp[4200];
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", d->path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return fail(err, errsize, d->path, ENAMETOOLONG);
    /* The lock keeps the syncer from fsyncing half a rename. */
    pthread_mutex_lock(&d->lock);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    int e = errno;
    while (ok && len) {
        ssize_t w = write(fd, text, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            e = errno;
            ok = false;
            break;
        }
        text += w;
        len -= (size_t)w;
    }
    if (fd >= 0 && close(fd) != 0 && ok) {
        e = errno;
        ok = false;
    }
    if (ok && rename(tmp, d->path) != 0) {
        e = errno;
        ok = false;
    }
    if (!ok)
        unlink(tmp);
    else
        d->pending = true;
    pthread_cond_broadcast(&d->wake);
    pthread_mutex_unlock(&d->lock);
    return ok ? true : fail(err, errsize, d->path, e);
}

unsigned long draft_synced(struct draft *d)
{
    pthread_mutex_lock(&d->lock);
    unsigned long n = d->synced;
    pthread_mutex_unlock(&d->lock);
    return n;
}
