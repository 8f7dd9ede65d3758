// Expected failures that end a request with a given status and JSON body.
// Thrown by handlers and helpers; turned into a Response in one place (api/app.cpp).
#pragma once
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"

namespace llmapi::http {

class HttpError : public std::runtime_error {
public:
    HttpError(int status, JsonPtr body)
        : std::runtime_error("http error"), status_(status), body_(json_to_string(body.get())) {}
    HttpError& header(std::string name, std::string value) {
        headers_.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    int status() const { return status_; }
    const std::string& body() const { return body_; }
    const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

private:
    int status_;
    std::string body_;
    std::vector<std::pair<std::string, std::string>> headers_;
};

// DRF's {"detail": "..."} error.
inline HttpError detail_error(int status, const std::string& detail) {
    return HttpError(status, json_obj1("detail", detail));
}

// A 401 with WWW-Authenticate: Bearer realm="api", as every 401 must carry.
// 503 with Retry-After: a bounded resource (the password-hash gate) stayed
// busy; the client may try again shortly.
inline HttpError busy(const std::string& detail) {
    HttpError e = detail_error(503, detail);
    e.header("Retry-After", "1");
    return e;
}

inline HttpError unauthorized(JsonPtr body) {
    HttpError e(401, std::move(body));
    e.header("WWW-Authenticate", "Bearer realm=\"api\"");
    return e;
}
// {"detail": ..., "code": ...} (simplejwt's shape).
inline HttpError unauthorized(const std::string& detail, const char* code) {
    JsonPtr body = json_obj1("detail", detail);
    if (code) json_object_set_new(body.get(), "code", json_string(code));
    return unauthorized(std::move(body));
}

}  // namespace llmapi::http
