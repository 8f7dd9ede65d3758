#include "http/fcgi_io.h"

#include <cstdlib>
#include <cstring>
#include <string>

namespace llmapi::http {

namespace {

std::string param(FCGX_Request& r, const char* name) {
    const char* v = FCGX_GetParam(name, r.envp);
    return v ? v : "";
}

}  // namespace

Request read_request(FCGX_Request& fcgi, long max_body) {
    Request req;
    req.method = param(fcgi, "REQUEST_METHOD");
    req.path = param(fcgi, "DOCUMENT_URI");
    if (req.path.empty()) {
        req.path = param(fcgi, "REQUEST_URI");
        req.path = req.path.substr(0, req.path.find('?'));
    }
    req.query = param(fcgi, "QUERY_STRING");
    req.content_type = param(fcgi, "CONTENT_TYPE");
    req.authorization = param(fcgi, "HTTP_AUTHORIZATION");
    req.accept = param(fcgi, "HTTP_ACCEPT");
    req.remote_addr = param(fcgi, "REMOTE_ADDR");

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

void write_response(FCGX_Request& fcgi, const Response& resp) {
    std::string head = "Status: " + std::to_string(resp.status) + " " + reason_phrase(resp.status) + "\r\n";
    for (const auto& [name, value] : resp.headers) head += name + ": " + value + "\r\n";
    head += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n\r\n";
    FCGX_PutStr(head.data(), static_cast<int>(head.size()), fcgi.out);
    if (!resp.body.empty()) FCGX_PutStr(resp.body.data(), static_cast<int>(resp.body.size()), fcgi.out);
}

}  // namespace llmapi::http
