#include "common/json.h"
#include "handlers/handlers.h"

namespace llmapi::handlers {

http::Response welcome(app::Context&) {
    return http::Response::json_text(200, R"({"message":"Welcome to the LLM API!"})");
}

http::Response metrics(app::Context& ctx) {
    http::Response r;
    r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = ctx.services.metrics.render();
    return r;
}

http::Response healthz(app::Context& ctx) {
    if (ctx.services.pool.ping()) return http::Response::json_text(200, R"({"status":"ok"})");
    return http::Response::json_text(503, R"({"status":"unavailable","detail":"database unreachable"})");
}

}  // namespace llmapi::handlers
