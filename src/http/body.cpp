#include "http/body.h"

#include <cgicc/CgiUtils.h>
#include <strings.h>

#include <algorithm>
#include <cstring>

#include "http/errors.h"

namespace llmapi::http {

namespace {

bool media_type_is(const std::string& content_type, const char* type) {
    const size_t n = strlen(type);
    return content_type.size() >= n && strncasecmp(content_type.c_str(), type, n) == 0 &&
           (content_type.size() == n || content_type[n] == ';' || content_type[n] == ' ');
}

JsonPtr parse_json_text(const std::string& body) {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) return JsonPtr(json_object());
    json_error_t err;
    JsonPtr j(json_loadb(body.data(), body.size(), JSON_DECODE_ANY, &err));
    if (!j)
        throw detail_error(400, "JSON parse error - " + std::string(err.text) + ": line " + std::to_string(err.line) +
                                    " column " + std::to_string(err.column) + " (char " + std::to_string(err.position) +
                                    ")");
    if (json_depth(j.get(), kMaxJsonDepth + 1) > kMaxJsonDepth)
        throw detail_error(400, "JSON parse error - nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return j;
}

JsonPtr parse_form(const std::string& body) {
    JsonPtr obj(json_object());
    size_t pos = 0;
    while (pos < body.size()) {
        size_t amp = body.find('&', pos);
        if (amp == std::string::npos) amp = body.size();
        const std::string pair = body.substr(pos, amp - pos);
        pos = amp + 1;
        if (pair.empty()) continue;
        const size_t eq = pair.find('=');
        const std::string key = cgicc::form_urldecode(pair.substr(0, eq));
        const std::string value = eq == std::string::npos ? "" : cgicc::form_urldecode(pair.substr(eq + 1));
        json_t* v = json_stringn(value.data(), value.size());  // NULL on invalid UTF-8
        if (!v || !json_is_string(v)) throw detail_error(400, "Form parse error - invalid UTF-8");
        json_object_setn_new(obj.get(), key.data(), key.size(), v);
    }
    return obj;
}

const char* python_type_name(const json_t* j) {
    switch (json_typeof(j)) {
        case JSON_ARRAY: return "list";
        case JSON_STRING: return "str";
        case JSON_INTEGER: return "int";
        case JSON_REAL: return "float";
        case JSON_TRUE:
        case JSON_FALSE: return "bool";
        case JSON_NULL: return "NoneType";
        default: return "dict";
    }
}

}  // namespace

int json_depth(const json_t* j, int limit) {
    if (limit <= 0) return 0;
    int deepest = 0;
    if (json_is_object(j)) {
        const char* key;
        json_t* v;
        json_object_foreach(const_cast<json_t*>(j), key, v) deepest = std::max(deepest, json_depth(v, limit - 1));
        return deepest + 1;
    }
    if (json_is_array(j)) {
        size_t i;
        json_t* v;
        json_array_foreach(j, i, v) deepest = std::max(deepest, json_depth(v, limit - 1));
        return deepest + 1;
    }
    return 0;
}

JsonPtr parse_body(const Request& req) {
    const std::string& ct = req.content_type;
    if (ct.empty() || media_type_is(ct, "application/json")) return parse_json_text(req.body);
    if (media_type_is(ct, "application/x-www-form-urlencoded")) {
        const size_t first = req.body.find_first_not_of(" \t\r\n");
        if (first != std::string::npos && (req.body[first] == '{' || req.body[first] == '['))
            return parse_json_text(req.body);
        return parse_form(req.body);
    }
    throw detail_error(415, "Unsupported media type \"" + ct + "\" in request.");
}

void require_object(const json_t* data) {
    if (json_is_object(data)) return;
    JsonPtr errs(json_object());
    JsonPtr list(json_array());
    json_array_append_new(
        list.get(),
        json_string(
            (std::string("Invalid data. Expected a dictionary, but got ") + python_type_name(data) + ".").c_str()));
    json_object_set(errs.get(), "non_field_errors", list.get());
    throw HttpError(400, std::move(errs));
}

}  // namespace llmapi::http
