#include "drivers/run_program.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace driftless::drivers {

namespace {

constexpr std::size_t output_limit = 1024 * 1024;
using clock_type = std::chrono::steady_clock;

struct fd_pair {
    int read = -1, write = -1;
    ~fd_pair() {
        close_read();
        close_write();
    }
    void close_read() {
        if (read >= 0) ::close(read);
        read = -1;
    }
    void close_write() {
        if (write >= 0) ::close(write);
        write = -1;
    }
};

int left_ms(clock_type::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1000));
}

// Writes to a pipe whose reader may be gone: EPIPE, never SIGPIPE (which
// is sent to this thread, blocked meanwhile, and taken back if raised).
ssize_t write_no_sigpipe(int fd, const char* data, std::size_t n) {
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    const ssize_t written = ::write(fd, data, n);
    const int saved = errno;
    if (written < 0 && saved == EPIPE) {
        const timespec zero{};
        while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    errno = saved;
    return written;
}

}  // namespace

result<program_result> run_program(const std::vector<std::string>& argv, std::string_view input,
                                   std::chrono::milliseconds limit) {
    if (argv.empty()) return error{"invalid", "no program to run"};
    fd_pair in, out, err;
    for (auto* p : {&in, &out, &err}) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return error{"invalid", std::string("pipe: ") + std::strerror(errno)};
        p->read = fds[0];
        p->write = fds[1];
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read, 0);
    posix_spawn_file_actions_adddup2(&actions, out.write, 1);
    posix_spawn_file_actions_adddup2(&actions, err.write, 2);
    // The child starts with no signal blocked and SIGPIPE's default.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<std::string> args = argv;
    std::vector<char*> c_args;
    for (auto& a : args) c_args.push_back(a.data());
    c_args.push_back(nullptr);
    pid_t pid = -1;
    const int spawned = ::posix_spawnp(&pid, c_args[0], &actions, &attr, c_args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (spawned == ENOENT) return error{"not_found", argv[0] + " is not on PATH"};
    if (spawned != 0) return error{"invalid", "cannot run " + argv[0] + ": " + std::strerror(spawned)};
    in.close_read();
    out.close_write();
    err.close_write();
    ::fcntl(in.write, F_SETFL, O_NONBLOCK);

    program_result r;
    const auto deadline = clock_type::now() + limit;
    std::string_view pending = input;
    if (pending.empty()) in.close_write();
    std::array<char, 16 * 1024> buf;
    while (out.read >= 0 || err.read >= 0) {
        if (clock_type::now() >= deadline) {
            r.timed_out = true;
            break;
        }
        std::array<pollfd, 3> fds{pollfd{out.read, POLLIN, 0}, pollfd{err.read, POLLIN, 0}, pollfd{in.write, POLLOUT, 0}};
        if (::poll(fds.data(), fds.size(), left_ms(deadline)) < 0 && errno != EINTR) break;
        if (fds[2].revents != 0) {
            const ssize_t n = write_no_sigpipe(in.write, pending.data(), pending.size());
            if (n > 0) pending.remove_prefix(static_cast<std::size_t>(n));
            // All written, or a program that does not read it: stdin ends.
            if (pending.empty() || (n < 0 && errno != EAGAIN && errno != EINTR)) in.close_write();
        }
        for (std::size_t i = 0; i < 2; ++i) {
            if (fds[i].revents == 0) continue;
            fd_pair& p = i == 0 ? out : err;
            std::string& text = i == 0 ? r.out : r.err;
            const ssize_t n = ::read(p.read, buf.data(), buf.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) p.close_read();
            else text.append(buf.data(), std::min(static_cast<std::size_t>(n), output_limit - std::min(output_limit, text.size())));
        }
    }
    in.close_write();
    // Its output closed: it is ending. Waited for until the deadline.
    int st = 0;
    pid_t done = 0;
    while (!r.timed_out) {
        done = ::waitpid(pid, &st, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR)) break;
        if (clock_type::now() >= deadline) r.timed_out = true;
        else ::poll(nullptr, 0, std::min(left_ms(deadline), 10));
    }
    if (r.timed_out) {
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
        return r;
    }
    r.exit_code = done == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

}  // namespace driftless::drivers
