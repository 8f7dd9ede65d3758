// A response written as it is produced (server-sent events): headers once,
// then pieces, each flushed to nginx at once. Every write says whether the
// client is still there, so an upstream transfer can be cancelled.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace llmapi::http {

class StreamOut {
public:
    virtual ~StreamOut() = default;
    // Sends the status line and headers (no Content-Length: the body streams).
    virtual bool start(int status, const std::vector<std::pair<std::string, std::string>>& headers) = 0;
    // Sends and flushes `data`; false once the client has gone.
    virtual bool write(const std::string& data) = 0;
    // True when the client has gone away, without writing (polled while idle).
    virtual bool client_gone() = 0;
    virtual bool started() const = 0;
};

}  // namespace llmapi::http
