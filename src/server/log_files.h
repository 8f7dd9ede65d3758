// [server] error_log: standard error of the master and its workers goes to
// a file, reopened on SIGUSR1 (logrotate's postrotate) like the access log.
#pragma once

#include <string>

namespace llmapi::server {

// Points standard error at `path` (appended to, 0640; "" or "-": left as
// it is). dup2 replaces the descriptor in one step, so threads writing to
// it meanwhile write to the old file or the new one, never to nothing.
// False (and standard error unchanged) when the file cannot be opened.
bool reopen_error_log(const std::string& path);

// The same for another descriptor already open on a log file.
bool reopen_onto(int fd, const std::string& path);

}  // namespace llmapi::server
