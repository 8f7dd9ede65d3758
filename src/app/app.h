// The request lifecycle: route, check body size and auth once, run the
// handler, map every error to an HTTP response in one place.
#pragma once
#include "app/context.h"
#include "http/router.h"

namespace llmapi::app {

class App {
public:
    App(const config::Config& cfg, sql::mysql::MySQL_Driver* driver);
    http::Response handle(const http::Request& req);
    Services& services() { return services_; }

private:
    http::Response dispatch(const http::Request& req);
    Services services_;
    http::Router<Handler> router_;
};

}  // namespace llmapi::app
