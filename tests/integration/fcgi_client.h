// A minimal FastCGI client (FastCGI spec 1.0: BEGIN_REQUEST, PARAMS, STDIN,
// then STDOUT records until END_REQUEST), to reach the worker pool's socket
// directly with parameters nginx would never send, such as another
// REMOTE_ADDR. https://fastcgi-archives.github.io/FastCGI_Specification.html
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace it {

// Sends one request to the unix socket `path`; returns the CGI response
// (headers, a blank line, the body) or throws std::runtime_error.
std::string fcgiRequest(const std::string& path, const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace it
