// The request's path as nginx routes it, from the raw request target any
// web server passes (REQUEST_URI): so nginx and Apache (which passes no
// DOCUMENT_URI) route a request identically.
#pragma once

#include <optional>
#include <string>

namespace llmapi::http {

// The query is dropped, %XX sequences decoded (all of them, as nginx's $uri
// does), runs of slashes merged and "." and ".." segments removed (RFC 3986
// 5.2.4). nullopt for what nginx answers 400: a malformed %XX, a decoded
// NUL, a target not starting with "/", or ".." above the root.
std::optional<std::string> normalize_path(const std::string& request_uri);

}  // namespace llmapi::http
