#include "usage/event.h"

#include "common/json.h"

namespace llmapi::usage {

namespace {

json_t* to_json(const std::string& v) { return json_stringn(v.data(), v.size()); }
json_t* to_json(bool v) { return json_boolean(v); }
json_t* to_json(long v) { return json_integer(v); }
json_t* to_json(int v) { return json_integer(v); }
json_t* to_json(db::OptionalId v) { return v.id ? json_integer(v.id) : json_null(); }

void from_json(const json_t* j, std::string& v) { v = json_is_string(j) ? json_string_value(j) : ""; }
void from_json(const json_t* j, bool& v) { v = json_is_true(j); }
void from_json(const json_t* j, long& v) { v = static_cast<long>(json_integer_value(j)); }
void from_json(const json_t* j, int& v) { v = static_cast<int>(json_integer_value(j)); }
void from_json(const json_t* j, db::OptionalId& v) { v.id = json_integer_value(j); }  // null or absent: 0

}  // namespace

std::string to_json_line(const UsageEvent& e) {
    JsonPtr o(json_object());
    for_each_column(e, [&](const char* name, const auto& v) {
        json_t* j = to_json(v);
        json_object_set_new(o.get(), name, j ? j : json_string(""));  // invalid UTF-8 from a client: ""
    });
    return json_to_string(o.get()) + "\n";
}

bool from_json_line(const std::string& line, UsageEvent& e) {
    JsonPtr o(json_loadb(line.data(), line.size(), 0, nullptr));
    if (!json_is_object(o.get())) return false;
    for_each_column(e, [&](const char* name, auto& v) { from_json(json_object_get(o.get(), name), v); });
    return e.event_id.size() == 32 && e.user_id > 0 && !e.started_at.empty();
}

}  // namespace llmapi::usage
