/* Test helper for the escape suite: system calls busybox cannot make.
 * Each subcommand prints "ok" or "errno=N" (and exits 0 or 1). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static int report(long result) {
    if (result < 0) {
        printf("errno=%d\n", errno);
        return 1;
    }
    printf("ok\n");
    return 0;
}

static int chroot_escape(void) {
    /* The classic dance: chroot into a subdirectory while the cwd stays
     * outside it, climb with "..", chroot("."), then list "/". */
    mkdir("/tmp/jail", 0755);
    if (chroot("/tmp/jail") < 0)
        return report(-1);
    for (int i = 0; i < 256; i++)
        chdir("..");
    if (chroot(".") < 0)
        return report(-1);
    DIR *d = opendir("/");
    if (!d)
        return report(-1);
    struct dirent *e;
    while ((e = readdir(d)))
        printf("%s\n", e->d_name);
    closedir(d);
    return 0;
}

static int status_line(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0)
            fputs(line, stdout);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2)
        return 2;
    const char *cmd = argv[1];
    if (!strcmp(cmd, "keyctl")) /* KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, create */
        return report(syscall(SYS_keyctl, 0, -3, 1, 0, 0));
    if (!strcmp(cmd, "add_key"))
        return report(syscall(SYS_add_key, "user", "hutch", "x", 1, -3));
    if (!strcmp(cmd, "ptrace") && argc > 2)
        return report(ptrace(PTRACE_ATTACH, atoi(argv[2]), 0, 0));
    if (!strcmp(cmd, "mknod") && argc > 2) /* a character device 1:3 (/dev/null's numbers) */
        return report(mknod(argv[2], S_IFCHR | 0666, makedev(1, 3)));
    if (!strcmp(cmd, "chroot-escape"))
        return chroot_escape();
    if (!strcmp(cmd, "open-write") && argc > 2)
        return report(open(argv[2], O_WRONLY));
    if (!strcmp(cmd, "id")) {
        printf("uid=%d euid=%d\n", getuid(), geteuid());
        status_line("CapEff:");
        status_line("CapPrm:");
        status_line("CapBnd:");
        return 0;
    }
    if (!strcmp(cmd, "setuid0"))
        return report(setuid(0));
    return 2;
}
