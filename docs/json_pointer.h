// A local reference of docs/openapi.yaml ("#/components/schemas/X", RFC 6901
// with ~0 and ~1) resolved in the document: for the build's converter (every
// "$ref" must resolve) and for the tests that read the document. Header-only:
// those are three programs, none of them the service.
#pragma once

#include <jansson.h>

#include <string>

namespace docs {

// The node `ref` names under `root`, or null (not "#/…", or not there).
inline json_t* json_pointer(json_t* root, const std::string& ref) {
    if (ref.rfind("#/", 0) != 0) return nullptr;
    json_t* at = root;
    for (size_t pos = 2; at && pos <= ref.size();) {
        size_t end = ref.find('/', pos);
        if (end == std::string::npos) end = ref.size();
        std::string key;
        for (size_t i = pos; i < end; ++i) {
            if (ref[i] == '~' && i + 1 < end) key += ref[++i] == '1' ? '/' : '~';
            else key += ref[i];
        }
        at = json_is_object(at) ? json_object_get(at, key.c_str()) : nullptr;
        pos = end + 1;
    }
    return at;
}

}  // namespace docs
