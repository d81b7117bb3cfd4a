/*
 * fake_http: a tiny HTTP server on 127.0.0.1 that misbehaves on purpose, for
 * the live client's end-to-end tests (tests/e2e/e2e_live_faults.sh).
 *
 *   fake_http MODE     listens on a free port, prints "listening on PORT"
 *                      on stdout, then serves every connection on a thread
 *                      until killed; logs "request N: REQUEST-LINE" and
 *                      "user-agent N: VALUE" on stderr for each request
 *                      head it reads.
 *
 * Modes (what every request gets):
 *   hang       nothing: the connection stays open, never answered
 *   close      a 200 header promising 100 bytes, 20 of them, then close
 *   garbage    bytes that are not HTTP, then close
 *   notjson    200 with an HTML body
 *   types      200 {"Arn": 5, "Id": true, ...}: members of the wrong type
 *   huge       200 with a 3 MiB JSON string
 *   status     200 a GetFuotaTask answer with an unknown Status
 *   loop       200 a ListFuotaTasks page whose NextToken never changes
 *   redirect   301 to another place
 *   html502    502 with an HTML body (a proxy in the way)
 *   reset      closes at once without a byte
 *   nottls     answers before reading anything, in plain text, and
 *              closes: what a TLS client meets at a server without TLS
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *mode;
static atomic_int requests;

static void send_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void send_str(int fd, const char *s)
{
    send_all(fd, s, strlen(s));
}

static void answer_json(int fd, const char *status, const char *body)
{
    char head[256];
    snprintf(head, sizeof(head),
             "HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nx-amzn-RequestId: fake-1\r\n\r\n",
             status, strlen(body));
    send_str(fd, head);
    send_str(fd, body);
}

/* Reads one request head (up to the blank line) and its body; false when
 * the client went away. */
static bool read_request(int fd, char *line, size_t size, char *agent,
                         size_t agent_size)
{
    char buf[16384];
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        if (len + 1 >= sizeof(buf))
            return false;
        ssize_t r = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
        if (r <= 0)
            return false;
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t n = strcspn(buf, "\r\n");
    if (n >= size)
        n = size - 1;
    memcpy(line, buf, n);
    line[n] = '\0';
    long want = 0;
    agent[0] = '\0';
    for (const char *p = buf; p < end; p++) {
        if (strncasecmp(p, "\r\ncontent-length:", 17) == 0)
            want = strtol(p + 17, NULL, 10);
        if (strncasecmp(p, "\r\nuser-agent: ", 14) == 0) {
            size_t k = strcspn(p + 14, "\r\n");
            if (k >= agent_size)
                k = agent_size - 1;
            memcpy(agent, p + 14, k);
            agent[k] = '\0';
        }
    }
    long have = (long)(len - (size_t)(end + 4 - buf));
    while (have < want) {
        ssize_t r = recv(fd, buf, sizeof(buf), 0);
        if (r <= 0)
            return false;
        have += r;
    }
    return true;
}

static void serve(int fd)
{
    char line[512], agent[256];
    while (read_request(fd, line, sizeof(line), agent, sizeof(agent))) {
        int n = atomic_fetch_add(&requests, 1) + 1;
        fprintf(stderr, "request %d: %s\nuser-agent %d: %s\n", n, line, n,
                agent);
        fflush(stderr);
        if (strcmp(mode, "hang") == 0) {
            char c;
            while (recv(fd, &c, 1, 0) > 0) {
            }
            return;
        } else if (strcmp(mode, "close") == 0) {
            send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         "Content-Length: 100\r\n\r\n{\"Arn\":\"arn:aws:iot");
            return;
        } else if (strcmp(mode, "garbage") == 0) {
            send_str(fd, "SSH-2.0-OpenSSH_9.2 definitely not HTTP\r\n\r\n");
            return;
        } else if (strcmp(mode, "notjson") == 0) {
            answer_json(fd, "200 OK", "<html><body>Welcome</body></html>");
        } else if (strcmp(mode, "types") == 0) {
            answer_json(fd, "200 OK",
                        "{\"Arn\":5,\"Id\":true,\"Status\":\"Pending\"}");
        } else if (strcmp(mode, "huge") == 0) {
            size_t big = 3u * 1024u * 1024u;
            char head[160];
            snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     big + 9);
            send_str(fd, head);
            send_str(fd, "{\"Id\":\"");
            char chunk[4096];
            memset(chunk, 'a', sizeof(chunk));
            for (size_t i = 0; i < big; i += sizeof(chunk))
                send_all(fd, chunk, sizeof(chunk));
            send_str(fd, "\"}");
            return;
        } else if (strcmp(mode, "status") == 0) {
            answer_json(fd, "200 OK",
                        "{\"Id\":\"t1\",\"Arn\":\"arn:x\","
                        "\"Status\":\"Exploded\x1b[31m\"}");
        } else if (strcmp(mode, "loop") == 0) {
            answer_json(fd, "200 OK",
                        "{\"FuotaTaskList\":[{\"Id\":\"t1\"}],"
                        "\"NextToken\":\"same\"}");
        } else if (strcmp(mode, "redirect") == 0) {
            send_str(fd, "HTTP/1.1 301 Moved Permanently\r\n"
                         "Location: http://example.invalid/\r\n"
                         "Content-Length: 0\r\n\r\n");
        } else if (strcmp(mode, "html502") == 0) {
            const char *b = "<html><h1>502 Bad Gateway</h1></html>";
            char head[200];
            snprintf(head, sizeof(head),
                     "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     strlen(b));
            send_str(fd, head);
            send_str(fd, b);
        } else {
            return; /* reset, or an unknown mode: close at once */
        }
    }
}

static void *conn_thread(void *arg)
{
    int fd = (int)(intptr_t)arg;
    if (strcmp(mode, "nottls") == 0)
        send_str(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    else
        serve(fd);
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fake_http MODE\n");
        return 2;
    }
    mode = argv[1];
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t alen = sizeof(a);
    if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(ls, 64) != 0 ||
        getsockname(ls, (struct sockaddr *)&a, &alen) != 0) {
        perror("fake_http");
        return 1;
    }
    printf("listening on %u\n", (unsigned)ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0)
            continue;
        pthread_t th;
        if (pthread_create(&th, NULL, conn_thread, (void *)(intptr_t)fd) != 0)
            close(fd);
        else
            pthread_detach(th);
    }
}
