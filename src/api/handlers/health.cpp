#include "api/handlers/handlers.h"
#include "common/json.h"

namespace llmapi::api::handlers {

http::Response welcome(Context&) { return http::Response::json_text(200, R"({"message":"Welcome to the LLM API!"})"); }

http::Response metrics(Context& ctx) {
    http::Response r;
    r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = ctx.services.metrics.render();
    return r;
}

http::Response healthz(Context& ctx) {
    if (ctx.services.health.healthy()) return http::Response::json_text(200, R"({"status":"ok"})");
    return http::Response::json_text(503, R"({"status":"unavailable","detail":"database unreachable"})");
}

}  // namespace llmapi::api::handlers
