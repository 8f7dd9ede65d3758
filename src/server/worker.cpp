#include "server/worker.h"

#include <fcgiapp.h>
#include <mysql_driver.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "api/app.h"
#include "common/log.h"
#include "server/access_log.h"
#include "server/log_files.h"
#include "server/fcgi_io.h"
#include "upstream/http_client.h"

namespace llmapi::server {

namespace {

// SIGUSR1 only interrupts a thread blocked in accept()/read(): the handler
// does nothing, the EINTR it causes is the point (no SA_RESTART).
extern "C" void on_wake(int) {}

// The main socket's threads run this much nicer than the rest of the
// process (CFS: about a third of the CPU share of a nice-0 thread).
constexpr int kMainLaneNice = 5;

struct ThreadArgs {
    int index;  // this thread's cell in the seat map
    bool priority;  // on the priority socket
    bool first_of_lane;  // the priority socket's first thread: it reports for the others
    upstream::HandlePool* handles;
    api::App* app;
    AccessLog* access_log;
    sql::mysql::MySQL_Driver* driver;
    int listen_fd;
    long max_body;
    const std::atomic<bool>* stopping;
    std::atomic<int>* running;
};

// The lane's threads run at SCHED_FIFO 1, above every ordinary thread of
// the host. Nice levels were not enough: the pool's group shares the CPU
// with nginx's heavier one, and a health check waited up to 280 ms for its
// thread to run while 4,000 streams opened (bench/README.md). They serve
// only the routes marked priority_lane (/healthz, /metrics: tens of
// microseconds, nothing that spins), so they take little. Needs root or
// RLIMIT_RTPRIO >= 1 (the package's LimitRTPRIO=1); without, nice 0.
constexpr int kPriorityLaneFifo = 1;

// False (errno in `why`) when the kernel refuses real-time priority.
bool enter_priority_lane(std::string& why) {
    sched_param sp{};
    sp.sched_priority = kPriorityLaneFifo;
    if (const int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp); rc != 0) {
        why = std::strerror(rc);
        return false;
    }
    return true;
}

void serve(const ThreadArgs& a) {
    // Under a storm of chats the CPU is the limit: a worker's threads yield
    // to nginx and the rest of the host; the lane's take the CPU first.
    // Named for top -H and perf sched: which lane a busy thread is on.
    pthread_setname_np(pthread_self(), a.priority ? "llm-priority" : "llm-request");
    if (!a.priority) {
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kMainLaneNice);
    } else if (std::string why; !enter_priority_lane(why) && a.first_of_lane) {
        log_warn("priority threads (health checks, metrics) stay at nice 0: SCHED_FIFO %d refused (%s); "
                 "allow it with RLIMIT_RTPRIO >= %d (systemd: LimitRTPRIO=%d)",
                 kPriorityLaneFifo, why.c_str(), kPriorityLaneFifo, kPriorityLaneFifo);
    }
    a.driver->threadInit();
    FCGX_Request req;
    // FAIL_ACCEPT_ON_INTR: Accept returns on EINTR, so SIGUSR1 can wake us.
    FCGX_InitRequest(&req, a.listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
    upstream::HttpClient http(a.handles);  // borrows the process's warmest handle per call
    while (!a.stopping->load()) {
        if (FCGX_Accept_r(&req) < 0) {
            if (a.stopping->load()) break;
            continue;  // EINTR or a connection that went away
        }
        const auto t0 = std::chrono::steady_clock::now();
        http::Request request = read_request(req, a.max_body);
        request.priority_lane = a.priority;
        FcgiStreamOut out(req, request.request_id);
        api::RequestInfo info;
        http::Response resp = a.app->handle(request, http, out, info, a.index);
        if (!resp.sent) {
            resp.header("X-Request-Id", request.request_id);
            write_response(req, resp);
        }
        // A body left unread (too large) ends the connection: the web
        // server may still be sending it, and a kept connection would
        // wait for the next request behind it.
        if (request.body_too_large) req.keepConnection = 0;
        FCGX_Finish_r(&req);
        const size_t bytes = resp.sent ? out.bytes() : resp.body.size();
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        a.app->services().metrics.request(info.route, resp.status, info.provider);
        a.access_log->write(request, info, resp.status, bytes, ms);
        if (resp.after_sent) resp.after_sent();
    }
    FCGX_Free(&req, 1);
    a.driver->threadEnd();
    a.running->fetch_sub(1);
}

extern "C" void* serve_thread(void* p) {
    serve(*static_cast<const ThreadArgs*>(p));
    return nullptr;
}

}  // namespace

int worker_threads(const config::ServerConfig& s) { return s.threads + s.max_streams + s.priority_threads; }

int run_worker(const config::Config& cfg, Listeners listeners, api::SharedState shared) {
    // If the master dies without telling us, don't linger as an orphan.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == 1) return 1;
    const bool lane = listeners.main < 0;
    // ps, pgrep and top tell the lane from the workers (it is no thread of theirs).
    if (lane) prctl(PR_SET_NAME, "llm-api-lane");

    // Our handlers first: FCGX_Init only installs its own where none is set,
    // and its SIGTERM handler would just set a flag no blocked thread sees.
    struct sigaction sa {};
    sa.sa_handler = on_wake;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);

    // TERM/INT/HUP are taken synchronously by this thread with sigwait();
    // the serving threads inherit the blocked mask.
    sigset_t waitset;
    sigemptyset(&waitset);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR2}) {
        signal(s, SIG_DFL);
        sigaddset(&waitset, s);
    }
    pthread_sigmask(SIG_BLOCK, &waitset, nullptr);

    curl_global_init(CURL_GLOBAL_DEFAULT);  // not thread-safe: before the threads
    // On a TCP socket libfcgi accepts only these peers (and closes any other
    // connection at once); FCGX_Init reads the list from the environment.
    if (!cfg.server.fcgi_allowed_addresses.empty()) {
        std::string list;
        for (char ch : cfg.server.fcgi_allowed_addresses)
            if (ch != ' ' && ch != '\t') list += ch;
        setenv("FCGI_WEB_SERVER_ADDRS", list.c_str(), 1);
    }
    if (FCGX_Init() != 0) {
        log_error("FCGX_Init failed");
        return 1;
    }
    // get_driver_instance() isn't thread-safe: once, before the threads.
    sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
    api::App app(cfg, driver, shared);
    AccessLog access_log(cfg.server.access_log);
    upstream::HandlePool handles;  // outlives the threads (joined or _exit below)

    std::atomic<bool> stopping{false};
    std::atomic<int> running{0};
    // A worker: max_streams threads for the chats and `threads` more that
    // stay free for everything else (admission refuses the chat beyond
    // max_streams). The lane: the priority socket's threads, so that a
    // health check never waits behind chats in the main socket's queue.
    // The indexes (cells in the seat map) are the same in both.
    const int total = worker_threads(cfg.server);
    const int on_main = cfg.server.threads + cfg.server.max_streams;
    // Thousands of threads, each holding one stream: a small stack each
    // (address space; what a thread touches is what it costs in memory).
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, static_cast<size_t>(cfg.server.thread_stack_kb) * 1024);
    std::vector<ThreadArgs> args;
    args.reserve(total);
    std::vector<pthread_t> threads;
    threads.reserve(total);
    for (int i = lane ? on_main : 0; i < (lane ? total : on_main); ++i) {
        const int fd = i < on_main ? listeners.main : listeners.priority;
        args.push_back(ThreadArgs{i, i >= on_main, i == on_main, &handles, &app, &access_log, driver, fd,
                                  cfg.server.max_body_bytes, &stopping, &running});
        pthread_t t;
        running.fetch_add(1);
        if (const int rc = pthread_create(&t, &attr, serve_thread, &args.back()); rc != 0) {
            running.fetch_sub(1);
            log_error("cannot start request thread %d of %d: %s", i + 1, total, std::strerror(rc));
            break;
        }
        threads.push_back(t);
    }
    pthread_attr_destroy(&attr);
    if (threads.empty()) return 1;
    log_info("%s ready: %zu threads", lane ? "lane" : "worker", threads.size());

    for (;;) {
        int sig = 0;
        if (sigwait(&waitset, &sig) != 0) continue;
        if (sig == SIGTERM || sig == SIGINT) break;
        if (sig == SIGUSR2) {  // from the master, on its SIGUSR1: log files moved
            if (!reopen_error_log(cfg.server.error_log)) log_error("cannot reopen error log %s", cfg.server.error_log.c_str());
            access_log.reopen();
        }
        // SIGHUP goes to the master, which rolls the workers; ignore it here.
    }

    stopping.store(true);
    // Wake idle threads until all have left; busy ones finish their request.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(cfg.server.shutdown_timeout_s);
    while (running.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        for (pthread_t t : threads) pthread_kill(t, SIGUSR1);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (running.load() > 0) {
        log_warn("shutdown timeout: %d requests still running, exiting anyway", running.load());
        app.services().usage.shutdown();  // the finished requests' rows, still queued
        _exit(0);
    }
    for (pthread_t t : threads) pthread_join(t, nullptr);
    return 0;
}

}  // namespace llmapi::server
