// Calls to providers over libcurl. One HttpClient per worker thread; given
// the process's HandlePool, each call borrows the warmest CURL handle (and
// its kept-alive connections, upstream/handle_pool.h), else the client keeps
// a handle of its own.
// Every call is bounded (libcmis's applyTransferLimits): connect timeout,
// total timeout, idle (low-speed) timeout and a maximum response size.
#pragma once
#include <curl/curl.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "upstream/handle_pool.h"

namespace llmapi::upstream {

struct Limits {
    long connect_timeout_s = 5;
    long timeout_s = 600;
    long idle_timeout_s = 60;
    size_t max_response_bytes = 64 * 1024 * 1024;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    Limits limits;
};

// How a transfer ended.
enum class Outcome {
    Ok,            // a complete HTTP response (any status)
    ConnectError,  // refused, DNS, TLS, connect timeout: nothing was sent
    Timeout,       // total or idle timeout after connecting
    Reset,         // the connection broke mid-response
    TooLarge,      // more than max_response_bytes
    Cancelled,     // the body sink asked to stop (client gone)
};

struct HttpResult {
    Outcome outcome = Outcome::ConnectError;
    long status = 0;
    std::string body;         // the whole body, unless streamed to a sink
    std::string retry_after;  // the Retry-After header, if any
};

// Receives a 2xx response's body as it arrives; return false to cancel.
using BodySink = std::function<bool(const char* data, size_t n)>;
// Polled about once a second while waiting; return true to cancel.
using CancelCheck = std::function<bool()>;

class HttpClient {
public:
    explicit HttpClient(HandlePool* pool = nullptr);
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Performs the request. With a sink, a 2xx body goes to the sink as it
    // arrives; other statuses are collected in HttpResult::body.
    HttpResult perform(const HttpRequest& req, const BodySink& sink = nullptr, const CancelCheck& cancel = nullptr);

private:
    struct CurlDeleter {
        void operator()(CURL* c) const { curl_easy_cleanup(c); }
    };
    HandlePool* pool_;
    std::unique_ptr<CURL, CurlDeleter> curl_;  // without a pool
};

// Retry-After as seconds to wait (delta-seconds or an HTTP-date), -1 if absent or unparseable.
long parse_retry_after(const std::string& value, long now);

}  // namespace llmapi::upstream
