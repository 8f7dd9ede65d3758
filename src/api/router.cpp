#include "api/router.h"

namespace llmapi::api {

std::string canonical_path(const std::string& path) {
    std::string out;
    out.reserve(path.size());
    for (char c : path) {
        if (c == '/' && !out.empty() && out.back() == '/') continue;  // collapse "//"
        out += c;
    }
    if (out.empty() || out[0] != '/') out.insert(out.begin(), '/');
    if (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

}  // namespace llmapi::api
