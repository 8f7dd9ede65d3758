#include "app/limits.h"

#include "db/limits.h"
#include "http/openai_error.h"

namespace llmapi::app {

namespace {

long effective(long user_override, long configured) { return user_override >= 0 ? user_override : configured; }

http::HttpError too_many(const std::string& message, const char* code, long retry_after) {
    http::HttpError e = http::openai_error(429, message, "rate_limit_error", "", code);
    e.header("Retry-After", std::to_string(retry_after < 1 ? 1 : retry_after));
    return e;
}

}  // namespace

void enforce_request_limit(Context& ctx) {
    const long limit = effective(ctx.user->requests_per_minute, ctx.services.cfg.limits.requests_per_minute);
    if (limit <= 0) return;  // 0 = unlimited
    if (!db::count_request(ctx.services.pool, ctx.user->id, limit, ctx.now))
        throw too_many("Rate limit reached: " + std::to_string(limit) + " requests per minute.", "rate_limit_exceeded",
                       60 - ctx.now % 60);
}

void enforce_token_quota(Context& ctx) {
    const long quota = effective(ctx.user->tokens_per_day, ctx.services.cfg.limits.tokens_per_day);
    if (quota <= 0) return;
    if (db::tokens_today(ctx.services.pool, ctx.user->id) >= quota)
        throw too_many("Token quota reached: " + std::to_string(quota) + " tokens per day (UTC).", "quota_exceeded",
                       86400 - ctx.now % 86400);
}

}  // namespace llmapi::app
