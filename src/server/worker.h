// One FastCGI worker process: `threads` threads, each looping on
// FCGX_Accept_r on the shared listening socket.
#pragma once
#include "api/services.h"
#include "config/config.h"

namespace llmapi::server {

// Runs until SIGTERM/SIGINT, then lets in-flight requests finish (bounded by
// shutdown_timeout_s) and returns the process exit code.
// `shared`: the master's shared regions (metrics, seats) and this worker's slot in them.
// The listening sockets the master opened: the main one, and the priority
// one (health checks and metrics, with threads of their own).
struct Listeners {
    int main = -1;
    int priority = -1;
};

// Request threads of a worker: threads + max_streams on the main socket,
// then priority_threads on the priority one (indexes in the seat map).
int worker_threads(const config::ServerConfig& s);

int run_worker(const config::Config& cfg, Listeners listeners, api::SharedState shared);

}  // namespace llmapi::server
