// One FastCGI worker process: `threads` threads, each looping on
// FCGX_Accept_r on the shared listening socket.
#pragma once
#include "config/config.h"
#include "metrics/metrics.h"

namespace llmapi::server {

// Runs until SIGTERM/SIGINT, then lets in-flight requests finish (bounded by
// shutdown_timeout_s) and returns the process exit code.
// `metrics_slot` is this worker's own slot for gauges in the shared metrics.
int run_worker(const config::Config& cfg, int listen_fd, metrics::Shared* shared_metrics, int metrics_slot);

}  // namespace llmapi::server
