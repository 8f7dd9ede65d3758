// Log lines to stderr, one line each: "<time> <level> [pid] message".
// Never pass secrets (keys, passwords, tokens) to these.
#pragma once

namespace llmapi {

void log_info(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace llmapi
