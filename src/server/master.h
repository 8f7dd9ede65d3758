// The master process: owns the listening socket, forks the workers, replaces
// those that die, rolls them on SIGHUP and drains them on SIGTERM/SIGINT.
#pragma once
#include <string>

#include "config/config.h"
#include "metrics/metrics.h"

namespace llmapi::server {

int run_master(const std::string& config_path, config::Config cfg, const std::string& pid_file);

}  // namespace llmapi::server
