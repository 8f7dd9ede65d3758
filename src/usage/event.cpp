#include "usage/event.h"

#include <sys/time.h>

#include <ctime>

#include "common/json.h"

namespace llmapi::usage {

std::string to_json_line(const UsageEvent& e) {
    JsonPtr o(json_object());
    json_object_set_new(o.get(), "event_id", json_string(e.event_id.c_str()));
    json_object_set_new(o.get(), "user_id", json_integer(e.user_id));
    json_object_set_new(o.get(), "provider", json_string(e.provider.c_str()));
    json_object_set_new(o.get(), "model_requested", json_string(e.model_requested.c_str()));
    json_object_set_new(o.get(), "model_answered", json_string(e.model_answered.c_str()));
    json_object_set_new(o.get(), "prompt_tokens", json_integer(e.prompt_tokens));
    json_object_set_new(o.get(), "completion_tokens", json_integer(e.completion_tokens));
    json_object_set_new(o.get(), "reasoning_tokens", json_integer(e.reasoning_tokens));
    json_object_set_new(o.get(), "status", json_integer(e.status));
    json_object_set_new(o.get(), "upstream_ms", json_integer(e.upstream_ms));
    json_object_set_new(o.get(), "streamed", json_boolean(e.streamed));
    json_object_set_new(o.get(), "client_disconnected", json_boolean(e.client_disconnected));
    json_object_set_new(o.get(), "estimated", json_boolean(e.estimated));
    json_object_set_new(o.get(), "started_at", json_string(e.started_at.c_str()));
    return json_to_string(o.get()) + "\n";
}

bool from_json_line(const std::string& line, UsageEvent& e) {
    JsonPtr o(json_loadb(line.data(), line.size(), 0, nullptr));
    if (!json_is_object(o.get())) return false;
    auto str = [&](const char* k) {
        const json_t* v = json_object_get(o.get(), k);
        return json_is_string(v) ? std::string(json_string_value(v)) : std::string();
    };
    auto num = [&](const char* k) { return static_cast<long>(json_integer_value(json_object_get(o.get(), k))); };
    auto flag = [&](const char* k) { return json_is_true(json_object_get(o.get(), k)); };
    e.event_id = str("event_id");
    e.user_id = num("user_id");
    e.provider = str("provider");
    e.model_requested = str("model_requested");
    e.model_answered = str("model_answered");
    e.prompt_tokens = num("prompt_tokens");
    e.completion_tokens = num("completion_tokens");
    e.reasoning_tokens = num("reasoning_tokens");
    e.status = static_cast<int>(num("status"));
    e.upstream_ms = num("upstream_ms");
    e.streamed = flag("streamed");
    e.client_disconnected = flag("client_disconnected");
    e.estimated = flag("estimated");
    e.started_at = str("started_at");
    return e.event_id.size() == 32 && e.user_id > 0 && !e.started_at.empty();
}

std::string utc_now_sql() {
    timeval tv;
    gettimeofday(&tv, nullptr);
    tm t;
    gmtime_r(&tv.tv_sec, &t);
    char buf[40];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &t);
    char out[48];
    snprintf(out, sizeof out, "%s.%06ld", buf, static_cast<long>(tv.tv_usec));
    return out;
}

}  // namespace llmapi::usage
