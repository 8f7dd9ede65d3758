// Reading a Request from, and writing a Response to, a libfcgi request.
#pragma once
#include <fcgiapp.h>

#include "http/request.h"
#include "http/response.h"

namespace llmapi::http {

// Copies what we need out of the FastCGI params (their pointers die at
// FCGX_Finish_r) and reads at most max_body bytes of body.
Request read_request(FCGX_Request& fcgi, long max_body);

void write_response(FCGX_Request& fcgi, const Response& resp);

}  // namespace llmapi::http
