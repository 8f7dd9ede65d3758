#include "http/fields.h"

#include <cstdio>

#include "http/errors.h"

namespace llmapi::http {

void FieldErrors::add(const std::string& field, const std::string& message) {
    for (auto& [f, msgs] : errors_)
        if (f == field) { msgs.push_back(message); return; }
    errors_.push_back({field, {message}});
}

bool FieldErrors::has(const std::string& field) const {
    for (const auto& e : errors_)
        if (e.first == field) return true;
    return false;
}

void FieldErrors::throw_if_any() const {
    if (errors_.empty()) return;
    JsonPtr body(json_object());
    for (const auto& [field, msgs] : errors_) {
        json_t* list = json_array();
        for (const auto& m : msgs) json_array_append_new(list, json_stringn(m.data(), m.size()));
        json_object_set_new(body.get(), field.c_str(), list);
    }
    throw HttpError(400, std::move(body));
}

size_t utf8_length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::optional<std::string> char_field(const json_t* data, const char* name, FieldErrors& errors,
                                      const CharFieldRules& rules) {
    const json_t* v = json_object_get(data, name);
    if (!v) {
        if (rules.required) errors.add(name, "This field is required.");
        return std::nullopt;
    }
    std::string s;
    if (json_is_null(v)) {
        errors.add(name, "This field may not be null.");
        return std::nullopt;
    } else if (json_is_string(v)) {
        s.assign(json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        s = std::to_string(json_integer_value(v));
    } else if (json_is_real(v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
        s = buf;
    } else {
        errors.add(name, "Not a valid string.");
        return std::nullopt;
    }
    if (rules.trim) {
        const size_t b = s.find_first_not_of(" \t\r\n\v\f");
        s = b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t\r\n\v\f") - b + 1);
    }
    if (s.empty()) {
        if (!rules.allow_blank) {
            errors.add(name, "This field may not be blank.");
            return std::nullopt;
        }
        return s;
    }
    if (rules.max_length && utf8_length(s) > rules.max_length) {
        errors.add(name, "Ensure this field has no more than " + std::to_string(rules.max_length) + " characters.");
        return std::nullopt;
    }
    return s;
}

}  // namespace llmapi::http
