#include "auth/password.h"

#include "common/base64.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace llmapi::auth {
namespace {

// DoS limits. Stored hashes come from our own database, but a corrupted or
// maliciously edited row must not make one login attempt pin a CPU for
// minutes or allocate gigabytes. Each limit is far above what Django or
// argon2-cffi produce (Django 5.2: 1,000,000 PBKDF2 iterations; argon2
// t=2, m=100 MiB, p=8) so legitimate hashes from newer versions still verify.
constexpr size_t kMaxEncodedLen = 512;  // real hashes are < 150 chars
constexpr uint32_t kMaxPbkdf2Iterations = 10'000'000;
constexpr uint32_t kMaxArgon2MemoryKib = 1u << 20;  // 1 GiB
constexpr uint32_t kMaxArgon2Time = 32;
constexpr uint64_t kMaxArgon2Work = 1u << 22;  // t * m: 4 GiB of memory passes, ~20x default
constexpr uint32_t kMaxArgon2Parallelism = 64;
constexpr size_t kMaxArgon2SaltLen = 64;
constexpr size_t kMaxArgon2HashLen = 64;

constexpr size_t kPbkdf2KeyLen = 32;  // Django: dklen = digest size of SHA-256
constexpr size_t kArgon2HashLen = 32;
constexpr size_t kSaltChars = 22;  // Django: ceil(128 bits / log2(62))

// Wipes derived keys on every exit path; a digest of a wrong guess is still
// derived from the password, so don't leave it in freed heap memory.
struct SecretBytes {
    std::vector<unsigned char> bytes;
    explicit SecretBytes(size_t n) : bytes(n) {}
    ~SecretBytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
};

std::string b64_encode(const unsigned char* data, size_t len, bool pad) {
    return base64_encode(std::string_view(reinterpret_cast<const char*>(data), len), Base64::Standard, pad);
}

// Strict unpadded decoding, as libargon2 (hence argon2-cffi) does it: rejects
// '=', foreign characters, impossible lengths and non-zero leftover bits, so
// each hash has exactly one accepted spelling.
bool b64_decode_unpadded(std::string_view s, std::vector<unsigned char>& out) {
    out.clear();
    uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+') v = 62;
        else if (c == '/') v = 63;
        else return false;
        acc = ((acc << 6) | static_cast<uint32_t>(v)) & 0xfff;  // at most 12 live bits
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<unsigned char>(acc >> bits));
        }
    }
    return bits <= 4 && (acc & ((1u << bits) - 1)) == 0;
}

// ASCII decimal only: no sign, spaces or leading zeros (Python's int() would
// take " +05"; libargon2 would not, and we never need to).
bool parse_u32(std::string_view s, uint64_t max, uint32_t& out) {
    if (s.empty() || s.size() > 10 || (s[0] == '0' && s.size() > 1)) return false;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (v > max) return false;
    out = static_cast<uint32_t>(v);
    return true;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    for (size_t start = 0;;) {
        size_t pos = s.find(sep, start);
        parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
        if (pos == std::string_view::npos) return parts;
        start = pos + 1;
    }
}

bool strip_prefix(std::string_view& s, std::string_view prefix) {
    if (s.substr(0, prefix.size()) != prefix) return false;
    s.remove_prefix(prefix.size());
    return true;
}

bool argon2_params_ok(uint32_t t, uint32_t m, uint32_t p) {
    return t >= 1 && t <= kMaxArgon2Time && m <= kMaxArgon2MemoryKib && p >= 1 && p <= kMaxArgon2Parallelism &&
           m >= 8 * p &&  // libargon2: 8 KiB per lane
           uint64_t{t} * m <= kMaxArgon2Work;
}

// rest: "argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>" ("v=..." optional:
// libargon2 reads a missing version as 0x10, the pre-1.3 format).
bool verify_argon2(const std::string& password, std::string_view rest) {
    std::vector<std::string_view> f = split(rest, '$');
    if (f.size() != 4 && f.size() != 5) return false;

    argon2_type type;
    if (f[0] == "argon2id") type = Argon2_id;
    else if (f[0] == "argon2i") type = Argon2_i;
    else if (f[0] == "argon2d") type = Argon2_d;
    else return false;

    uint32_t version = ARGON2_VERSION_10;
    size_t i = 1;
    if (f.size() == 5) {
        std::string_view v = f[i++];
        if (!strip_prefix(v, "v=") || !parse_u32(v, UINT32_MAX, version) ||
            (version != ARGON2_VERSION_10 && version != ARGON2_VERSION_13))
            return false;
    }

    // Exactly "m=..,t=..,p=.." in this order, as libargon2 requires.
    std::vector<std::string_view> kv = split(f[i++], ',');
    uint32_t m = 0, t = 0, p = 0;
    if (kv.size() != 3 || !strip_prefix(kv[0], "m=") || !strip_prefix(kv[1], "t=") || !strip_prefix(kv[2], "p=") ||
        !parse_u32(kv[0], UINT32_MAX, m) || !parse_u32(kv[1], UINT32_MAX, t) || !parse_u32(kv[2], UINT32_MAX, p) ||
        !argon2_params_ok(t, m, p))
        return false;

    std::vector<unsigned char> salt, expected;
    if (!b64_decode_unpadded(f[i++], salt) || !b64_decode_unpadded(f[i], expected) ||
        salt.size() < ARGON2_MIN_SALT_LENGTH || salt.size() > kMaxArgon2SaltLen ||
        expected.size() < ARGON2_MIN_OUTLEN || expected.size() > kMaxArgon2HashLen ||
        password.size() > ARGON2_MAX_PWD_LENGTH)
        return false;

    SecretBytes actual(expected.size());
    if (argon2_hash(t, m, p, password.data(), password.size(), salt.data(), salt.size(), actual.bytes.data(),
                    actual.bytes.size(), nullptr, 0, type, version) != ARGON2_OK)
        return false;
    return CRYPTO_memcmp(actual.bytes.data(), expected.data(), expected.size()) == 0;
}

// rest: "<iterations>$<salt>$<base64 hash>". Like Django, we re-encode the
// derived key and compare the encodings, so the stored hash needs no parsing.
bool verify_pbkdf2_sha256(const std::string& password, std::string_view rest) {
    std::vector<std::string_view> f = split(rest, '$');
    uint32_t iterations = 0;
    // Django asserts a non-empty salt without '$'; the hash is padded base64.
    if (f.size() != 3 || !parse_u32(f[0], kMaxPbkdf2Iterations, iterations) || iterations == 0 || f[1].empty() ||
        password.size() > INT_MAX)
        return false;

    SecretBytes key(kPbkdf2KeyLen);
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(f[1].data()), static_cast<int>(f[1].size()),
                          static_cast<int>(iterations), EVP_sha256(), static_cast<int>(key.bytes.size()),
                          key.bytes.data()) != 1)
        return false;
    std::string actual = b64_encode(key.bytes.data(), key.bytes.size(), true);
    bool ok = actual.size() == f[2].size() && CRYPTO_memcmp(actual.data(), f[2].data(), actual.size()) == 0;
    OPENSSL_cleanse(actual.data(), actual.size());
    return ok;
}

// Django's get_random_string alphabet. Rejection sampling (drop bytes >= 248
// = 4 * 62) keeps every character equally likely.
std::string random_salt() {
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    constexpr unsigned kN = sizeof(kChars) - 1;
    std::string salt;
    while (salt.size() < kSaltChars) {
        unsigned char buf[32];
        if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("RAND_bytes failed");
        for (unsigned char b : buf)
            if (b < 256 / kN * kN && salt.size() < kSaltChars) salt += kChars[b % kN];
    }
    return salt;
}

}  // namespace

std::string hash_password(const std::string& password, const Argon2Params& params) {
    const uint32_t t = params.time_cost, m = params.memory_kib, p = params.parallelism;
    // Never write a hash that verify_password would refuse to check.
    if (!argon2_params_ok(t, m, p)) throw std::invalid_argument("hash_password: argon2 parameters out of range");

    // Like Django, the salt's ASCII text (not raw random bytes) is the argon2 salt.
    const std::string salt = random_salt();
    SecretBytes hash(kArgon2HashLen);
    int rc = argon2id_hash_raw(t, m, p, password.data(), password.size(), salt.data(), salt.size(), hash.bytes.data(),
                               hash.bytes.size());
    if (rc != ARGON2_OK) throw std::runtime_error(argon2_error_message(rc));

    return "argon2$argon2id$v=" + std::to_string(ARGON2_VERSION_13) + "$m=" + std::to_string(m) +
           ",t=" + std::to_string(t) + ",p=" + std::to_string(p) + "$" +
           b64_encode(reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), false) + "$" +
           b64_encode(hash.bytes.data(), hash.bytes.size(), false);
}

bool verify_password(const std::string& password, const std::string& encoded) {
    try {  // only std::bad_alloc could get here; a login must fail, not crash
        std::string_view rest = encoded;
        if (rest.size() > kMaxEncodedLen) return false;
        if (strip_prefix(rest, "argon2$")) return verify_argon2(password, rest);
        if (strip_prefix(rest, "pbkdf2_sha256$")) return verify_pbkdf2_sha256(password, rest);
        return false;
    } catch (...) {
        return false;
    }
}

bool PasswordHasher::burn_time(const std::string& password) {
    if (!enter()) return false;
    SemaphoreGuard g(gate_, SemaphoreGuard::Adopt{});
    try {
        at_lowest_priority([&] {
            // If hashing fails, call_once lets the next call try again.
            std::call_once(dummy_made_, [this] { dummy_ = hash_password("llmapi dummy password for timing", params_); });
            return verify_password(password, dummy_);
        });
    } catch (...) {
        // Nothing to report: the caller rejects the login either way.
    }
    return true;
}

void PasswordHasher::lower_this_thread_priority(int nice) {
    // Per thread on Linux; argon2's lane threads inherit it. Failure only
    // costs the isolation, not the hash.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), nice);
}

}  // namespace llmapi::auth
