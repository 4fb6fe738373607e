/* Test helper for --sdnotify=container: what sd_notify(3) does, which busybox
 * cannot (no unix datagram client).
 *
 *     sd_notify_send MESSAGE
 *
 * Sends MESSAGE as one datagram to the socket named by $NOTIFY_SOCKET. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv) {
    const char *path = getenv("NOTIFY_SOCKET");
    if (argc != 2 || path == NULL || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        fprintf(stderr, "usage: NOTIFY_SOCKET=PATH sd_notify_send MESSAGE\n");
        return 2;
    }
    struct sockaddr_un to = {.sun_family = AF_UNIX};
    strcpy(to.sun_path, path);
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (s < 0 || sendto(s, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&to, sizeof to) < 0) {
        perror("sd_notify_send");
        return 1;
    }
    return 0;
}
