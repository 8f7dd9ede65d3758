// One JSON line per request: time, request id, user id, route, provider,
// model, status, bytes, duration and upstream duration. Each line is one
// write(2) on an O_APPEND descriptor, so lines from threads and processes
// never interleave.
#pragma once
#include <string>

#include "app/request_info.h"
#include "http/request.h"

namespace llmapi::server {

class AccessLog {
public:
    // "" or "-": standard error; otherwise a file, appended to.
    explicit AccessLog(const std::string& path);
    ~AccessLog();
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    void write(const http::Request& req, const app::RequestInfo& info, int status, size_t bytes, double duration_ms);

private:
    int fd_;
    bool owned_;
};

}  // namespace llmapi::server
