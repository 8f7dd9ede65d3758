#include "server/master.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <vector>

#include "common/fd.h"
#include "common/log.h"
#include "limits/seats.h"
#include "providers/provider.h"
#include "server/listen.h"
#include "server/log_files.h"
#include "server/worker.h"

extern char** environ;

namespace llmapi::server {

namespace {

using Clock = std::chrono::steady_clock;

struct WorkerInfo {
    int generation;
    Clock::time_point started;
    int metrics_slot;
    bool lane;  // the priority socket's process, not a worker
};

class Master {
public:
    Master(std::string config_path, config::Config cfg, Listeners listeners, limits::SeatMap* seats)
        : config_path_(std::move(config_path)),
          cfg_(std::move(cfg)),
          listeners_(listeners),
          metrics_(metrics::create_shared()),
          seats_(seats) {}

    int run() {
        sigset_t set;
        sigemptyset(&set);
        for (int s : {SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1}) {
            // An ignored signal (a shell's `&` ignores SIGINT) is discarded, never waited for.
            signal(s, SIG_DFL);
            sigaddset(&set, s);
        }
        sigprocmask(SIG_BLOCK, &set, nullptr);
        started_stderr_.reset(fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3));
        if (!reopen_error_log(cfg_.server.error_log))
            log_error("cannot open error log %s; logging to standard error", cfg_.server.error_log.c_str());

        for (int i = 0; i < cfg_.server.workers; ++i) spawn(false);
        spawn(true);
        log_info("master ready: %d workers x (%d threads + %d for chats) on %s; the lane (%d threads) on %s",
                 cfg_.server.workers, cfg_.server.threads, cfg_.server.max_streams, cfg_.server.socket.c_str(),
                 cfg_.server.priority_threads, cfg_.server.priority_socket.c_str());

        // No signal handlers at all: signals are taken here, synchronously.
        while (!stopping_ || !workers_.empty()) {
            timespec timeout{0, 200 * 1000 * 1000};
            int sig = sigtimedwait(&set, nullptr, &timeout);
            if (sig == SIGTERM || sig == SIGINT) begin_stop();
            else if (sig == SIGHUP && !stopping_) reload();
            else if (sig == SIGUSR1) reopen_logs();
            reap();
            if (stopping_ && Clock::now() > kill_deadline_) {
                for (const auto& w : workers_) kill(w.first, SIGKILL);
            }
            if (!stopping_) top_up();
        }
        log_info("master stopped");
        return 0;
    }

private:
    // A worker (the main socket) or the lane (the priority socket).
    void spawn(bool lane) {
        int slot = 0;
        while (slot < metrics::kWorkerSlots - 1 && slot_used_[slot]) ++slot;
        pid_t pid = fork();
        if (pid < 0) {
            log_error("fork failed: %s", std::strerror(errno));
            return;
        }
        if (pid == 0) {
            // SIGUSR2 (reopen the logs) stays blocked until the worker waits
            // for it: a new worker must not die of one sent a moment early.
            sigset_t only_usr2;
            sigemptyset(&only_usr2);
            sigaddset(&only_usr2, SIGUSR2);
            sigprocmask(SIG_SETMASK, &only_usr2, nullptr);
            const Listeners serve = lane ? Listeners{-1, listeners_.priority} : Listeners{listeners_.main, -1};
            _exit(run_worker(cfg_, serve, api::SharedState{metrics_, seats_, slot}));
        }
        slot_used_[slot] = true;
        limits::seat_map_worker_started(seats_, slot);
        workers_[pid] = WorkerInfo{generation_, Clock::now(), slot, lane};
    }

    int current_count(bool lane) const {
        int n = 0;
        for (const auto& w : workers_) n += w.second.generation == generation_ && w.second.lane == lane;
        return n;
    }

    void top_up() {
        // A process that dies right after start (bad database, crash loop)
        // is replaced at most once a second.
        if (Clock::now() < next_spawn_) return;
        const bool lane = current_count(true) < 1;
        if (lane || current_count(false) < cfg_.server.workers) {
            spawn(lane);
            next_spawn_ = Clock::now() + std::chrono::seconds(1);
        }
    }

    void reap() {
        for (;;) {
            int status = 0;
            pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid <= 0) return;
            auto it = workers_.find(pid);
            if (it == workers_.end()) continue;
            const bool current = it->second.generation == generation_;
            const bool quick = Clock::now() - it->second.started < std::chrono::seconds(1);
            const bool lane = it->second.lane;
            // Its streams and seats died with it: give them back now.
            metrics::Metrics(metrics_).clear_worker_slot(it->second.metrics_slot);
            limits::seat_map_worker_gone(seats_, it->second.metrics_slot);
            slot_used_[it->second.metrics_slot] = false;
            workers_.erase(it);
            if (stopping_ || !current) continue;
            ++restarts_;
            metrics::Metrics(metrics_).worker_restarted();
            const char* what = lane ? "lane" : "worker";
            if (WIFSIGNALED(status))
                log_warn("%s %d killed by signal %d; replacing it (%ld restarts)", what, pid, WTERMSIG(status),
                         restarts_);
            else
                log_warn("%s %d exited with %d; replacing it (%ld restarts)", what, pid, WEXITSTATUS(status),
                         restarts_);
            if (!quick) next_spawn_ = Clock::now();
        }
    }

    void reload() {
        config::Config fresh;
        std::string error;
        if (!config::load_config(config_path_, environ, fresh, error) ||
            !(error = providers::check_config(fresh.providers)).empty()) {
            log_error("SIGHUP: %s; keeping the running configuration", error.c_str());
            return;
        }
        if (fresh.server.socket != cfg_.server.socket)
            log_warn("SIGHUP: [server] socket changes need a restart; keeping %s", cfg_.server.socket.c_str());
        fresh.server.socket = cfg_.server.socket;
        if (fresh.server.priority_socket != cfg_.server.priority_socket)
            log_warn("SIGHUP: [server] priority_socket changes need a restart; keeping %s",
                     cfg_.server.priority_socket.c_str());
        fresh.server.priority_socket = cfg_.server.priority_socket;
        if (worker_threads(fresh.server) > limits::seat_map_threads(seats_)) {
            log_warn("SIGHUP: more [server] threads, max_streams or priority_threads need a restart; keeping them");
            fresh.server.threads = cfg_.server.threads;
            fresh.server.max_streams = cfg_.server.max_streams;
            fresh.server.priority_threads = cfg_.server.priority_threads;
        }
        if (fresh.server.error_log != cfg_.server.error_log) {
            const std::string& path = fresh.server.error_log;
            // Back to where it went at start, or to the new file.
            if (path.empty() || path == "-") dup2(started_stderr_.get(), STDERR_FILENO);
            else if (!reopen_error_log(path)) log_error("SIGHUP: cannot open error log %s", path.c_str());
        }
        cfg_ = std::move(fresh);
        // New workers first, then the old ones drain: no moment without workers.
        const int old_generation = generation_++;
        for (int i = 0; i < cfg_.server.workers; ++i) spawn(false);
        spawn(true);
        for (const auto& w : workers_)
            if (w.second.generation == old_generation) kill(w.first, SIGTERM);
        log_info("SIGHUP: configuration reloaded, workers rolled");
    }

    // logrotate moved the files: ours now, the workers' on SIGUSR2 (their
    // SIGUSR1 wakes threads blocked in accept).
    void reopen_logs() {
        if (!reopen_error_log(cfg_.server.error_log))
            log_error("SIGUSR1: cannot reopen error log %s", cfg_.server.error_log.c_str());
        for (const auto& w : workers_) kill(w.first, SIGUSR2);
        log_info("SIGUSR1: log files reopened");
    }

    void begin_stop() {
        if (stopping_) return;
        stopping_ = true;
        kill_deadline_ = Clock::now() + std::chrono::seconds(cfg_.server.shutdown_timeout_s + 5);
        for (const auto& w : workers_) kill(w.first, SIGTERM);
        log_info("stopping: draining %zu workers", workers_.size());
    }

    std::string config_path_;
    config::Config cfg_;
    Listeners listeners_;
    Fd started_stderr_;  // where standard error went at start ([server] error_log set back to "")
    std::map<pid_t, WorkerInfo> workers_;
    int generation_ = 0;
    bool stopping_ = false;
    long restarts_ = 0;
    Clock::time_point kill_deadline_;
    Clock::time_point next_spawn_ = Clock::now();
    metrics::Shared* metrics_;  // shared with every worker, for /metrics
    limits::SeatMap* seats_;    // shared with every worker: who holds each request thread
    std::vector<bool> slot_used_ = std::vector<bool>(metrics::kWorkerSlots, false);
};

}  // namespace

namespace {

// Each thread may hold a FastCGI connection and an upstream connection (plus
// the pool's database connections): raise the soft fd limit to fit.
void raise_fd_limit(const config::Config& cfg) {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    const int threads = worker_threads(cfg.server);
    const rlim_t want = static_cast<rlim_t>(threads) * 3 + cfg.database.pool_size + 256;
    if (rl.rlim_cur >= want) return;
    rl.rlim_cur = std::min(want, rl.rlim_max);
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < want)
        log_warn("file descriptor limit %lu is below the %lu that %d threads may need",
                 static_cast<unsigned long>(rl.rlim_cur), static_cast<unsigned long>(want), threads);
}

}  // namespace

int run_master(const std::string& config_path, config::Config cfg, const std::string& pid_file) {
    raise_fd_limit(cfg);
    std::string why;  // both validated by config::load_config
    const config::Endpoint main_at = *config::parse_endpoint(cfg.server.socket, why);
    const config::Endpoint priority_at = *config::parse_endpoint(cfg.server.priority_socket, why);
    Fd fd = open_listener(main_at, cfg.server.socket_group, cfg.server.listen_backlog);
    if (!fd.valid()) return 1;
    Fd priority = open_listener(priority_at, cfg.server.socket_group, 1024);
    if (!priority.valid()) {
        fd.reset();
        remove_listener(main_at);
        return 1;
    }
    // The workers inherit the listening sockets across fork (not exec).
    fcntl(fd.get(), F_SETFD, 0);
    fcntl(priority.get(), F_SETFD, 0);
    if (!pid_file.empty()) std::ofstream(pid_file) << getpid() << "\n";
    const int threads = worker_threads(cfg.server);
    limits::SeatMap* seats = limits::create_seat_map(metrics::kWorkerSlots, threads);
    if (!seats) {
        log_error("cannot map the seat table for %d threads: %s", threads, std::strerror(errno));
        return 1;
    }
    Master m(config_path, std::move(cfg), Listeners{fd.get(), priority.get()}, seats);
    const int rc = m.run();
    fd.reset();
    priority.reset();
    remove_listener(main_at);
    remove_listener(priority_at);
    if (!pid_file.empty()) unlink(pid_file.c_str());
    return rc;
}

}  // namespace llmapi::server
