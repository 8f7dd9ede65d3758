// GET /api/usage/?since=&until= : the caller's own usage, totals and rows
// by provider and model. ISO 8601 bounds, `since` inclusive, `until`
// exclusive; default the last 30 days.
#include <ctime>

#include "db/usage.h"
#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/fields.h"

namespace llmapi::handlers {

namespace {

// Django's parse_datetime, roughly: "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS[.f]]"
// with an optional "Z" or "±HH[:MM]" (no offset = UTC). Unix seconds, or false.
bool parse_iso8601(const std::string& s, long& out) {
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return false;
    size_t pos = 10;
    if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
        int m = 0;
        if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5) return false;
        pos += 1 + m;
        if (pos < s.size() && s[pos] == ':') {
            if (std::sscanf(s.c_str() + pos + 1, "%2d%n", &sec, &m) != 1 || m != 2) return false;
            pos += 1 + m;
            if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
                ++pos;
                const size_t digits = s.find_first_not_of("0123456789", pos);
                if (digits == pos) return false;
                pos = digits == std::string::npos ? s.size() : digits;
            }
        }
    }
    long offset = 0;
    if (pos < s.size()) {
        if (s[pos] == 'Z' && pos + 1 == s.size()) {
            pos = s.size();
        } else if (s[pos] == '+' || s[pos] == '-') {
            int oh = 0, om = 0, m = 0;
            const char* p = s.c_str() + pos + 1;
            if (std::sscanf(p, "%2d:%2d%n", &oh, &om, &m) == 2 && m == 5) {
            } else if (std::sscanf(p, "%2d%n", &oh, &m) == 1 && m == 2) {
            } else {
                return false;
            }
            if (pos + 1 + m != s.size() || oh > 23 || om > 59) return false;
            offset = (s[pos] == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
            pos = s.size();
        } else {
            return false;
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 || y < 1970 || y > 9999) return false;
    tm t{};
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    t.tm_sec = sec;
    const time_t when = timegm(&t);
    tm check;
    gmtime_r(&when, &check);
    if (check.tm_mday != d) return false;  // 2026-02-30
    out = static_cast<long>(when) - offset;
    return true;
}

std::string format_time(long t, const char* fmt) {
    const time_t tt = t;
    tm g;
    gmtime_r(&tt, &g);
    char buf[40];
    std::strftime(buf, sizeof buf, fmt, &g);
    return buf;
}

json_t* counts(long requests, long prompt, long completion, json_t* o = json_object()) {
    json_object_set_new(o, "requests", json_integer(requests));
    json_object_set_new(o, "prompt_tokens", json_integer(prompt));
    json_object_set_new(o, "completion_tokens", json_integer(completion));
    json_object_set_new(o, "total_tokens", json_integer(prompt + completion));
    return o;
}

}  // namespace

http::Response usage(app::Context& ctx) {
    long until = ctx.now, since = 0;
    http::FieldErrors errors;
    bool has_since = false, has_until = false;
    const std::string since_s = http::query_param(ctx.request.query, "since", &has_since);
    const std::string until_s = http::query_param(ctx.request.query, "until", &has_until);
    if (has_until && !parse_iso8601(until_s, until)) errors.add("until", "Enter a valid date/time.");
    if (has_since && !parse_iso8601(since_s, since)) errors.add("since", "Enter a valid date/time.");
    errors.throw_if_any();
    if (!has_since) since = until - 30L * 86400;

    const char* sql_fmt = "%Y-%m-%d %H:%M:%S";
    const auto rows = db::usage_by_model(ctx.services.pool, ctx.user->id, format_time(since, sql_fmt),
                                         format_time(until, sql_fmt));
    long requests = 0, prompt = 0, completion = 0;
    JsonPtr by_model(json_array());
    for (const auto& r : rows) {
        json_t* o = json_object();
        json_object_set_new(o, "provider", json_string(r.provider.c_str()));
        json_object_set_new(o, "model", json_string(r.model.c_str()));
        json_array_append_new(by_model.get(), counts(r.requests, r.prompt_tokens, r.completion_tokens, o));
        requests += r.requests;
        prompt += r.prompt_tokens;
        completion += r.completion_tokens;
    }
    JsonPtr body(json_object());
    json_object_set_new(body.get(), "since", json_string(format_time(since, "%Y-%m-%dT%H:%M:%SZ").c_str()));
    json_object_set_new(body.get(), "until", json_string(format_time(until, "%Y-%m-%dT%H:%M:%SZ").c_str()));
    json_object_set_new(body.get(), "totals", counts(requests, prompt, completion));
    json_object_set(body.get(), "by_model", by_model.get());
    return http::Response::json(200, body.get());
}

}  // namespace llmapi::handlers
