// What a handler gets: the shared services, the request, the authenticated
// user (for routes that take credentials) and the request's clock.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "api/request_info.h"
#include "api/services.h"
#include "db/api_keys.h"
#include "db/users.h"
#include "http/request.h"
#include "http/response.h"
#include "http/stream.h"
#include "upstream/http_client.h"

namespace llmapi::api {

struct Context {
    Services& services;
    const http::Request& request;
    std::optional<db::User> user;
    std::optional<db::ApiKey> key;  // the API key the user came with (none: an access token)
    std::vector<std::string> path_params;  // the route's "{name}" segments
    long now = 0;                          // unix seconds at the start of the request
    upstream::HttpClient* http = nullptr;  // this thread's client (kept-alive connections)
    http::StreamOut* out = nullptr;        // for responses streamed as they are produced
    RequestInfo* info = nullptr;           // for the access log and the metrics
};

using Handler = http::Response (*)(Context&);

}  // namespace llmapi::api
