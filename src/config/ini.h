// A small INI reader: [section], key = value, ';' or '#' comments (whole line,
// or after whitespace on a value line). Keys and sections keep their order and
// where they were set (a line, or an environment variable), for messages.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace llmapi::config {

struct IniEntry {
    std::string key;
    std::string value;
    int line = 0;          // where the text set it; 0 when an environment variable did
    std::string variable;  // the LLMAPI_* variable that set it, if one did
};

struct IniSection {
    std::string name;
    int line = 0;  // its first header in the text; 0 when added by the program
    std::vector<IniEntry> entries;
    const std::string* find(const std::string& key) const;
    // Sets `key`; a later setting (the environment's, a repeated key) replaces the value and its origin.
    void set(IniEntry entry);
};

struct Ini {
    std::vector<IniSection> sections;
    const IniSection* section(const std::string& name) const;
    IniSection& section_or_add(const std::string& name, int line = 0);
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
