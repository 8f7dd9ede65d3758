// Every setting the service reads, declared once: section, key, type, range,
// default and a line of help (STYLE.md point 17). The loader (config.cpp)
// stores defaults and values through it, describe() prints it, and a unit
// test holds conf/app.ini to it.
#pragma once
#include <string>
#include <variant>
#include <vector>

namespace llmapi::config {

struct Config;

enum class Type { String, Integer, Boolean };

// The Config member a setting's value goes to.
using Field = std::variant<std::string*, int*, long*, bool*>;

// The section whose keys every [provider.NAME] section takes.
inline constexpr char kProviderTemplate[] = "provider.*";

struct Setting {
    const char* section;  // kProviderTemplate for the keys of every provider
    const char* key;
    Type type;
    long min, max;              // Integer: the accepted range
    const char* default_value;  // as app.ini writes it; parsed like a value from the file
    const char* help;
    // The member in `c`; a provider.* key's is in the provider being read,
    // which the loader appends to c.providers.providers first.
    Field (*field)(Config& c);
};

// Every setting, in the order conf/app.ini documents them.
const std::vector<Setting>& settings();

// The declared section a [section] follows: kProviderTemplate for
// "provider.NAME", the name itself otherwise.
std::string declared_section(const std::string& section);
bool is_declared_section(const std::string& declared);
const Setting* find_setting(const std::string& declared, const std::string& key);

// The declaration as INI text: every key with its default, the help (and an
// integer's range) as comments, the provider.* keys as a commented section.
std::string describe();

}  // namespace llmapi::config
