// One HTTP request as nginx hands it to us over FastCGI.
#pragma once
#include <string>

namespace llmapi::http {

struct Request {
    std::string method;  // upper case; HEAD is routed as GET
    std::string path;    // decoded, normalised path, no query string (http/path.h)
    bool bad_path = false;  // the request target could not be normalised (400)
    std::string query;   // raw query string
    std::string content_type;
    std::string authorization;  // raw Authorization header
    std::string x_api_key;      // raw x-api-key header (an API key, as Anthropic-style clients send it)
    std::string remote_addr;    // the client address the web server saw (REMOTE_ADDR)
    std::string request_id;     // X-Request-Id as the client sent it (if well-formed) or made up
    std::string body;
    bool body_too_large = false;  // more than [server] max_body_bytes arrived
    bool priority_lane = false;   // arrived on the priority socket ([server] priority_socket)
};

// 127.0.0.0/8, ::1 or an IPv4-mapped 127.x address.
bool is_loopback(const std::string& addr);

// Value of `name` in a query string (first occurrence, %-decoded), or "" with found=false.
std::string query_param(const std::string& query, const std::string& name, bool* found = nullptr);

}  // namespace llmapi::http
