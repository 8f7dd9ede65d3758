// Bytes as lowercase hexadecimal (digests for SQL's UNHEX(), tests).
#pragma once
#include <string>

namespace llmapi {

inline std::string to_hex(const std::string& raw) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (unsigned char c : raw) {
        out += kDigits[c >> 4];
        out += kDigits[c & 15];
    }
    return out;
}

}  // namespace llmapi
