#include "http/fields.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "http/errors.h"

namespace llmapi::http {

void FieldErrors::add(const std::string& field, const std::string& message) {
    for (auto& [f, msgs] : errors_)
        if (f == field) {
            msgs.push_back(message);
            return;
        }
    errors_.push_back({field, {message}});
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

namespace {

// Python's str(float): the shortest text that reads back as the same double,
// in exponent form only below 1e-4 or from 1e16, and always with a '.' or 'e'.
std::string python_float_str(double d) {
    char buf[64];
    int p = 1;
    for (; p < 17; ++p) {
        std::snprintf(buf, sizeof buf, "%.*e", p - 1, d);
        if (std::strtod(buf, nullptr) == d) break;
    }
    std::snprintf(buf, sizeof buf, "%.*e", p - 1, d);
    const int exp = std::atoi(std::strchr(buf, 'e') + 1);
    if (exp < -4 || exp >= 16) {
        std::string s = buf;  // "1.5e+16": Python writes at least two exponent digits too
        return s;
    }
    std::snprintf(buf, sizeof buf, "%.*f", std::max(0, p - 1 - exp), d);
    std::string s = buf;
    if (s.find('.') == std::string::npos) s += ".0";
    return s;
}

// Python's str.strip() whitespace, beyond ASCII: NEL, NBSP, the Zs spaces,
// line/paragraph separators. Returns the byte length of the space at s[i], or 0.
size_t space_at(const std::string& s, size_t i) {
    const auto c = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
    const unsigned char a = c(i);
    if (a == ' ' || (a >= 0x09 && a <= 0x0d) || (a >= 0x1c && a <= 0x1f)) return 1;
    if (a == 0xC2 && (c(i + 1) == 0x85 || c(i + 1) == 0xA0)) return 2;
    if (a == 0xE1 && c(i + 1) == 0x9A && c(i + 2) == 0x80) return 3;  // U+1680
    if (a == 0xE2 && c(i + 1) == 0x80 && (c(i + 2) <= 0x8A || c(i + 2) == 0xA8 || c(i + 2) == 0xA9 || c(i + 2) == 0xAF))
        return 3;                                                     // U+2000..200A, U+2028, U+2029, U+202F
    if (a == 0xE2 && c(i + 1) == 0x81 && c(i + 2) == 0x9F) return 3;  // U+205F
    if (a == 0xE3 && c(i + 1) == 0x80 && c(i + 2) == 0x80) return 3;  // U+3000
    return 0;
}

std::string python_strip(const std::string& s) {
    size_t b = 0;
    while (size_t n = space_at(s, b)) b += n;
    size_t e = s.size();
    while (e > b) {
        size_t start = e - 1;  // back up to the start of the last UTF-8 sequence
        while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
        if (space_at(s, start) != e - start) break;
        e = start;
    }
    return s.substr(b, e - b);
}

}  // namespace

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
        s = python_float_str(json_real_value(v));
    } else {
        errors.add(name, "Not a valid string.");
        return std::nullopt;
    }
    if (rules.trim) s = python_strip(s);
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
