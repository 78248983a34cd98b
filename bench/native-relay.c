/*
 * The floor of any stdio proxy, without Node: a process that starts the server as its child and copies
 * bytes both ways with poll(2), read(2) and write(2), reading nothing. What it adds to a direct connection
 * is the extra process hop as the kernel charges it (two pipe writes, two reads, two wake-ups per round
 * trip), with no event loop of its own. `npm run bench -- proxy` compiles it with the machine's C compiler
 * when there is one, and leaves its row out when there is none.
 * Run: native-relay COMMAND [ARGS...]
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_all(int fd, const char *data, ssize_t length) {
  while (length > 0) {
    ssize_t written = write(fd, data, (size_t)length);
    if (written < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    data += written;
    length -= written;
  }
  return 0;
}

static int exit_code(pid_t child) {
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: native-relay COMMAND [ARGS...]\n", stderr);
    return 2;
  }
  int to_child[2], from_child[2];
  if (pipe(to_child) < 0 || pipe(from_child) < 0) return 1;
  signal(SIGPIPE, SIG_IGN);
  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    close(to_child[0]);
    close(to_child[1]);
    close(from_child[0]);
    close(from_child[1]);
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  struct pollfd fds[2] = {{0, POLLIN, 0}, {from_child[0], POLLIN, 0}};
  static char buffer[1 << 16];
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (fds[0].revents) {
      ssize_t got = read(0, buffer, sizeof buffer);
      if (got <= 0) {
        /* The client closed: so does the server's input, and the relay waits for its output to end. */
        close(to_child[1]);
        fds[0].fd = -1;
      } else if (write_all(to_child[1], buffer, got) < 0) {
        fds[0].fd = -1;
      }
    }
    if (fds[1].revents) {
      ssize_t got = read(from_child[0], buffer, sizeof buffer);
      if (got <= 0 || write_all(1, buffer, got) < 0) return exit_code(child);
    }
  }
}
