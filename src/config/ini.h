// A small INI reader: [section], key = value, ';' or '#' comments (whole line,
// or after whitespace on a value line). Keys and sections keep their order.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmapi::config {

struct IniSection {
    std::string name;
    std::vector<std::pair<std::string, std::string>> entries;
    const std::string* find(const std::string& key) const;
    void set(const std::string& key, const std::string& value);
};

struct Ini {
    std::vector<IniSection> sections;
    const IniSection* section(const std::string& name) const;
    IniSection& section_or_add(const std::string& name);
};

struct IniError {
    int line;
    std::string message;
};

// Parses text; on error returns the first problem with its line number.
std::optional<IniError> parse_ini(const std::string& text, Ini& out);

// Applies LLMAPI_<SECTION>_<KEY> overrides from an environment block
// (entries "NAME=value"), only for sections that exist in `ini`.
void apply_env_overrides(Ini& ini, const char* const* environ_block);

}  // namespace llmapi::config
