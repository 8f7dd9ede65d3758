#include "auth/validators.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace llmapi::auth {

namespace {

// Decodes valid UTF-8 (jansson has already rejected invalid input); returns
// false on a malformed sequence anyway.
bool decode_utf8(const std::string& s, std::vector<uint32_t>& out) {
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        uint32_t cp = len == 1 ? c : c & (0x7F >> len);
        for (int k = 1; k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        out.push_back(cp);
        i += len;
    }
    return true;
}

struct CodeRange {
    uint32_t first, last;
};
// Python's \w beyond ASCII (str.isalnum()); glibc's iswalnum differs from it
// (superscripts, vulgar fractions, combining vowel signs), so we carry the table.
constexpr CodeRange kWordRanges[] = {
#include "auth/unicode_word.inc"
};

bool is_word_char(uint32_t cp) {
    if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
    const auto* end = std::end(kWordRanges);
    const auto* it =
        std::upper_bound(std::begin(kWordRanges), end, cp, [](uint32_t v, const CodeRange& r) { return v < r.first; });
    return it != std::begin(kWordRanges) && cp <= (it - 1)->last;
}

bool is_atext(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("!#$%&'*+/=?^_`{}|~-", c) != nullptr;
}

bool valid_local_part(const std::string& s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') return false;
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return true;  // quoted-string, loosely
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '.') {
            if (s[i + 1] == '.') return false;
        } else if (!is_atext(s[i])) {
            return false;
        }
    }
    return true;
}

bool valid_label(const std::string& l, bool tld) {
    if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
    for (unsigned char c : l)
        if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    return !tld || l.size() >= 2;
}

bool valid_domain(const std::string& d) {
    if (d == "localhost") return true;                                     // Django's allowlist
    if (d.size() > 2 && d.front() == '[' && d.back() == ']') return true;  // literal address, loosely
    std::vector<std::string> labels;
    size_t pos = 0;
    for (;;) {
        size_t dot = d.find('.', pos);
        labels.push_back(d.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
        if (dot == std::string::npos) break;
        pos = dot + 1;
    }
    if (labels.size() < 2) return false;
    for (size_t i = 0; i < labels.size(); ++i)
        if (!valid_label(labels[i], i + 1 == labels.size())) return false;
    return true;
}

}  // namespace

bool valid_username(const std::string& username) {
    std::vector<uint32_t> cps;
    if (username.empty() || !decode_utf8(username, cps)) return false;
    for (uint32_t cp : cps)
        if (!(is_word_char(cp) || cp == '.' || cp == '@' || cp == '+' || cp == '-')) return false;
    return true;
}

bool valid_email(const std::string& email) {
    if (email.empty() || email.size() > 320) return false;
    const size_t at = email.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == email.size()) return false;
    return valid_local_part(email.substr(0, at)) && valid_domain(email.substr(at + 1));
}

}  // namespace llmapi::auth
