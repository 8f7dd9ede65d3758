// A complete (non-streamed) HTTP response.
#pragma once
#include <jansson.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace llmapi::http {

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool sent = false;  // already written through a StreamOut: nothing left to send
    // Runs once the response is complete and handed to nginx (accounting
    // that must not delay the client).
    std::function<void()> after_sent;

    static Response already_sent() {
        Response r;
        r.sent = true;
        return r;
    }

    static Response json(int status, const json_t* body);
    // 204: no body, no Content-Type.
    static Response no_content() {
        Response r;
        r.status = 204;
        return r;
    }
    static Response json_text(int status, std::string body);
    Response& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

const char* reason_phrase(int status);

}  // namespace llmapi::http
