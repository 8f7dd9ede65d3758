#include "admin/password_input.h"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <iterator>

#include "admin/cli.h"

namespace llmapi::admin {

namespace {

// Set before the handlers are installed and only read by them: a signal
// while echo is off must not leave the operator's terminal silent.
struct termios g_saved_tty;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void restore_tty_and_reraise(int sig) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_tty);  // async-signal-safe
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

// Echo off for its lifetime (RAII), restored on return, exception or signal.
class EchoOff {
public:
    EchoOff() {
        if (tcgetattr(STDIN_FILENO, &g_saved_tty) != 0) throw CommandError("cannot read the terminal settings");
        struct sigaction sa {};
        sa.sa_handler = restore_tty_and_reraise;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &sa, &old_[i]);
        struct termios quiet = g_saved_tty;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
            restore_handlers();
            throw CommandError("cannot turn the terminal's echo off");
        }
    }
    ~EchoOff() {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_tty);
        restore_handlers();
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    void restore_handlers() {
        for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &old_[i], nullptr);
    }
    struct sigaction old_[std::size(kSignals)];
};

bool read_line(std::string& out) {
    if (!std::getline(std::cin, out)) return false;
    if (!out.empty() && out.back() == '\r') out.pop_back();
    return true;
}

std::string prompt(const char* text) {
    std::fputs(text, stderr);
    std::fflush(stderr);
    std::string line;
    bool ok;
    {
        EchoOff quiet;
        ok = read_line(line);
    }
    if (!ok) {
        std::fputc('\n', stderr);
        throw CommandError("no password given");
    }
    return line;
}

}  // namespace

std::string read_new_password(bool from_stdin) {
    if (from_stdin || !isatty(STDIN_FILENO)) {
        std::string line;
        if (!read_line(line)) throw CommandError("no password on stdin");
        return line;
    }
    std::string first = prompt("Password: ");
    std::string second = prompt("Password (again): ");
    if (first != second) throw CommandError("the passwords do not match");
    return first;
}

}  // namespace llmapi::admin
