// One FastCGI process of the pool, each thread looping on FCGX_Accept_r on
// a listening socket the master opened: a worker (the main socket: chats and
// the rest) or the lane (the priority socket: /healthz and /metrics).
#pragma once
#include "api/services.h"
#include "config/config.h"

namespace llmapi::server {

// Runs until SIGTERM/SIGINT, then lets in-flight requests finish (bounded by
// shutdown_timeout_s) and returns the process exit code.
// `shared`: the master's shared regions (metrics, seats) and this process's slot in them.
// A worker gets {main, -1}; the lane gets {-1, priority}. The lane is a
// process of its own so that its real-time threads share no lock with the
// chats' thousands of threads: inside a worker a health check waited for
// glibc's malloc arena lock while a preempted chat thread held it.
struct Listeners {
    int main = -1;
    int priority = -1;
};

// Request threads of the pool's processes, as indexes in the seat map:
// threads + max_streams on the main socket (a worker's), then
// priority_threads on the priority one (the lane's).
int worker_threads(const config::ServerConfig& s);

int run_worker(const config::Config& cfg, Listeners listeners, api::SharedState shared);

}  // namespace llmapi::server
