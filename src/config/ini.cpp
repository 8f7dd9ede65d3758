#include "config/ini.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace llmapi::config {

namespace {

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

// "value   ; comment" -> "value". A ';' or '#' starts a comment only after
// whitespace, so secrets and URLs containing them survive (e.g. "a#b").
std::string strip_inline_comment(const std::string& v) {
    for (size_t i = 0; i < v.size(); ++i) {
        if ((v[i] == ';' || v[i] == '#') && (i == 0 || std::isspace(static_cast<unsigned char>(v[i - 1]))))
            return v.substr(0, i);
    }
    return v;
}

std::string env_name_of(const std::string& section) {
    std::string n = "LLMAPI_";
    for (char c : section) n += (c == '.' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    n += '_';
    return n;
}

}  // namespace

const std::string* IniSection::find(const std::string& key) const {
    for (const auto& e : entries)
        if (e.key == key) return &e.value;
    return nullptr;
}

void IniSection::set(IniEntry entry) {
    for (auto& e : entries)
        if (e.key == entry.key) { e = std::move(entry); return; }
    entries.push_back(std::move(entry));
}

const IniSection* Ini::section(const std::string& name) const {
    for (const auto& s : sections)
        if (s.name == name) return &s;
    return nullptr;
}

IniSection& Ini::section_or_add(const std::string& name, int line) {
    for (auto& s : sections)
        if (s.name == name) return s;
    sections.push_back(IniSection{name, line, {}});
    return sections.back();
}

std::optional<IniError> parse_ini(const std::string& text, Ini& out) {
    IniSection* current = nullptr;
    size_t pos = 0;
    int lineno = 0;
    while (pos <= text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        std::string line = trim(text.substr(pos, nl - pos));
        pos = nl + 1;
        ++lineno;
        if (line.empty() || line[0] == ';' || line[0] == '#') continue;
        if (line[0] == '[') {
            size_t close = line.find(']');
            if (close == std::string::npos || trim(strip_inline_comment(line.substr(close + 1))) != "")
                return IniError{lineno, "malformed section header"};
            std::string name = trim(line.substr(1, close - 1));
            if (name.empty()) return IniError{lineno, "empty section name"};
            current = &out.section_or_add(name, lineno);
            continue;
        }
        size_t eq = line.find('=');
        if (eq == std::string::npos) return IniError{lineno, "expected 'key = value'"};
        if (!current) return IniError{lineno, "key outside of any [section]"};
        std::string key = trim(line.substr(0, eq));
        if (key.empty()) return IniError{lineno, "empty key"};
        current->set(IniEntry{key, trim(strip_inline_comment(line.substr(eq + 1))), lineno, ""});
    }
    return std::nullopt;
}

void apply_env_overrides(Ini& ini, const char* const* env) {
    if (!env) return;
    for (auto& section : ini.sections) {
        const std::string prefix = env_name_of(section.name);
        for (const char* const* e = env; *e; ++e) {
            const char* entry = *e;
            if (std::strncmp(entry, prefix.c_str(), prefix.size()) != 0) continue;
            const char* eq = std::strchr(entry, '=');
            if (!eq || eq <= entry + prefix.size()) continue;
            std::string key(entry + prefix.size(), eq);
            // A longer section name may share this prefix ([provider] vs [provider.openai]):
            // skip names that belong to another existing section.
            bool other = false;
            for (const auto& s2 : ini.sections) {
                std::string p2 = env_name_of(s2.name);
                if (p2.size() > prefix.size() && std::strncmp(entry, p2.c_str(), p2.size()) == 0) other = true;
            }
            if (other) continue;
            std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
            section.set(IniEntry{key, eq + 1, 0, std::string(entry, eq)});
        }
    }
}

}  // namespace llmapi::config
