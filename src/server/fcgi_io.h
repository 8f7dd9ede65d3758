// Reading a Request from, and writing a Response to, a libfcgi request.
#pragma once
#include <fcgiapp.h>

#include "http/request.h"
#include "http/response.h"
#include "http/stream.h"

namespace llmapi::server {

// Copies what we need out of the FastCGI params (their pointers die at
// FCGX_Finish_r) and reads at most max_body bytes of body.
http::Request read_request(FCGX_Request& fcgi, long max_body);

void write_response(FCGX_Request& fcgi, const http::Response& resp);

// StreamOut over a libfcgi request: FCGX_FFlush after each piece (nginx has
// fastcgi_buffering off and we send X-Accel-Buffering: no).
class FcgiStreamOut : public http::StreamOut {
public:
    // `request_id` goes out as X-Request-Id with the headers.
    FcgiStreamOut(FCGX_Request& r, std::string request_id) : r_(r), request_id_(std::move(request_id)) {}
    bool start(int status, const std::vector<std::pair<std::string, std::string>>& headers) override;
    bool write(const std::string& data) override;
    bool client_gone() override;
    bool started() const override { return started_; }
    size_t bytes() const { return bytes_; }

private:
    FCGX_Request& r_;
    std::string request_id_;
    size_t bytes_ = 0;
    bool started_ = false;
    bool gone_ = false;
};

}  // namespace llmapi::server
