#include "usage/estimate.h"

namespace llmapi::usage {

long estimate_tokens(size_t chars) { return static_cast<long>((chars + 3) / 4); }

size_t prompt_chars(const json_t* body) {
    size_t n = 0, i;
    json_t* m;
    json_array_foreach(json_object_get(body, "messages"), i, m) {
        const json_t* c = json_object_get(m, "content");
        if (json_is_string(c)) n += json_string_length(c);
        size_t k;
        json_t* part;
        json_array_foreach(c, k, part) {
            const json_t* t = json_object_get(part, "text");
            if (json_is_string(t)) n += json_string_length(t);
        }
    }
    return n;
}

}  // namespace llmapi::usage
