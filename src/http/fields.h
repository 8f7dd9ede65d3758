// Serializer-style field validation with DRF's messages, collected per field.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"

namespace llmapi::http {

class FieldErrors {
public:
    void add(const std::string& field, const std::string& message);
    bool empty() const { return errors_.empty(); }
    // Throws HttpError 400 {"field":["message", ...], ...} when any error was added.
    void throw_if_any() const;

private:
    std::vector<std::pair<std::string, std::vector<std::string>>> errors_;
};

struct CharFieldRules {
    bool required = true;
    bool allow_blank = false;
    bool trim = true;       // DRF's trim_whitespace
    size_t max_length = 0;  // in characters (code points); 0 = none
};

// DRF CharField: strings, and numbers converted to text; anything else is
// "Not a valid string.". Returns nullopt when absent or invalid (error recorded
// unless the field is optional and absent).
std::optional<std::string> char_field(const json_t* data, const char* name, FieldErrors& errors,
                                      const CharFieldRules& rules = {});

// Number of UTF-8 code points (the text is valid UTF-8: jansson checked it).
size_t utf8_length(const std::string& s);

}  // namespace llmapi::http
