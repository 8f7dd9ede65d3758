// RAII and small helpers around jansson.
#pragma once
#include <jansson.h>

#include <cstdint>
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

// `text` with every byte that is not part of valid UTF-8 (overlongs,
// surrogates and code points past U+10FFFF included) replaced by U+FFFD:
// jansson refuses to make a string of invalid UTF-8, and a message that
// quotes client input (a %ff in a query) must not lose its text for that.
std::string utf8_lossy(const std::string& text);

// A JSON string of `text`, never null (invalid UTF-8 replaced, see above).
inline json_t* json_text(const std::string& text) {
    json_t* j = json_stringn(text.data(), text.size());
    if (j) return j;
    const std::string clean = utf8_lossy(text);
    return json_stringn(clean.data(), clean.size());
}

// {"key": "value"}
inline JsonPtr json_obj1(const char* key, const std::string& value) {
    JsonPtr o(json_object());
    json_object_set_new(o.get(), key, json_text(value));
    return o;
}

}  // namespace llmapi
