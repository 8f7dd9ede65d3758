#include "api/app.h"

#include <ctime>
#include <optional>

#include "common/datetime.h"
#include "common/log.h"
#include "http/errors.h"
#include "http/openai_error.h"

namespace llmapi::api {

App::App(const config::Config& cfg, sql::mysql::MySQL_Driver* driver, SharedState shared)
    : services_(cfg, driver, shared), routes_(make_routes()) {}

namespace {

// simplejwt's 401 bodies for each way the Bearer check fails, and section
// 8's for API keys.
http::HttpError drf_auth_error(const auth::AuthFailure& f) {
    using K = auth::AuthFailure;
    switch (f.kind) {
        case K::NotProvided:
            return http::unauthorized(json_obj1("detail", "Authentication credentials were not provided."));
        case K::BadHeader:
            return http::unauthorized("Authorization header must contain two space-delimited values",
                                      "bad_authorization_header");
        case K::InvalidToken: {
            JsonPtr body(json_object());
            json_object_set_new(body.get(), "detail", json_string("Given token not valid for any token type"));
            json_object_set_new(body.get(), "code", json_string("token_not_valid"));
            json_t* m = json_object();
            json_object_set_new(m, "token_class", json_string("AccessToken"));
            json_object_set_new(m, "token_type", json_string("access"));
            json_object_set_new(m, "message", json_string(f.message.c_str()));
            json_t* messages = json_array();
            json_array_append_new(messages, m);
            json_object_set_new(body.get(), "messages", messages);
            return http::unauthorized(std::move(body));
        }
        case K::NoUserId:
            return http::unauthorized("Token contained no recognizable user identification", "token_not_valid");
        case K::UserNotFound: return http::unauthorized("User not found", "user_not_found");
        case K::InvalidApiKey: return http::unauthorized("Invalid API key.", "invalid_api_key");
        case K::ExpiredApiKey: return http::unauthorized("API key has expired.", "invalid_api_key");
        case K::KeyNotAccepted:
            return http::detail_error(403, "API keys cannot manage API keys; log in with a token.");
        case K::UserInactive: break;
    }
    return http::unauthorized("User is inactive", "user_inactive");
}

// The same refusals in OpenAI's shape, for /v1/: an SDK shows the message.
http::HttpError openai_auth_error(const auth::AuthFailure& f) {
    using K = auth::AuthFailure;
    auto e401 = [](const std::string& message, const char* code) {
        http::HttpError e = http::openai_error(401, message, "invalid_request_error", "", code);
        e.header("WWW-Authenticate", "Bearer realm=\"api\"");
        return e;
    };
    switch (f.kind) {
        case K::NotProvided:
            return e401("Authentication credentials were not provided: send \"Authorization: Bearer <API key or "
                        "access token>\".",
                        "");
        case K::BadHeader:
            return e401("Authorization header must contain two space-delimited values", "bad_authorization_header");
        case K::InvalidToken:
            return e401("Given token not valid for any token type: " + f.message, "token_not_valid");
        case K::NoUserId: return e401("Token contained no recognizable user identification", "token_not_valid");
        case K::UserNotFound: return e401("User not found", "user_not_found");
        case K::InvalidApiKey: return e401("Invalid API key.", "invalid_api_key");
        case K::ExpiredApiKey: return e401("API key has expired.", "invalid_api_key");
        case K::KeyNotAccepted:
            return http::openai_error(403, "API keys cannot manage API keys; log in with a token.",
                                      "invalid_request_error", "", "api_key_not_accepted");
        case K::UserInactive: break;
    }
    return e401("User is inactive", "user_inactive");
}

// A 429 from the limits: OpenAI's rate_limit_error, or DRF's throttle detail.
http::HttpError too_many(const limits::Refusal& r, ErrorStyle style) {
    const long retry_after = r.retry_after_s < 1 ? 1 : r.retry_after_s;
    http::HttpError e = style != ErrorStyle::Drf
                            ? http::openai_error(429, r.message, "rate_limit_error", "", r.code)
                            : http::detail_error(429, "Request was throttled. Expected available in " +
                                                          std::to_string(retry_after) + " seconds.");
    e.header("Retry-After", std::to_string(retry_after));
    return e;
}

// Every chat seat of the host is taken: refused at once, so a client (or a
// load balancer) can go elsewhere instead of waiting in a queue.
http::HttpError overloaded(ErrorStyle style) {
    http::HttpError e = style != ErrorStyle::Drf
                            ? http::openai_error(503, "The server is at capacity; retry shortly.", "server_error", "",
                                                 "server_overloaded")
                            : http::detail_error(503, "The server is at capacity; retry shortly.");
    e.header("Retry-After", "1");
    return e;
}

http::Response server_error(int status, ErrorStyle style) {
    const bool unavailable = status == 503;
    if (style != ErrorStyle::Drf) {
        JsonPtr body = unavailable ? http::openai_error_body("The database is unreachable; try again later.",
                                                             "service_unavailable", "", "service_unavailable")
                                   : http::openai_error_body("The server had an error while processing your request.",
                                                             "server_error");
        return http::Response::json(status, body.get());
    }
    return http::Response::json_text(status, unavailable
                                                 ? R"({"detail":"Service temporarily unavailable, try again later."})"
                                                 : R"({"detail":"A server error occurred."})");
}

}  // namespace

http::Response App::dispatch(const http::Request& req, upstream::HttpClient& http, http::StreamOut& out,
                             RequestInfo& info, int thread, ErrorStyle& style) {
    if (req.bad_path) throw http::detail_error(400, "Malformed request path.");
    const auto m = routes_.match(req.method, req.path);
    using M = RouteTable::MatchT;
    if (m.kind == M::NotFound) throw http::detail_error(404, "Not found.");
    const RoutePolicy& policy = m.path_route->policy;
    // Its threads run at real-time priority: nothing else runs on them.
    if (req.priority_lane && !policy.priority_lane) throw http::detail_error(404, "Not found.");
    info.route = m.path_route->path;  // the pattern: "/api/keys/{id}", not one label per id
    style = policy.errors;
    if (policy.loopback_only && !http::is_loopback(req.remote_addr))
        throw http::detail_error(403, "You do not have permission to perform this action.");
    // Before authentication, as nginx's own 413 is: a front end without a
    // body limit (Apache's is not applied to proxied requests) gets the same.
    if (req.body_too_large) {
        const std::string message =
            "Request body is too large (limit " + std::to_string(services_.cfg.server.max_body_bytes) + " bytes).";
        throw style == ErrorStyle::Drf ? http::detail_error(413, message)
                                       : http::openai_error(413, message, "invalid_request_error", "", "");
    }
    if (req.method == "OPTIONS") {
        return http::Response::json_text(
                   200,
                   R"({"renders":["application/json"],"parses":["application/json","application/x-www-form-urlencoded"]})")
            .header("Allow", m.allow);
    }
    Context ctx{services_, req, std::nullopt, std::nullopt, m.params, static_cast<long>(std::time(nullptr)),
                &http, &out, &info};
    // DRF authenticates before it looks for the method's handler: a protected
    // path answers 401 before 405.
    if (policy.credentials != Credentials::None) {
        auth::AuthResult a = services_.authenticator.authenticate(
            req.authorization, req.x_api_key, ctx.now, policy.credentials == Credentials::AccessTokenOrKey);
        if (!a.user) throw style == ErrorStyle::OpenAI ? openai_auth_error(a.failure) : drf_auth_error(a.failure);
        ctx.user = std::move(a.user);
        ctx.key = std::move(a.key);
        info.user_id = ctx.user->id;
        if (ctx.key) services_.key_use.touch(ctx.key->id, now_us());
    }
    if (m.kind == M::MethodNotAllowed)
        throw http::detail_error(405, "Method \"" + req.method + "\" not allowed.").header("Allow", m.allow);
    // Seats before the rate limit: a refused request costs no database
    // round trip and does not count against the user's requests.
    std::optional<limits::SeatGuard> seat;
    if (ctx.user && m.route->policy.holds_seat) {
        const long host_limit = static_cast<long>(services_.cfg.server.workers) * services_.cfg.server.max_streams;
        const long user_limit = services_.limits.max_concurrent(*ctx.user);
        switch (services_.seats.take(thread, ctx.user->id, host_limit, user_limit)) {
            case limits::SeatResult::HostFull: throw overloaded(style);
            case limits::SeatResult::UserFull:
                throw too_many(limits::Refusal{"Too many concurrent requests: at most " + std::to_string(user_limit) +
                                                   " at once.",
                                               "concurrency_limit_exceeded", 1},
                               style);
            case limits::SeatResult::Taken: seat.emplace(&services_.seats, thread); break;
        }
    }
    if (ctx.user && m.route->policy.limit != RateLimit::None) {
        const db::ApiKey* key = ctx.key ? &*ctx.key : nullptr;
        if (auto refused = services_.limits.count_request(*ctx.user, key, ctx.now)) throw too_many(*refused, style);
        if (m.route->policy.limit == RateLimit::RequestsAndTokens)
            if (auto refused = services_.limits.check_token_quota(*ctx.user, key, ctx.now))
                throw too_many(*refused, style);
    }
    return m.route->handler(ctx);
}

http::Response App::handle(const http::Request& req, upstream::HttpClient& http, http::StreamOut& out,
                           RequestInfo& info, int thread) {
    ErrorStyle style = ErrorStyle::Drf;  // until a route is matched
    try {
        return dispatch(req, http, out, info, thread, style);
    } catch (const http::HttpError& e) {
        if (out.started()) return http::Response::already_sent();  // too late for a status
        http::Response r = http::Response::json_text(e.status(), e.body());
        for (const auto& h : e.headers()) r.header(h.first, h.second);
        return r;
    } catch (const db::DbUnavailable& e) {
        log_warn("database unavailable: %s", e.what());
        if (out.started()) return http::Response::already_sent();
        return server_error(503, style);
    } catch (const sql::SQLException& e) {
        // The message may contain SQL: it goes to the log, never to the client.
        log_error("SQL error %d on %s %s: %s", e.getErrorCode(), req.method.c_str(), req.path.c_str(), e.what());
        if (out.started()) return http::Response::already_sent();
        return server_error(500, style);
    } catch (const std::exception& e) {
        log_error("error on %s %s: %s", req.method.c_str(), req.path.c_str(), e.what());
        if (out.started()) return http::Response::already_sent();
        return server_error(500, style);
    }
}

}  // namespace llmapi::api
