/*
 * faultfs: an LD_PRELOAD shim that counts and fails file-system calls made inside one folder.
 *
 *   cc -shared -fPIC -O2 -o faultfs.so faultfs.c -ldl
 *   LD_PRELOAD=./faultfs.so FAULTFS_ROOT=/tmp/case FAULTFS_COUNT=/tmp/steps.txt clientele run ...
 *
 * Environment:
 *   FAULTFS_ROOT=DIR        only calls on paths inside DIR (absolute; the shim takes its realpath)
 *                           are counted or failed; without it every call passes through untouched,
 *                           so the dynamic loader, /proc and the Swift runtime are never disturbed.
 *   FAULTFS_COUNT=FILE      append "N op path" to FILE for each intercepted call (N from 1).
 *   FAULTFS_FAIL_AT=N       the Nth intercepted call fails with FAULTFS_ERRNO (without being done;
 *                           a failing close still closes, as Linux does).
 *   FAULTFS_FAIL_PATH=SUB   every write/pwrite/writev to a file whose path contains SUB fails with
 *                           FAULTFS_ERRNO: a full disk on that output.
 *   FAULTFS_ERRNO=E         EIO (default), ENOSPC, EACCES, EDQUOT, EROFS, EPERM, ENOENT, EEXIST,
 *                           EBUSY, EINTR, EFBIG, EMFILE, ENFILE, ENOTDIR, EISDIR, EXDEV, or a number.
 *
 * Intercepted: open open64 __open_2 __open64_2 openat openat64 __openat_2 __openat64_2 creat
 * creat64, write pwrite pwrite64 writev pwritev pwritev64, rename renameat renameat2 and
 * syscall(SYS_renameat2), fsync fdatasync, mkdir mkdirat, unlink unlinkat rmdir remove,
 * ftruncate ftruncate64, close. The path of a descriptor is remembered at open (checked against
 * its inode on each use) or read from /proc/self/fd/N; errno is preserved on every path the shim
 * does not fail; the step counter is atomic, the descriptor table behind a mutex.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

/* ---- configuration, read once ---- */

static char root[PATH_MAX];
static size_t root_len;          /* 0: inactive, pass everything through */
static int count_fd = -1;
static long fail_at;             /* 0: never */
static char fail_path[PATH_MAX]; /* empty: never */
static int fail_errno = EIO;
static atomic_long step;
static atomic_int ready;

/* ---- the real functions ---- */

#define REAL(name) static __typeof__(name) *real_##name
REAL(open); REAL(open64); REAL(openat); REAL(openat64); REAL(creat); REAL(creat64);
REAL(write); REAL(pwrite); REAL(pwrite64); REAL(writev); REAL(pwritev); REAL(pwritev64);
REAL(rename); REAL(renameat); REAL(fsync); REAL(fdatasync); REAL(mkdir); REAL(mkdirat);
REAL(unlink); REAL(unlinkat); REAL(rmdir); REAL(remove); REAL(ftruncate); REAL(ftruncate64);
REAL(close); REAL(syscall);
static int (*real___open_2)(const char *, int);
static int (*real___open64_2)(const char *, int);
static int (*real___openat_2)(int, const char *, int);
static int (*real___openat64_2)(int, const char *, int);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned int);

#define RESOLVE(name) do { if (!real_##name) *(void **)&real_##name = dlsym(RTLD_NEXT, #name); } while (0)

static int parse_errno(const char *s) {
    static const struct { const char *name; int value; } names[] = {
        {"EIO", EIO}, {"ENOSPC", ENOSPC}, {"EACCES", EACCES}, {"EDQUOT", EDQUOT}, {"EROFS", EROFS},
        {"EPERM", EPERM}, {"ENOENT", ENOENT}, {"EEXIST", EEXIST}, {"EBUSY", EBUSY}, {"EINTR", EINTR},
        {"EFBIG", EFBIG}, {"EMFILE", EMFILE}, {"ENFILE", ENFILE}, {"ENOTDIR", ENOTDIR},
        {"EISDIR", EISDIR}, {"EXDEV", EXDEV}, {"EAGAIN", EAGAIN}, {"ENOMEM", ENOMEM},
    };
    if (!s || !*s) return EIO;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) return names[i].value;
    int n = atoi(s);
    return n > 0 ? n : EIO;
}

__attribute__((constructor)) static void faultfs_init(void) {
    int saved = errno;
    RESOLVE(open); RESOLVE(open64); RESOLVE(openat); RESOLVE(openat64); RESOLVE(creat); RESOLVE(creat64);
    RESOLVE(write); RESOLVE(pwrite); RESOLVE(pwrite64); RESOLVE(writev); RESOLVE(pwritev); RESOLVE(pwritev64);
    RESOLVE(rename); RESOLVE(renameat); RESOLVE(fsync); RESOLVE(fdatasync); RESOLVE(mkdir); RESOLVE(mkdirat);
    RESOLVE(unlink); RESOLVE(unlinkat); RESOLVE(rmdir); RESOLVE(remove); RESOLVE(ftruncate); RESOLVE(ftruncate64);
    RESOLVE(close); RESOLVE(syscall); RESOLVE(__open_2); RESOLVE(__open64_2); RESOLVE(__openat_2);
    RESOLVE(__openat64_2); RESOLVE(renameat2);
    const char *r = getenv("FAULTFS_ROOT");
    if (r && *r && realpath(r, root)) {
        root_len = strlen(root);
        while (root_len > 1 && root[root_len - 1] == '/') root[--root_len] = 0;
    }
    const char *c = getenv("FAULTFS_COUNT");
    if (c && *c) count_fd = real_open(c, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const char *f = getenv("FAULTFS_FAIL_AT");
    if (f && *f) fail_at = atol(f);
    const char *p = getenv("FAULTFS_FAIL_PATH");
    if (p && *p) snprintf(fail_path, sizeof fail_path, "%s", p);
    fail_errno = parse_errno(getenv("FAULTFS_ERRNO"));
    atomic_store(&ready, 1);
    errno = saved;
}

/* ---- paths ---- */

/* Absolute form of `path` relative to `dirfd` (no symlink resolution, no ".." folding). */
static void absolute(int dirfd, const char *path, char out[PATH_MAX]) {
    if (!path) { out[0] = 0; return; }
    if (path[0] == '/') { snprintf(out, PATH_MAX, "%s", path); return; }
    char base[PATH_MAX];
    if (dirfd == AT_FDCWD) {
        if (!getcwd(base, sizeof base)) { out[0] = 0; return; }
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        ssize_t n = readlink(link, base, sizeof base - 1);
        if (n < 0) { out[0] = 0; return; }
        base[n] = 0;
    }
    if (path[0] == 0) snprintf(out, PATH_MAX, "%s", base);
    else snprintf(out, PATH_MAX, "%s/%s", base, path);
}

static int inside(const char *abs) {
    return root_len && abs[0] && strncmp(abs, root, root_len) == 0 && (abs[root_len] == '/' || abs[root_len] == 0);
}

/* ---- descriptor table ----
 *
 * A descriptor opened inside the root is remembered with its path and its device and inode; each
 * use checks the inode with fstat, so a number reused behind the shim's back (fopen, dup2, a
 * close inside libc) is never taken for the old file. Anything else is looked up in
 * /proc/self/fd on each use (writes outside the root are few: stdout, stderr, wake-up pipes).
 */

#define MAX_FDS 1024
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { int known; dev_t dev; ino_t ino; char path[PATH_MAX]; } fds[MAX_FDS];

static void remember(int fd, const char *abs) {
    if (fd < 0 || fd >= MAX_FDS) return;
    struct stat st;
    int ok = inside(abs) && fstat(fd, &st) == 0;
    pthread_mutex_lock(&table_lock);
    fds[fd].known = ok;
    if (ok) { fds[fd].dev = st.st_dev; fds[fd].ino = st.st_ino; snprintf(fds[fd].path, PATH_MAX, "%s", abs); }
    pthread_mutex_unlock(&table_lock);
}

static void forget(int fd) {
    if (fd < 0 || fd >= MAX_FDS) return;
    pthread_mutex_lock(&table_lock);
    fds[fd].known = 0;
    pthread_mutex_unlock(&table_lock);
}

/* Copies the descriptor's path into `out` when it is inside the root; returns 1 then. */
static int fd_inside(int fd, char out[PATH_MAX]) {
    if (!root_len || fd < 0) return 0;
    if (fd < MAX_FDS) {
        struct stat st;
        if (fstat(fd, &st) != 0) return 0;
        int same = 0;
        pthread_mutex_lock(&table_lock);
        if (fds[fd].known && fds[fd].dev == st.st_dev && fds[fd].ino == st.st_ino) {
            snprintf(out, PATH_MAX, "%s", fds[fd].path);
            same = 1;
        }
        pthread_mutex_unlock(&table_lock);
        if (same) return 1;
    }
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, out, PATH_MAX - 1);
    if (n < 0) return 0;
    out[n] = 0;
    if (!inside(out)) return 0;
    remember(fd, out);
    return 1;
}

/* ---- the decision: count the step, say whether it fails, log it ("FAILED" when it does) ---- */

static int step_fails(const char *op, const char *path, const char *path2, int full_disk) {
    long n = atomic_fetch_add(&step, 1) + 1;
    int fails = full_disk || (fail_at > 0 && n == fail_at);
    if (count_fd >= 0) {
        char line[2 * PATH_MAX + 64];
        int len = snprintf(line, sizeof line, "%ld %s %s%s%s%s\n", n, op, path, path2 ? " -> " : "", path2 ? path2 : "",
                           fails ? " FAILED" : "");
        if (len > (int)sizeof line - 1) { len = sizeof line - 1; line[len - 1] = '\n'; }
        if (len > 0) real_write(count_fd, line, (size_t)len);
    }
    return fails;
}

static int path_fails(const char *abs) { return fail_path[0] && strstr(abs, fail_path) != NULL; }

/* For a call on one path: returns 1 when it must fail (errno already set). */
static int check_path(const char *op, int dirfd, const char *path) {
    if (!atomic_load(&ready) || !root_len) return 0;
    int saved = errno;
    char abs[PATH_MAX];
    absolute(dirfd, path, abs);
    int fails = inside(abs) && step_fails(op, abs, NULL, 0);
    errno = fails ? fail_errno : saved;
    return fails;
}

static int check_two(const char *op, int d1, const char *p1, int d2, const char *p2) {
    if (!atomic_load(&ready) || !root_len) return 0;
    int saved = errno;
    char a1[PATH_MAX], a2[PATH_MAX];
    absolute(d1, p1, a1);
    absolute(d2, p2, a2);
    int fails = (inside(a1) || inside(a2)) && step_fails(op, a1, a2, 0);
    errno = fails ? fail_errno : saved;
    return fails;
}

/* For a call on a descriptor; `write_like` also applies FAULTFS_FAIL_PATH. */
static int check_fd(const char *op, int fd, int write_like) {
    if (!atomic_load(&ready) || !root_len) return 0;
    int saved = errno;
    char abs[PATH_MAX];
    int fails = 0;
    if (fd_inside(fd, abs)) fails = step_fails(op, abs, NULL, write_like && path_fails(abs));
    errno = fails ? fail_errno : saved;
    return fails;
}

static void opened(int fd, int dirfd, const char *path) {
    if (fd < 0 || !atomic_load(&ready) || !root_len) return;
    int saved = errno;
    char abs[PATH_MAX];
    absolute(dirfd, path, abs);
    remember(fd, abs);
    errno = saved;
}

/* ---- open ---- */

static mode_t mode_of(int flags, va_list ap) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

#define OPEN_BODY(name, dirfd, call) \
    do { \
        RESOLVE(name); \
        if (check_path(#name, dirfd, path)) return -1; \
        int fd = call; \
        opened(fd, dirfd, path); \
        return fd; \
    } while (0)

int open(const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t mode = mode_of(flags, ap); va_end(ap);
    OPEN_BODY(open, AT_FDCWD, real_open(path, flags, mode));
}
int open64(const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t mode = mode_of(flags, ap); va_end(ap);
    OPEN_BODY(open64, AT_FDCWD, real_open64(path, flags, mode));
}
int __open_2(const char *path, int flags) { OPEN_BODY(__open_2, AT_FDCWD, real___open_2(path, flags)); }
int __open64_2(const char *path, int flags) { OPEN_BODY(__open64_2, AT_FDCWD, real___open64_2(path, flags)); }
int openat(int dirfd, const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t mode = mode_of(flags, ap); va_end(ap);
    OPEN_BODY(openat, dirfd, real_openat(dirfd, path, flags, mode));
}
int openat64(int dirfd, const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t mode = mode_of(flags, ap); va_end(ap);
    OPEN_BODY(openat64, dirfd, real_openat64(dirfd, path, flags, mode));
}
int __openat_2(int dirfd, const char *path, int flags) { OPEN_BODY(__openat_2, dirfd, real___openat_2(dirfd, path, flags)); }
int __openat64_2(int dirfd, const char *path, int flags) { OPEN_BODY(__openat64_2, dirfd, real___openat64_2(dirfd, path, flags)); }
int creat(const char *path, mode_t mode) { OPEN_BODY(creat, AT_FDCWD, real_creat(path, mode)); }
int creat64(const char *path, mode_t mode) { OPEN_BODY(creat64, AT_FDCWD, real_creat64(path, mode)); }

/* ---- writes ---- */

ssize_t write(int fd, const void *buf, size_t n) {
    RESOLVE(write);
    if (check_fd("write", fd, 1)) return -1;
    return real_write(fd, buf, n);
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
    RESOLVE(pwrite);
    if (check_fd("pwrite", fd, 1)) return -1;
    return real_pwrite(fd, buf, n, off);
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off) {
    RESOLVE(pwrite64);
    if (check_fd("pwrite64", fd, 1)) return -1;
    return real_pwrite64(fd, buf, n, off);
}
ssize_t writev(int fd, const struct iovec *iov, int cnt) {
    RESOLVE(writev);
    if (check_fd("writev", fd, 1)) return -1;
    return real_writev(fd, iov, cnt);
}
ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off) {
    RESOLVE(pwritev);
    if (check_fd("pwritev", fd, 1)) return -1;
    return real_pwritev(fd, iov, cnt, off);
}
ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off64_t off) {
    RESOLVE(pwritev64);
    if (check_fd("pwritev64", fd, 1)) return -1;
    return real_pwritev64(fd, iov, cnt, off);
}

/* ---- descriptor calls ---- */

int fsync(int fd) { RESOLVE(fsync); if (check_fd("fsync", fd, 0)) return -1; return real_fsync(fd); }
int fdatasync(int fd) { RESOLVE(fdatasync); if (check_fd("fdatasync", fd, 0)) return -1; return real_fdatasync(fd); }
int ftruncate(int fd, off_t len) { RESOLVE(ftruncate); if (check_fd("ftruncate", fd, 0)) return -1; return real_ftruncate(fd, len); }
int ftruncate64(int fd, off64_t len) { RESOLVE(ftruncate64); if (check_fd("ftruncate64", fd, 0)) return -1; return real_ftruncate64(fd, len); }

int close(int fd) {
    RESOLVE(close);
    int fails = check_fd("close", fd, 0);
    int saved = errno;
    forget(fd);  /* before the real close: the number cannot be reused until then */
    int rc = real_close(fd);
    if (fails) { errno = saved; return -1; }
    return rc;
}

/* ---- names ---- */

int mkdir(const char *path, mode_t mode) { RESOLVE(mkdir); if (check_path("mkdir", AT_FDCWD, path)) return -1; return real_mkdir(path, mode); }
int mkdirat(int dirfd, const char *path, mode_t mode) { RESOLVE(mkdirat); if (check_path("mkdirat", dirfd, path)) return -1; return real_mkdirat(dirfd, path, mode); }
int unlink(const char *path) { RESOLVE(unlink); if (check_path("unlink", AT_FDCWD, path)) return -1; return real_unlink(path); }
int unlinkat(int dirfd, const char *path, int flags) { RESOLVE(unlinkat); if (check_path("unlinkat", dirfd, path)) return -1; return real_unlinkat(dirfd, path, flags); }
int rmdir(const char *path) { RESOLVE(rmdir); if (check_path("rmdir", AT_FDCWD, path)) return -1; return real_rmdir(path); }
int remove(const char *path) { RESOLVE(remove); if (check_path("remove", AT_FDCWD, path)) return -1; return real_remove(path); }

int rename(const char *from, const char *to) {
    RESOLVE(rename);
    if (check_two("rename", AT_FDCWD, from, AT_FDCWD, to)) return -1;
    return real_rename(from, to);
}
int renameat(int fd1, const char *from, int fd2, const char *to) {
    RESOLVE(renameat);
    if (check_two("renameat", fd1, from, fd2, to)) return -1;
    return real_renameat(fd1, from, fd2, to);
}
int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned int flags) {
    RESOLVE(renameat2);
    if (check_two(flags & RENAME_EXCHANGE ? "renameat2-exchange" : "renameat2", fd1, from, fd2, to)) return -1;
    if (real_renameat2) return real_renameat2(fd1, from, fd2, to, flags);
    RESOLVE(syscall);
    return (int)real_syscall(SYS_renameat2, fd1, from, fd2, to, flags);
}

/* syscall(2): SYS_renameat2 is checked like renameat2; every other number passes through. */
long syscall(long number, ...) {
    RESOLVE(syscall);
    va_list ap;
    va_start(ap, number);
    long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
    long a4 = va_arg(ap, long), a5 = va_arg(ap, long), a6 = va_arg(ap, long);
    va_end(ap);
#ifdef SYS_renameat2
    if (number == SYS_renameat2) {
        const char *op = ((unsigned)a5 & RENAME_EXCHANGE) ? "syscall-renameat2-exchange" : "syscall-renameat2";
        if (check_two(op, (int)a1, (const char *)a2, (int)a3, (const char *)a4)) return -1;
    }
#endif
    return real_syscall(number, a1, a2, a3, a4, a5, a6);
}
