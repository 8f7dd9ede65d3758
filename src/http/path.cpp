#include "http/path.h"

#include <vector>

namespace llmapi::http {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> normalize_path(const std::string& request_uri) {
    const std::string raw = request_uri.substr(0, request_uri.find('?'));
    if (raw.empty() || raw[0] != '/') return std::nullopt;
    std::string decoded;
    decoded.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') {
            decoded += raw[i];
            continue;
        }
        const int hi = i + 2 < raw.size() ? hex_value(raw[i + 1]) : -1, lo = hi >= 0 ? hex_value(raw[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
        decoded += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    // Segments between slashes; empty ones (a run of slashes) and "." go,
    // ".." takes the previous one with it.
    std::vector<std::string> segments;
    size_t start = 1;
    for (;;) {
        const size_t end = decoded.find('/', start);
        const std::string seg = decoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (seg == "..") {
            if (segments.empty()) return std::nullopt;
            segments.pop_back();
        } else if (!seg.empty() && seg != ".") {
            segments.push_back(seg);
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    // A trailing slash (or a last "." / ".." segment) keeps the path a directory.
    const bool dir = decoded.back() == '/' || decoded.size() < 2 ||
                     decoded.compare(decoded.size() - 2, 2, "/.") == 0 ||
                     (decoded.size() >= 3 && decoded.compare(decoded.size() - 3, 3, "/..") == 0);
    std::string out;
    for (const std::string& s : segments) out += "/" + s;
    if (out.empty() || dir) out += "/";
    return out;
}

}  // namespace llmapi::http
