// What the access log and the metrics need to know about a request, filled
// in along the way by the request lifecycle and the handlers.
#pragma once
#include <cstdint>
#include <string>

namespace llmapi::api {

struct RequestInfo {
    std::string route = "unmatched";  // the routing table's path, not the raw one (bounded label set)
    std::string provider;
    std::string model;
    int64_t user_id = 0;
    long upstream_ms = 0;
};

}  // namespace llmapi::api
