// RAII and small helpers around jansson.
#pragma once
#include <jansson.h>
#include <memory>
#include <string>

namespace llmapi {

struct JsonDeleter {
    void operator()(json_t* j) const { json_decref(j); }
};
// Owns one reference.
using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

// Compact, UTF-8 (not ASCII-escaped), insertion order kept: what DRF's JSONRenderer writes.
inline std::string json_to_string(const json_t* j) {
    char* s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s) return "null";
    std::string out(s);
    free(s);
    return out;
}

// {"key": "value"}
inline JsonPtr json_obj1(const char* key, const std::string& value) {
    JsonPtr o(json_object());
    json_object_set_new(o.get(), key, json_stringn(value.data(), value.size()));
    return o;
}

}  // namespace llmapi
