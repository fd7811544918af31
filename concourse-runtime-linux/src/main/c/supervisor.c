/*
 * The supervisor of one process of the runc runtime (ProcessLauncher): what Garden's dadoo is to
 * Garden. It runs `runc run` of the process's bundle in a process group of its own, ignoring
 * SIGHUP and SIGPIPE, so the process and its exit status outlive the engine that started it (and a
 * Ctrl-C in the engine's terminal, which goes to the terminal's foreground process group only). Not
 * a session of its own (setsid): where the kernel groups scheduling by session (autogroup), a new
 * session per process makes every runc start wait longer for a CPU on a busy machine.
 *
 *   supervisor DIR RUNC ROOT ID INPUT OOMFILE TIMEOUT_MS
 *
 *   DIR       the process directory (config.json, the stdout/stderr/stdin FIFOs, pid, exit...)
 *   RUNC      the runc binary (looked up in PATH if it has no slash)
 *   ROOT      runc's state directory (--root)
 *   ID        the runc container id
 *   INPUT     "pipe" for DIR/stdin, otherwise a file to read the input from (/dev/null)
 *   OOMFILE   the cgroup file counting OOM kills (memory.events, memory.oom_control), or "" when
 *             the process has no memory limit
 *   TIMEOUT_MS how long runc may take to start the process
 *
 * It holds both output FIFOs open for reading and writing (so the process never gets SIGPIPE while
 * no engine reads them, and an engine can open them again later), runs runc, and reports on its
 * standard output, which the engine reads once, one line: "started" once runc wrote the pid file
 * (seen through inotify), "failed" if runc exited before, "timeout" if it did not start it in time
 * (runc is killed then). From then on its standard output is /dev/null. When runc exits it notes
 * an OOM kill in DIR/oom (with OOMFILE; runc ran with --keep so the cgroup was still there, and is
 * deleted now) and writes the exit status to DIR/exit (through a rename: a reader sees all of it
 * or nothing): runc's exit code, or 128 + n if runc died of signal n, as a shell reports it.
 * Its own messages go to its standard error (supervisor.log).
 *
 * No polling with sleeps: it waits in poll() on an inotify descriptor and a pidfd of runc (a
 * SIGCHLD self-pipe where the kernel has no pidfd_open). Only if it gets no inotify descriptor
 * (the per-user limit, fs.inotify.max_user_instances, is reached) does it look at the pid file
 * every millisecond instead of failing. The inotify descriptor stays open until the supervisor
 * exits (closing it costs milliseconds of waiting for the kernel, see main()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static const char *dir;
static int sigchld_pipe[2] = {-1, -1};

static void fail(const char *what) {
    fprintf(stderr, "supervisor: %s: %s\n", what, strerror(errno));
    exit(111);
}

static void path_of(char *out, const char *name) {
    if ((size_t) snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX) {
        fprintf(stderr, "supervisor: path too long: %s/%s\n", dir, name);
        exit(111);
    }
}

static int open_in_dir(const char *name, int flags) {
    char path[PATH_MAX];
    path_of(path, name);
    int fd;
    do {
        fd = open(path, flags | O_CLOEXEC, 0600);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

static void on_sigchld(int sig) {
    (void) sig;
    int saved = errno;
    if (write(sigchld_pipe[1], "x", 1) < 0) {
        /* the pipe is full: poll() wakes up anyway */
    }
    errno = saved;
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int pid_file_written(void) {
    char path[PATH_MAX];
    struct stat st;
    path_of(path, "pid");
    return stat(path, &st) == 0 && st.st_size > 0;
}

/* Runs argv with stdin, stdout and stderr as given; returns its pid. */
static pid_t spawn(char **argv, const char *input, int to_fifos) {
    pid_t pid = fork();
    if (pid < 0) {
        fail("fork");
    }
    if (pid > 0) {
        return pid;
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    int in = open(input, O_RDONLY); /* a FIFO: waits for the engine's writer, in this child only */
    int out = to_fifos ? open_in_dir("stdout", O_WRONLY) : open("/dev/null", O_WRONLY);
    int err = to_fifos ? open_in_dir("stderr", O_WRONLY) : open("/dev/null", O_WRONLY);
    if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
        fprintf(stderr, "supervisor: cannot set up the input and output of %s: %s\n", argv[0], strerror(errno));
        _exit(111);
    }
    execvp(argv[0], argv);
    dprintf(2, "supervisor: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static int wait_status(pid_t pid) {
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fail("waitpid");
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
}

/* Waits until runc wrote the pid file (1), exited before (0) or the deadline passed (-1). */
static int await_start(int inotify_fd, pid_t runc, long long deadline) {
    int pidfd = (int) syscall(SYS_pidfd_open, runc, 0);
    struct pollfd fds[2] = {{.fd = inotify_fd, .events = POLLIN}, {.events = POLLIN}};
    fds[1].fd = pidfd >= 0 ? pidfd : sigchld_pipe[0];
    int result = -1;
    for (;;) {
        if (pid_file_written()) {
            result = 1;
            break;
        }
        siginfo_t info;
        info.si_pid = 0;
        if (waitid(P_PID, runc, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == runc) {
            result = pid_file_written();
            break;
        }
        long long left = deadline - now_ms();
        if (left <= 0) {
            break;
        }
        /* without inotify (its per-user limit reached), look at the pid file every millisecond */
        long long wait = inotify_fd < 0 && left > 1 ? 1 : left;
        int ready = poll(fds, 2, wait > INT_MAX ? INT_MAX : (int) wait);
        if (ready < 0 && errno != EINTR) {
            fail("poll");
        }
        if (ready > 0 && (fds[0].revents & POLLIN)) {
            char events[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
            if (read(inotify_fd, events, sizeof events) < 0 && errno != EINTR && errno != EAGAIN) {
                fail("read inotify");
            }
        }
        if (ready > 0 && pidfd < 0 && (fds[1].revents & POLLIN)) {
            char drain[64];
            if (read(sigchld_pipe[0], drain, sizeof drain) < 0) {
                /* nothing to drain */
            }
        }
    }
    if (pidfd >= 0) {
        close(pidfd);
    }
    return result;
}

static int oom_killed(const char *oom_file) {
    char text[8192];
    int fd = open(oom_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    text[n] = '\0';
    for (char *line = text; line != NULL && *line != '\0';) {
        if (strncmp(line, "oom_kill ", 9) == 0 && line[9] >= '1' && line[9] <= '9') {
            return 1;
        }
        line = strchr(line, '\n');
        if (line != NULL) {
            line++;
        }
    }
    return 0;
}

static void write_exit(int status) {
    char temp[PATH_MAX];
    char final[PATH_MAX];
    char text[16];
    path_of(temp, "exit.tmp");
    path_of(final, "exit");
    int length = snprintf(text, sizeof text, "%d\n", status);
    int fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, text, (size_t) length) != length || close(fd) != 0 || rename(temp, final) != 0) {
        fail("cannot write the exit status");
    }
}

static void report(const char *line) {
    if (write(1, line, strlen(line)) < 0) {
        /* the engine is gone: the exit file is what counts */
    }
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 1);
        close(null);
    }
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: %s DIR RUNC ROOT ID INPUT OOMFILE TIMEOUT_MS\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    char *runc = argv[2];
    char *root = argv[3];
    char *id = argv[4];
    const char *oom_file = argv[6];
    long long timeout = atoll(argv[7]);
    char input[PATH_MAX];
    if (strcmp(argv[5], "pipe") == 0) {
        path_of(input, "stdin");
    } else {
        snprintf(input, sizeof input, "%s", argv[5]);
    }
    char log[PATH_MAX];
    char bundle[PATH_MAX];
    char pid_file[PATH_MAX];
    path_of(log, "runc.log");
    snprintf(bundle, sizeof bundle, "%s", dir);
    path_of(pid_file, "pid");

    /* the engine may go away at any time: its pipe must not end us, nor its session */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    if (setpgid(0, 0) < 0) {
        fail("setpgid");
    }
    /* held open until the end, so the FIFOs always have a reader and a writer */
    int out_holder = open_in_dir("stdout", O_RDWR);
    int err_holder = open_in_dir("stderr", O_RDWR);
    if (out_holder < 0 || err_holder < 0) {
        fail("cannot open the output FIFOs");
    }
    if (pipe2(sigchld_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        fail("pipe");
    }
    struct sigaction action = {.sa_handler = on_sigchld, .sa_flags = SA_RESTART | SA_NOCLDSTOP};
    sigemptyset(&action.sa_mask);
    sigaction(SIGCHLD, &action, NULL);
    int inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (inotify_fd >= 0 && inotify_add_watch(inotify_fd, dir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
        close(inotify_fd);
        inotify_fd = -1;
    }
    if (inotify_fd < 0) {
        fprintf(stderr, "supervisor: no inotify (%s): polling for the pid file instead\n", strerror(errno));
    }

    int keep = oom_file[0] != '\0';
    char *run[] = {runc, "--root", root, "--log", log, "run", "--bundle", bundle, "--pid-file", pid_file, id, NULL};
    char *run_keep[] = {runc, "--root", root, "--log", log, "run", "--keep", "--bundle", bundle, "--pid-file",
            pid_file, id, NULL};
    pid_t child = spawn(keep ? run_keep : run, input, 1);

    int started = await_start(inotify_fd, child, now_ms() + timeout);
    /*
     * The inotify descriptor is not closed here but when this process exits: closing an inotify
     * instance waits for the kernel to destroy its watches (an SRCU grace period, 5 to 15 ms on the
     * CI machine, spent in uninterruptible sleep), which would delay both the "started" report and
     * noticing runc's exit. At exit, nobody waits for it any more: the exit file is written and the
     * output FIFOs closed before.
     */
    if (started < 0) {
        kill(child, SIGKILL);
        report("timeout\n");
    } else {
        report(started ? "started\n" : "failed\n");
    }

    int status = wait_status(child);
    if (keep) {
        if (oom_killed(oom_file)) {
            int fd = open_in_dir("oom", O_WRONLY | O_CREAT | O_TRUNC);
            if (fd >= 0) {
                close(fd);
            }
        }
        char *delete[] = {runc, "--root", root, "--log", log, "delete", "--force", id, NULL};
        wait_status(spawn(delete, "/dev/null", 0));
    }
    write_exit(status);
    close(out_holder);
    close(err_holder);
    return 0;
}
