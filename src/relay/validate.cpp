#include "relay/validate.h"

#include <cmath>
#include <cstring>

#include "http/body.h"
#include "http/openai_error.h"

namespace llmapi::relay {

namespace {

using http::invalid_request;

bool one_of(const char* s, std::initializer_list<const char*> options) {
    for (const char* o : options)
        if (std::strcmp(s, o) == 0) return true;
    return false;
}

void check_number(const json_t* body, const char* name, double min, double max) {
    const json_t* v = json_object_get(body, name);
    if (!v || json_is_null(v)) return;
    if (!json_is_number(v))
        throw invalid_request(std::string("Invalid type for '") + name + "': expected a number.", name);
    const double d = json_number_value(v);
    if (!std::isfinite(d) || d < min || d > max)
        throw invalid_request(std::string("Invalid '") + name + "': " + std::to_string(d) + " is outside [" +
                                  std::to_string(min) + ", " + std::to_string(max) + "].",
                              name);
}

void check_integer(const json_t* body, const char* name, json_int_t min, json_int_t max) {
    const json_t* v = json_object_get(body, name);
    if (!v || json_is_null(v)) return;
    if (!json_is_integer(v))
        throw invalid_request(std::string("Invalid type for '") + name + "': expected an integer.", name);
    const json_int_t n = json_integer_value(v);
    if (n < min || n > max)
        throw invalid_request(std::string("Invalid '") + name + "': " + std::to_string(n) + " is outside [" +
                                  std::to_string(min) + ", " + std::to_string(max) + "].",
                              name);
}

void check_type(const json_t* body, const char* name, json_type type, const char* type_name) {
    const json_t* v = json_object_get(body, name);
    if (v && !json_is_null(v) && json_typeof(v) != type && !(type == JSON_TRUE && json_is_boolean(v)))
        throw invalid_request(std::string("Invalid type for '") + name + "': expected " + type_name + ".", name);
}

void check_content(const json_t* content, const std::string& where) {
    if (json_is_string(content) || json_is_null(content)) return;
    if (!json_is_array(content))
        throw invalid_request("Invalid type for '" + where + "': expected a string or an array of content parts.",
                              where);
    size_t i;
    json_t* part;
    json_array_foreach(content, i, part) {
        const std::string p = where + "[" + std::to_string(i) + "]";
        const json_t* type = json_object_get(part, "type");
        if (!json_is_object(part) || !json_is_string(type))
            throw invalid_request("Invalid content part '" + p + "': expected an object with a string 'type'.", p);
        if (std::strcmp(json_string_value(type), "text") == 0 && !json_is_string(json_object_get(part, "text")))
            throw invalid_request("Invalid content part '" + p + "': a text part needs a string 'text'.", p + ".text");
    }
}

void check_messages(const json_t* messages) {
    if (!messages) throw invalid_request("Missing required parameter: 'messages'.", "messages");
    if (!json_is_array(messages) || json_array_size(messages) == 0)
        throw invalid_request("Invalid 'messages': expected a non-empty array of messages.", "messages");
    size_t i;
    json_t* m;
    json_array_foreach(messages, i, m) {
        const std::string where = "messages[" + std::to_string(i) + "]";
        if (!json_is_object(m)) throw invalid_request("Invalid '" + where + "': expected an object.", where);
        const json_t* role = json_object_get(m, "role");
        if (!json_is_string(role) ||
            !one_of(json_string_value(role), {"system", "developer", "user", "assistant", "tool", "function"}))
            throw invalid_request(
                "Invalid '" + where + ".role': expected one of system, developer, user, assistant, tool.",
                where + ".role");
        const json_t* content = json_object_get(m, "content");
        // Only an assistant turn (carrying tool_calls) may leave content out.
        if (!content && std::strcmp(json_string_value(role), "assistant") != 0)
            throw invalid_request("Missing required parameter: '" + where + ".content'.", where + ".content");
        check_content(content, where + ".content");
    }
}

void check_stop(const json_t* body) {
    const json_t* stop = json_object_get(body, "stop");
    if (!stop || json_is_null(stop) || json_is_string(stop)) return;
    if (!json_is_array(stop) || json_array_size(stop) > 4)
        throw invalid_request("Invalid 'stop': expected a string or an array of up to 4 strings.", "stop");
    size_t i;
    json_t* s;
    json_array_foreach(stop, i, s) if (!json_is_string(s)) throw invalid_request(
        "Invalid 'stop': expected a string or an array of up to 4 strings.", "stop");
}

}  // namespace

JsonPtr parse_chat_body(const http::Request& req) {
    if (req.body_too_large) throw http::openai_error(413, "Request body is too large.", "invalid_request_error");
    JsonPtr body;
    try {
        body = http::parse_body(req);
    } catch (const http::HttpError& e) {
        JsonPtr detail(json_loads(e.body().c_str(), 0, nullptr));
        const json_t* d = json_object_get(detail.get(), "detail");
        throw http::openai_error(e.status(), json_is_string(d) ? json_string_value(d) : "Invalid request body.",
                                 "invalid_request_error");
    }
    if (!json_is_object(body.get())) throw invalid_request("The request body must be a JSON object.");
    return body;
}

void validate_chat_request(const json_t* body) {
    const json_t* model = json_object_get(body, "model");
    if (!model) throw invalid_request("Missing required parameter: 'model'.", "model");
    if (!json_is_string(model) || json_string_length(model) == 0)
        throw invalid_request("Invalid 'model': expected a non-empty string.", "model");
    check_messages(json_object_get(body, "messages"));
    check_number(body, "temperature", 0, 2);
    check_number(body, "top_p", 0, 1);
    check_number(body, "presence_penalty", -2, 2);
    check_number(body, "frequency_penalty", -2, 2);
    check_integer(body, "n", 1, 128);
    check_integer(body, "max_tokens", 1, 100000000);
    check_integer(body, "max_completion_tokens", 1, 100000000);
    check_integer(body, "seed", INT64_MIN, INT64_MAX);
    check_type(body, "stream", JSON_TRUE, "a boolean");
    check_type(body, "stream_options", JSON_OBJECT, "an object");
    check_type(body, "response_format", JSON_OBJECT, "an object");
    check_type(body, "user", JSON_STRING, "a string");
    check_stop(body);
}

}  // namespace llmapi::relay
