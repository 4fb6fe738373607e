/* Test helper for the network suite: a UDP echo server busybox cannot be.
 *
 *     udpecho PORT
 *
 * Binds PORT on every address (IPv6 socket, IPv4 mapped) and answers each
 * datagram with "FROM <source address> <payload>", so a test sees both the
 * round trip and the client's address as the container saw it. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: udpecho PORT\n");
        return 2;
    }
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    int off = 0;
    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    struct sockaddr_in6 me = {.sin6_family = AF_INET6, .sin6_port = htons(atoi(argv[1]))};
    me.sin6_addr = in6addr_any;
    if (s < 0 || bind(s, (struct sockaddr *)&me, sizeof me) != 0) {
        perror("udpecho: bind");
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    for (;;) {
        char in[1024], out[1200], text[INET6_ADDRSTRLEN];
        struct sockaddr_in6 peer;
        socklen_t len = sizeof peer;
        ssize_t n = recvfrom(s, in, sizeof in - 1, 0, (struct sockaddr *)&peer, &len);
        if (n < 0)
            continue;
        in[n] = 0;
        inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof text);
        const char *shown = strncmp(text, "::ffff:", 7) == 0 ? text + 7 : text;
        int m = snprintf(out, sizeof out, "FROM %s %s", shown, in);
        printf("%s\n", out);
        fflush(stdout);
        sendto(s, out, (size_t)m, 0, (struct sockaddr *)&peer, len);
    }
}
