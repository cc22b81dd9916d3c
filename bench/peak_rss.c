/* SPDX-License-Identifier: MIT */
/* peak_rss: run one command and report its wall time and peak resident set size.
 *
 * bench/render.sh needs both figures for every run it times. /usr/bin/time -v gives them but
 * is a separate package that may be absent, and a script cannot install it; this wrapper needs
 * only libc. It forks, execs the command with the same stdin, stdout and stderr, and waits with
 * wait4(), whose rusage holds the child's ru_maxrss (KiB on Linux). The wall time runs from
 * just before fork() to the return of wait4(), so it includes the command's start-up, like
 * timing it from a shell, but not this wrapper's own start-up.
 *
 * It writes one line, "seconds=S max_rss_kib=K exit=N", to FILE (-o) or to stderr, and exits
 * with the command's exit status (128 + signal if a signal ended it, 127 if it could not be
 * run), so a caller can both check the command and read its figures.
 *
 * Usage: peak_rss [-o FILE] COMMAND [ARG...] */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* wait4() */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_USAGE = 2, EXIT_NOT_RUN = 127, EXIT_SIGNAL_BASE = 128 };

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
    fprintf(stderr, "usage: peak_rss [-o FILE] COMMAND [ARG...]\n");
    return EXIT_USAGE;
}

/* The status a shell would report for the child: its exit code, or 128 + the signal. */
static int shell_status(int wait_status)
{
    if (WIFEXITED(wait_status))
        return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status))
        return EXIT_SIGNAL_BASE + WTERMSIG(wait_status);
    return EXIT_NOT_RUN;
}

/* Run argv, wait for it and fill in its wall time, rusage and shell status.
 * Returns 0, or -1 (with a message on stderr) when it could not be started or waited for. */
static int run_and_wait(char **argv, double *seconds, struct rusage *usage_out, int *status)
{
    double start = now_seconds();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "peak_rss: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "peak_rss: %s: %s\n", argv[0], strerror(errno));
        _exit(EXIT_NOT_RUN);
    }
    int wait_status = 0;
    pid_t done;
    do {
        done = wait4(pid, &wait_status, 0, usage_out);
    } while (done < 0 && errno == EINTR);
    *seconds = now_seconds() - start;
    if (done < 0) {
        fprintf(stderr, "peak_rss: wait4: %s\n", strerror(errno));
        return -1;
    }
    *status = shell_status(wait_status);
    return 0;
}

int main(int argc, char **argv)
{
    const char *report_path = NULL;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "-o") == 0) {
        report_path = argv[2];
        first = 3;
    }
    if (first >= argc || argv[first][0] == '-')
        return usage();

    double seconds = 0;
    struct rusage usage_out;
    memset(&usage_out, 0, sizeof usage_out);
    int status = EXIT_NOT_RUN;
    if (run_and_wait(argv + first, &seconds, &usage_out, &status) != 0)
        return EXIT_NOT_RUN;

    FILE *report = stderr;
    if (report_path && !(report = fopen(report_path, "w"))) {
        fprintf(stderr, "peak_rss: %s: %s\n", report_path, strerror(errno));
        return EXIT_NOT_RUN;
    }
    fprintf(report, "seconds=%.6f max_rss_kib=%ld exit=%d\n", seconds, usage_out.ru_maxrss,
            status);
    if (report != stderr && fclose(report) != 0) {
        fprintf(stderr, "peak_rss: %s: %s\n", report_path, strerror(errno));
        return EXIT_NOT_RUN;
    }
    return status;
}
