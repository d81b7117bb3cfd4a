/* fopencookie: the reason of a failed write is kept where it happened. */
#define _GNU_SOURCE
#include "cli/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/util.h"

/*
 * The temporaries that exist right now, in fixed storage a signal handler
 * may read: a slot is filled (path, then used = 1) and emptied with the
 * signals blocked, so the handler sees whole entries only.
 */
static struct {
    char path[PATH_MAX];
    volatile sig_atomic_t used;
} pending[OUTFILE_MAX];
static int pending_count;

static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
#define CAUGHT_COUNT (sizeof(caught) / sizeof(caught[0]))
static struct sigaction previous[CAUGHT_COUNT];
static bool installed[CAUGHT_COUNT];

static void remove_pending(void)
{
    for (size_t i = 0; i < OUTFILE_MAX; i++)
        if (pending[i].used) {
            unlink(pending[i].path);
            pending[i].used = 0;
        }
}

/* Async-signal-safe: unlink, sigaction and raise only. */
static void on_signal(int sig)
{
    int saved = errno;
    remove_pending();
    for (size_t k = 0; k < CAUGHT_COUNT; k++)
        if (caught[k] == sig && installed[k]) {
            sigaction(sig, &previous[k], NULL);
            installed[k] = false;
        }
    /* Blocked while this handler runs: delivered, with the previous
     * disposition, as soon as it returns. */
    raise(sig);
    errno = saved;
}

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t k = 0; k < CAUGHT_COUNT; k++)
        sigaddset(&set, caught[k]);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static void restore_signals(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* With the signals blocked: the handlers go in with the first temporary
 * (except over a signal the process ignores) and out with the last. */
static void install_handlers(void)
{
    static bool at_exit;
    if (!at_exit)
        at_exit = atexit(remove_pending) == 0;
    for (size_t k = 0; k < CAUGHT_COUNT; k++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        if (sigaction(caught[k], NULL, &previous[k]) != 0 ||
            previous[k].sa_handler == SIG_IGN)
            continue;
        installed[k] = sigaction(caught[k], &sa, NULL) == 0;
    }
}

static void remove_handlers(void)
{
    for (size_t k = 0; k < CAUGHT_COUNT; k++)
        if (installed[k]) {
            sigaction(caught[k], &previous[k], NULL);
            installed[k] = false;
        }
}

/* Makes the temporary for TARGET in a free slot; returns the slot, or -1
 * with errno set. */
static int make_temporary(const char *target, int *fd)
{
    const char *slash = strrchr(target, '/');
    size_t dir_len = slash ? (size_t)(slash - target) + 1 : 0;
    const char *base = slash ? slash + 1 : target;
    sigset_t old;
    block_signals(&old);
    int slot = -1;
    for (int i = 0; i < OUTFILE_MAX && slot < 0; i++)
        if (!pending[i].used)
            slot = i;
    if (slot < 0) {
        restore_signals(&old);
        errno = EMFILE;
        return -1;
    }
    /* A long name keeps within NAME_MAX with a generic temporary name. */
    int n = strlen(base) > 200
                ? snprintf(pending[slot].path, PATH_MAX, "%.*s.fuota.XXXXXX",
                           (int)dir_len, target)
                : snprintf(pending[slot].path, PATH_MAX, "%.*s.%s.XXXXXX",
                           (int)dir_len, target, base);
    if (n < 0 || n >= PATH_MAX) {
        restore_signals(&old);
        errno = ENAMETOOLONG;
        return -1;
    }
    *fd = mkostemp(pending[slot].path, O_CLOEXEC);
    if (*fd < 0) {
        int err = errno;
        restore_signals(&old);
        errno = err;
        return -1;
    }
    pending[slot].used = 1;
    if (pending_count++ == 0)
        install_handlers();
    restore_signals(&old);
    return slot;
}

/* Removes (when REMOVE) and forgets the temporary of SLOT. */
static void release_temporary(int slot, bool remove)
{
    sigset_t old;
    block_signals(&old);
    /* A signal handler may have removed it already. */
    if (pending[slot].used && remove)
        unlink(pending[slot].path);
    pending[slot].used = 0;
    if (--pending_count == 0)
        remove_handlers();
    restore_signals(&old);
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
    struct outfile *o = cookie;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(o->fd, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (!o->err)
                o->err = n < 0 ? errno : EIO;
            errno = o->err;
            /* fopencookie: 0 = error (never negative). */
            return (ssize_t)done;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

static bool fail(struct outfile *o, int err)
{
    if (o->opt)
        cli_error(o->cmd, "%s: %s: %s", o->opt, o->path, strerror(err));
    else
        cli_error(o->cmd, "%s: %s", o->path, strerror(err));
    outfile_abort(o);
    return false;
}

bool outfile_open(struct outfile *o, const char *cmd, const char *opt,
                  const char *path)
{
    memset(o, 0, sizeof(*o));
    o->fd = -1;
    o->slot = -1;
    o->cmd = cmd;
    o->opt = opt;
    o->path = path;
    struct stat st;
    mode_t mode;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return fail(o, EISDIR);
        if (!S_ISREG(st.st_mode)) {
            o->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
            if (o->fd < 0)
                return fail(o, errno);
        } else if (access(path, W_OK) != 0) {
            return fail(o, errno);
        }
        mode = st.st_mode & 07777;
        o->target = o->fd < 0 ? realpath(path, NULL) : NULL;
    } else if (errno == ENOENT) {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    } else {
        return fail(o, errno);
    }
    if (o->fd < 0) {
        if (!o->target)
            o->target = strdup(path);
        if (!o->target)
            return fail(o, ENOMEM);
        o->slot = make_temporary(o->target, &o->fd);
        if (o->slot < 0)
            return fail(o, errno);
        if (fchmod(o->fd, mode) != 0)
            return fail(o, errno);
    }
    static const cookie_io_functions_t io = { .write = cookie_write };
    o->f = fopencookie(o, "w", io);
    if (!o->f)
        return fail(o, errno ? errno : ENOMEM);
    setvbuf(o->f, NULL, _IOFBF, 1 << 16);
    return true;
}

/* Flushes the stream and syncs the file; errors go to o->err. */
static void flush_file(struct outfile *o)
{
    errno = 0;
    if ((fflush(o->f) != 0 || ferror(o->f)) && !o->err)
        o->err = errno ? errno : EIO;
    /* A device or FIFO written in place has nothing to sync. */
    if (!o->err && o->slot >= 0 && fsync(o->fd) != 0)
        o->err = errno;
}

bool outfile_flush(struct outfile *o)
{
    if (!o->f)
        return false;
    flush_file(o);
    return o->err ? fail(o, o->err) : true;
}

bool outfile_commit(struct outfile *o)
{
    if (!o->f)
        return false;
    flush_file(o);
    fclose(o->f);
    o->f = NULL;
    if (close(o->fd) != 0 && !o->err)
        o->err = errno;
    o->fd = -1;
    if (!o->err && o->slot >= 0) {
        if (rename(pending[o->slot].path, o->target) != 0)
            o->err = errno;
        else
            release_temporary(o->slot, false);
        if (!o->err)
            o->slot = -1;
    }
    if (o->err)
        return fail(o, o->err);
    outfile_abort(o);
    return true;
}

void outfile_abort(struct outfile *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    if (o->slot >= 0)
        release_temporary(o->slot, true);
    o->slot = -1;
    free(o->target);
    o->target = NULL;
}

/* Standard output through the same cookie: fd 1, its first error kept. */
static struct outfile stdout_file = { .fd = STDOUT_FILENO, .slot = -1 };

void outfile_stdout_init(void)
{
    static const cookie_io_functions_t io = { .write = cookie_write };
    FILE *f = fopencookie(&stdout_file, "w", io);
    if (!f)
        return; /* keep the C library's stdout */
    setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
    fflush(stdout);
    stdout = f;
}

bool outfile_stdout_flush(const char *cmd)
{
    static bool reported;
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout) && !stdout_file.err)
        return true;
    int err = stdout_file.err ? stdout_file.err : errno ? errno : EIO;
    if (!reported)
        fprintf(stderr, "fuota%s%s: error writing standard output: %s\n",
                cmd ? " " : "", cmd ? cmd : "", strerror(err));
    reported = true;
    return false;
}

/* PATH with its folder resolved ("out/../c.csv" -> "/home/u/c.csv"), heap;
 * a copy of PATH when the folder does not resolve. */
static char *resolved(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
    char *real = dir ? realpath(dir, NULL) : NULL;
    free(dir);
    const char *base = slash ? slash + 1 : path;
    char *out = NULL;
    if (real) {
        size_t n = strlen(real) + strlen(base) + 2;
        out = malloc(n);
        if (out)
            snprintf(out, n, "%s/%s", real, base);
        free(real);
    }
    return out ? out : strdup(path);
}

bool outfile_same(const char *a, const char *b)
{
    struct stat sa, sb;
    bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea && eb)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
               !S_ISCHR(sa.st_mode);
    if (ea || eb)
        return false;
    char *ra = resolved(a), *rb = resolved(b);
    bool same = ra && rb ? strcmp(ra, rb) == 0 : strcmp(a, b) == 0;
    free(ra);
    free(rb);
    return same;
}

bool outfile_distinct(const char *cmd, const struct outfile_name *names,
                      size_t count)
{
    for (size_t j = 1; j < count; j++)
        for (size_t i = 0; i < j; i++) {
            if (!names[i].path || !names[j].path ||
                !outfile_same(names[i].path, names[j].path))
                continue;
            cli_error(cmd,
                      "%s: %s is also the file of %s: give each output its "
                      "own file",
                      names[j].opt, names[j].path, names[i].opt);
            return false;
        }
    return true;
}
