// The request lifecycle: route, check body size and auth once, run the
// handler, map every error to an HTTP response in one place.
#pragma once
#include "app/context.h"
#include "http/router.h"

namespace llmapi::app {

class App {
public:
    App(const config::Config& cfg, sql::mysql::MySQL_Driver* driver, metrics::Shared* shared_metrics,
        int metrics_slot = 0);
    // `http` is the calling thread's upstream client; `out` lets a handler
    // stream its response (then the returned Response has sent = true).
    // `info` is filled in for the access log and the metrics.
    http::Response handle(const http::Request& req, upstream::HttpClient& http, http::StreamOut& out,
                          RequestInfo& info);
    Services& services() { return services_; }

private:
    http::Response dispatch(const http::Request& req, upstream::HttpClient& http, http::StreamOut& out,
                            RequestInfo& info);
    Services services_;
    http::Router<Handler> router_;
};

}  // namespace llmapi::app
