// A minimal FastCGI client (FastCGI spec 1.0: BEGIN_REQUEST, PARAMS, STDIN,
// then STDOUT records until END_REQUEST), to reach the worker pool's socket
// directly with parameters nginx would never send, such as another
// REMOTE_ADDR. https://fastcgi-archives.github.io/FastCGI_Specification.html
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace it {

// `path` is a unix socket, or a TCP one as HOST:PORT or FROM@HOST:PORT (FROM:
// the local IPv4 address to connect from, e.g. 127.0.0.2 for "another host").
// Sends one request to `path`; returns the CGI response
// (headers, a blank line, the body) or throws std::runtime_error.
std::string fcgiRequest(const std::string& path, const std::vector<std::pair<std::string, std::string>>& params,
                        const std::string& body = "");

// Sends one whole request and closes the connection at once, as nginx does
// when its client goes away while the request waits for a worker thread.
void fcgiSendAndLeave(const std::string& path, const std::vector<std::pair<std::string, std::string>>& params,
                      const std::string& body);

// A connection that sends BEGIN_REQUEST and nothing more: the worker thread
// that accepts it waits for the rest, so it is held until the pin is
// destroyed (then the thread reads EOF and goes back to accept()).
class FcgiPin {
public:
    explicit FcgiPin(const std::string& path);
    ~FcgiPin();
    FcgiPin(const FcgiPin&) = delete;
    FcgiPin& operator=(const FcgiPin&) = delete;

private:
    int fd_;
};

}  // namespace it
