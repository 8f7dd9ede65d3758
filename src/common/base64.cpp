#include "common/base64.h"

#include <cstdint>
#include <cstring>

namespace llmapi {

namespace {
constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlSafe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}  // namespace

std::string base64_encode(std::string_view bytes, Base64 alphabet, bool pad) {
    const char* a = alphabet == Base64::Standard ? kStandard : kUrlSafe;
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += a[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0) out += a[(acc << (6 - bits)) & 0x3f];
    while (pad && out.size() % 4 != 0) out += '=';
    return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
    if (text.size() % 4 == 1) return false;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const char* p = c ? std::strchr(kUrlSafe, c) : nullptr;
        if (!p) return false;
        acc = ((acc << 6) | static_cast<uint32_t>(p - kUrlSafe)) & 0xfff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return true;
}

}  // namespace llmapi
