#include "server/fcgi_io.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "common/random.h"
#include "http/path.h"

namespace llmapi::server {

namespace {

std::string param(FCGX_Request& r, const char* name) {
    const char* v = FCGX_GetParam(name, r.envp);
    return v ? v : "";
}

}  // namespace

http::Request read_request(FCGX_Request& fcgi, long max_body) {
    http::Request req;
    req.method = param(fcgi, "REQUEST_METHOD");
    // The raw target, normalised here as nginx does (not nginx's own
    // DOCUMENT_URI): Apache passes REQUEST_URI too, and no DOCUMENT_URI.
    std::string target = param(fcgi, "REQUEST_URI");
    if (target.empty()) target = param(fcgi, "SCRIPT_NAME") + param(fcgi, "PATH_INFO");  // plain CGI
    if (auto path = http::normalize_path(target)) req.path = std::move(*path);
    else req.bad_path = true;
    req.query = param(fcgi, "QUERY_STRING");
    req.content_type = param(fcgi, "CONTENT_TYPE");
    req.authorization = param(fcgi, "HTTP_AUTHORIZATION");
    req.x_api_key = param(fcgi, "HTTP_X_API_KEY");
    req.remote_addr = param(fcgi, "REMOTE_ADDR");
    req.request_id = param(fcgi, "HTTP_X_REQUEST_ID");
    // Only ids that are safe in logs and headers are kept; others are replaced.
    if (req.request_id.empty() || req.request_id.size() > 128 ||
        req.request_id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:") !=
            std::string::npos)
        req.request_id = uuid4_hex();

    const std::string len_s = param(fcgi, "CONTENT_LENGTH");
    const long declared = len_s.empty() ? -1 : std::strtol(len_s.c_str(), nullptr, 10);
    if (declared > max_body) {
        req.body_too_large = true;
        return req;  // don't read it; libfcgi discards the rest at Finish
    }
    // Read to EOF, bounded, whatever CONTENT_LENGTH said.
    char buf[16384];
    for (;;) {
        int n = FCGX_GetStr(buf, sizeof buf, fcgi.in);
        if (n <= 0) break;
        if (static_cast<long>(req.body.size()) + n > max_body) {
            req.body_too_large = true;
            req.body.clear();
            break;
        }
        req.body.append(buf, static_cast<size_t>(n));
    }
    return req;
}

void write_response(FCGX_Request& fcgi, const http::Response& resp) {
    std::string head = "Status: " + std::to_string(resp.status) + " " + http::reason_phrase(resp.status) + "\r\n";
    for (const auto& [name, value] : resp.headers) head += name + ": " + value + "\r\n";
    head += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n\r\n";
    FCGX_PutStr(head.data(), static_cast<int>(head.size()), fcgi.out);
    if (!resp.body.empty()) FCGX_PutStr(resp.body.data(), static_cast<int>(resp.body.size()), fcgi.out);
}

}  // namespace llmapi::server

#include <poll.h>

namespace llmapi::server {

bool FcgiStreamOut::start(int status, const std::vector<std::pair<std::string, std::string>>& headers) {
    started_ = true;
    std::string head = "Status: " + std::to_string(status) + " " + http::reason_phrase(status) + "\r\n";
    for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
    head += "X-Request-Id: " + request_id_ + "\r\n\r\n";
    const bool ok = write(head);
    bytes_ = 0;  // count the body only
    return ok;
}

bool FcgiStreamOut::write(const std::string& data) {
    if (gone_) return false;
    if (FCGX_PutStr(data.data(), static_cast<int>(data.size()), r_.out) < 0 || FCGX_FFlush(r_.out) < 0) gone_ = true;
    if (!gone_) bytes_ += data.size();
    return !gone_;
}

bool FcgiStreamOut::client_gone() {
    if (gone_) return true;
    // nginx closes our connection when its client goes away; during a response
    // it sends nothing else, so any readiness on the socket means that.
    pollfd p{r_.ipcFd, POLLIN | POLLRDHUP, 0};
    if (r_.ipcFd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) gone_ = true;
    return gone_;
}

}  // namespace llmapi::server
