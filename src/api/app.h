// The one wrapper every request goes through: route, apply the route's
// policy (credentials, body size, rate limits), run the handler, and map
// every error to an HTTP response in one place, in the route's style.
#pragma once
#include "api/context.h"
#include "api/routes.h"

namespace llmapi::api {

class App {
public:
    App(const config::Config& cfg, sql::mysql::MySQL_Driver* driver, SharedState shared = {});
    // `http` is the calling thread's upstream client; `out` lets a handler
    // stream its response (then the returned Response has sent = true).
    // `info` is filled in for the access log and the metrics. `thread` is
    // the calling thread's index in the worker (its cell in the seat map).
    http::Response handle(const http::Request& req, upstream::HttpClient& http, http::StreamOut& out,
                          RequestInfo& info, int thread = 0);
    Services& services() { return services_; }

private:
    http::Response dispatch(const http::Request& req, upstream::HttpClient& http, http::StreamOut& out,
                            RequestInfo& info, int thread, ErrorStyle& style);
    Services services_;
    const RouteTable routes_;
};

}  // namespace llmapi::api
