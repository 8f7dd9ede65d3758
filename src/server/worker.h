// One FastCGI worker process: `threads` threads, each looping on
// FCGX_Accept_r on the shared listening socket.
#pragma once
#include "api/services.h"
#include "config/config.h"

namespace llmapi::server {

// Runs until SIGTERM/SIGINT, then lets in-flight requests finish (bounded by
// shutdown_timeout_s) and returns the process exit code.
// `shared`: the master's shared regions (metrics, seats) and this worker's slot in them.
int run_worker(const config::Config& cfg, int listen_fd, api::SharedState shared);

}  // namespace llmapi::server
