#include "app/app.h"

#include <ctime>

#include "auth/authenticate.h"
#include "common/log.h"
#include "handlers/handlers.h"
#include "http/errors.h"

namespace llmapi::app {

App::App(const config::Config& cfg, sql::mysql::MySQL_Driver* driver) : services_(cfg, driver) {
    // {method, path, handler, requires a Bearer access token}
    router_.add("GET", "/", handlers::welcome);
    router_.add("GET", "/api/", handlers::welcome);
    router_.add("GET", "/healthz", handlers::healthz);
    router_.add("POST", "/api/signup/", handlers::signup);
    router_.add("POST", "/api/token/", handlers::token_obtain);
    router_.add("POST", "/api/token/refresh/", handlers::token_refresh);
    router_.add("POST", "/api/token/blacklist/", handlers::token_blacklist);
    router_.add("GET", "/api/me/", handlers::me, true);
}

http::Response App::dispatch(const http::Request& req) {
    const auto m = router_.match(req.method, req.path);
    using M = http::Match<Handler>;
    if (m.kind == M::NotFound) throw http::detail_error(404, "Not found.");
    if (req.method == "OPTIONS") {
        return http::Response::json_text(200, R"({"renders":["application/json"],"parses":["application/json","application/x-www-form-urlencoded"]})")
            .header("Allow", m.allow);
    }
    Context ctx{services_, req, std::nullopt, static_cast<long>(std::time(nullptr))};
    // DRF authenticates before it looks for the method's handler: a protected
    // path answers 401 before 405.
    if (m.auth) ctx.user = auth::authenticate_bearer(services_, req, ctx.now);
    if (m.kind == M::MethodNotAllowed)
        throw http::detail_error(405, "Method \"" + req.method + "\" not allowed.").header("Allow", m.allow);
    if (req.body_too_large)
        throw http::detail_error(413, "Request body is too large (limit " +
                                          std::to_string(services_.cfg.server.max_body_bytes) + " bytes).");
    return m.route->handler(ctx);
}

http::Response App::handle(const http::Request& req) {
    try {
        return dispatch(req);
    } catch (const http::HttpError& e) {
        http::Response r = http::Response::json_text(e.status(), e.body());
        for (const auto& h : e.headers()) r.header(h.first, h.second);
        return r;
    } catch (const db::DbUnavailable& e) {
        log_warn("database unavailable: %s", e.what());
        return http::Response::json_text(503, R"({"detail":"Service temporarily unavailable, try again later."})");
    } catch (const sql::SQLException& e) {
        // The message may contain SQL: it goes to the log, never to the client.
        log_error("SQL error %d on %s %s: %s", e.getErrorCode(), req.method.c_str(), req.path.c_str(), e.what());
        return http::Response::json_text(500, R"({"detail":"A server error occurred."})");
    } catch (const std::exception& e) {
        log_error("error on %s %s: %s", req.method.c_str(), req.path.c_str(), e.what());
        return http::Response::json_text(500, R"({"detail":"A server error occurred."})");
    }
}

}  // namespace llmapi::app
