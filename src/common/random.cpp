#include "common/random.h"

#include <sys/random.h>

#include <cerrno>
#include <stdexcept>

namespace llmapi {

void random_bytes(void* buf, size_t n) {
    auto* p = static_cast<unsigned char*>(buf);
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("getrandom failed");
        }
        p += got;
        n -= static_cast<size_t>(got);
    }
}

std::string uuid4_hex() {
    unsigned char b[16];
    random_bytes(b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;  // version 4
    b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
    static const char hex[] = "0123456789abcdef";
    std::string out(32, '0');
    for (int i = 0; i < 16; ++i) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    return out;
}

std::string random_alnum(size_t n) {
    static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string out;
    out.reserve(n);
    while (out.size() < n) {
        unsigned char b[64];
        random_bytes(b, sizeof b);
        for (unsigned char c : b)
            if (c < 248 && out.size() < n) out += chars[c % 62];  // 248 = 4*62: no modulo bias
    }
    return out;
}

}  // namespace llmapi
