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

bool path_matches(const std::string& pattern, const std::string& path, std::vector<std::string>& params) {
    if (pattern.find('{') == std::string::npos) return pattern == path;  // most routes: one compare
    size_t i = 0, j = 0;
    while (i < pattern.size()) {
        if (pattern[i] == '{') {
            const size_t close = pattern.find('}', i);
            size_t end = j;
            while (end < path.size() && path[end] >= '0' && path[end] <= '9') ++end;
            if (end == j || end - j > 18) return false;
            params.push_back(path.substr(j, end - j));
            i = close + 1;
            j = end;
        } else {
            if (j >= path.size() || pattern[i] != path[j]) return false;
            ++i;
            ++j;
        }
    }
    return j == path.size();
}

}  // namespace llmapi::api
