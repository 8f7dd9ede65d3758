#include "relay/upstream_errors.h"

#include "http/openai_error.h"

namespace llmapi::relay {

using providers::UpstreamError;

bool is_client_error(const UpstreamError& e) {
    return e.kind == UpstreamError::Status && e.status >= 400 && e.status < 500 && e.status != 401 && e.status != 403 &&
           e.status != 408 && e.status != 429;
}

int error_status(const UpstreamError& e) {
    if (e.kind == UpstreamError::Timeout) return 504;
    if (is_client_error(e)) return static_cast<int>(e.status);
    return 502;
}

JsonPtr error_body(const UpstreamError& e, const std::string& provider) {
    if (e.kind == UpstreamError::Timeout)
        return http::openai_error_body("Provider '" + provider + "' timed out: " + e.message, "upstream_timeout", "",
                                       "upstream_timeout");
    if (is_client_error(e))
        return http::openai_error_body(e.message, e.type.empty() ? "invalid_request_error" : e.type, e.param, e.code);
    if (e.kind == UpstreamError::Status && (e.status == 401 || e.status == 403))
        return http::openai_error_body("Provider '" + provider + "' rejected the gateway's credentials.",
                                       "upstream_error", "", "upstream_error");
    std::string what = e.message;
    if (e.kind == UpstreamError::Status) what += " (HTTP " + std::to_string(e.status) + ")";
    return http::openai_error_body("Provider '" + provider + "' failed: " + what, "upstream_error", "",
                                   "upstream_error");
}

}  // namespace llmapi::relay
