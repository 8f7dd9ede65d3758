#include "app/app.h"

#include <ctime>

#include "auth/authenticate.h"
#include "common/log.h"
#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/openai_error.h"

namespace llmapi::app {

App::App(const config::Config& cfg, sql::mysql::MySQL_Driver* driver, metrics::Shared* shared_metrics,
         int metrics_slot)
    : services_(cfg, driver, shared_metrics, metrics_slot) {
    // {method, path, handler, requires a Bearer access token}
    router_.add("GET", "/", handlers::welcome);
    router_.add("GET", "/api/", handlers::welcome);
    router_.add("GET", "/healthz", handlers::healthz);
    router_.add("GET", "/metrics", handlers::metrics);  // nginx lets only loopback clients reach it
    router_.add("POST", "/api/signup/", handlers::signup);
    router_.add("POST", "/api/token/", handlers::token_obtain);
    router_.add("POST", "/api/token/refresh/", handlers::token_refresh);
    router_.add("POST", "/api/token/blacklist/", handlers::token_blacklist);
    router_.add("GET", "/api/me/", handlers::me, true);
    router_.add("GET", "/api/supported-models/", handlers::supported_models, true);
    router_.add("POST", "/api/chat/completions/", handlers::chat_completions, true);
    router_.add("GET", "/api/usage/", handlers::usage, true);
    // OpenAI-compatible aliases: the official SDKs work with base_url=…/v1.
    router_.add("GET", "/v1/models", handlers::v1_models, true);
    router_.add("POST", "/v1/chat/completions", handlers::chat_completions, true);
}

namespace {

// The provider endpoints answer errors in OpenAI's shape (SDKs parse it);
// the seed's account endpoints in DRF's.
bool openai_style(const std::string& path) {
    return path.rfind("/v1/", 0) == 0 || path.rfind("/api/chat/", 0) == 0 || path.rfind("/api/supported-models", 0) == 0;
}

http::Response server_error(int status, const std::string& path) {
    const bool unavailable = status == 503;
    if (openai_style(path)) {
        JsonPtr body = unavailable ? http::openai_error_body("The database is unreachable; try again later.",
                                                             "service_unavailable", "", "service_unavailable")
                                   : http::openai_error_body("The server had an error while processing your request.",
                                                             "server_error");
        return http::Response::json(status, body.get());
    }
    return http::Response::json_text(status, unavailable ? R"({"detail":"Service temporarily unavailable, try again later."})"
                                                         : R"({"detail":"A server error occurred."})");
}

}  // namespace

http::Response App::dispatch(const http::Request& req, upstream::HttpClient& http, http::StreamOut& out,
                             RequestInfo& info) {
    const auto m = router_.match(req.method, req.path);
    using M = http::Match<Handler>;
    if (m.kind == M::NotFound) throw http::detail_error(404, "Not found.");
    info.route = http::canonical_path(req.path);
    if (req.method == "OPTIONS") {
        return http::Response::json_text(200, R"({"renders":["application/json"],"parses":["application/json","application/x-www-form-urlencoded"]})")
            .header("Allow", m.allow);
    }
    Context ctx{services_, req, std::nullopt, static_cast<long>(std::time(nullptr)), &http, &out, &info};
    // DRF authenticates before it looks for the method's handler: a protected
    // path answers 401 before 405.
    if (m.auth) {
        ctx.user = auth::authenticate_bearer(services_, req, ctx.now);
        info.user_id = ctx.user->id;
    }
    if (m.kind == M::MethodNotAllowed)
        throw http::detail_error(405, "Method \"" + req.method + "\" not allowed.").header("Allow", m.allow);
    if (req.body_too_large)
        throw http::detail_error(413, "Request body is too large (limit " +
                                          std::to_string(services_.cfg.server.max_body_bytes) + " bytes).");
    return m.route->handler(ctx);
}

http::Response App::handle(const http::Request& req, upstream::HttpClient& http, http::StreamOut& out,
                           RequestInfo& info) {
    try {
        return dispatch(req, http, out, info);
    } catch (const http::HttpError& e) {
        if (out.started()) return http::Response::already_sent();  // too late for a status
        http::Response r = http::Response::json_text(e.status(), e.body());
        for (const auto& h : e.headers()) r.header(h.first, h.second);
        return r;
    } catch (const db::DbUnavailable& e) {
        log_warn("database unavailable: %s", e.what());
        if (out.started()) return http::Response::already_sent();
        return server_error(503, req.path);
    } catch (const sql::SQLException& e) {
        // The message may contain SQL: it goes to the log, never to the client.
        log_error("SQL error %d on %s %s: %s", e.getErrorCode(), req.method.c_str(), req.path.c_str(), e.what());
        if (out.started()) return http::Response::already_sent();
        return server_error(500, req.path);
    } catch (const std::exception& e) {
        log_error("error on %s %s: %s", req.method.c_str(), req.path.c_str(), e.what());
        if (out.started()) return http::Response::already_sent();
        return server_error(500, req.path);
    }
}

}  // namespace llmapi::app
