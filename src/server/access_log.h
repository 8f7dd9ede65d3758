// One JSON line per request: time, request id, user id, route, provider,
// model, status, bytes, duration and upstream duration. Each line is one
// write(2) on an O_APPEND descriptor, so lines from threads and processes
// never interleave.
#pragma once
#include <string>

#include "api/request_info.h"
#include "common/fd.h"
#include "http/request.h"

namespace llmapi::server {

class AccessLog {
public:
    // "" or "-": standard error; otherwise a file, appended to.
    explicit AccessLog(const std::string& path);
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    void write(const http::Request& req, const api::RequestInfo& info, int status, size_t bytes, double duration_ms);

    // After logrotate moved the file: the same path again, on the same
    // descriptor (writers in other threads never see it closed).
    void reopen();

private:
    std::string path_;
    Fd file_;  // the log file, if not stderr
    int fd_;
};

}  // namespace llmapi::server
