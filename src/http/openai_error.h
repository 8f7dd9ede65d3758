// OpenAI's error shape, so OpenAI SDKs raise the right exception:
// {"error":{"message","type","param","code"}}.
#pragma once
#include <string>

#include "http/errors.h"

namespace llmapi::http {

inline JsonPtr openai_error_body(const std::string& message, const std::string& type, const std::string& param = "",
                                 const std::string& code = "") {
    JsonPtr err(json_object());
    json_object_set_new(err.get(), "message", json_text(message));
    json_object_set_new(err.get(), "type", json_text(type));
    json_object_set_new(err.get(), "param", param.empty() ? json_null() : json_text(param));
    json_object_set_new(err.get(), "code", code.empty() ? json_null() : json_text(code));
    JsonPtr body(json_object());
    json_object_set(body.get(), "error", err.get());
    return body;
}

inline HttpError openai_error(int status, const std::string& message, const std::string& type,
                              const std::string& param = "", const std::string& code = "") {
    return HttpError(status, openai_error_body(message, type, param, code));
}

inline HttpError invalid_request(const std::string& message, const std::string& param = "") {
    return openai_error(400, message, "invalid_request_error", param);
}

}  // namespace llmapi::http
