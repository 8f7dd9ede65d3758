// Password hashing that is interchangeable with Django's auth hashers, so
// users created by a Django admin (or migrated from one) can log in here and
// vice versa.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>

#include "common/semaphore.h"

namespace llmapi::auth {

struct Argon2Params {  // Django 4/5 Argon2PasswordHasher defaults
    uint32_t time_cost = 2;
    uint32_t memory_kib = 102400;
    uint32_t parallelism = 8;
};

// Hashes a new password into Django's Argon2PasswordHasher encoded form
// "argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>" (unpadded standard
// base64, 22-char alphanumeric salt from the OpenSSL CSPRNG, 32-byte hash).
// Throws std::invalid_argument for params verify_password would refuse, and
// std::runtime_error if the RNG or libargon2 fails.
std::string hash_password(const std::string& password, const Argon2Params& params = {});

// Checks a password against a stored Django hash: "argon2$argon2id|argon2i|
// argon2d$..." (parameters taken from the string) or
// "pbkdf2_sha256$<iterations>$<salt>$<base64 hash>". Returns false, never
// throws, for a mismatch, an unknown or malformed format, or parameters above
// the DoS limits documented in password.cpp. Digests compared in constant time.
bool verify_password(const std::string& password, const std::string& encoded);

// The hashing a worker does for logins and signups, behind its own gate:
// argon2 at Django's cost takes ~100 MiB and both cores, so a burst of
// logins waits here instead of exhausting memory.
class PasswordHasher {
public:
    explicit PasswordHasher(int max_concurrent, Argon2Params params = {}) : gate_(max_concurrent), params_(params) {}

    std::string hash(const std::string& password) {
        SemaphoreGuard g(gate_);
        return hash_password(password, params_);
    }
    bool verify(const std::string& password, const std::string& encoded) {
        SemaphoreGuard g(gate_);
        return verify_password(password, encoded);
    }
    // For unknown users: costs the same as verifying against a hash of this
    // hasher's cost, so login timing does not reveal whether the username
    // exists (Django does the same). Never throws.
    void burn_time(const std::string& password);

private:
    Semaphore gate_;
    const Argon2Params params_;
    std::once_flag dummy_made_;
    std::string dummy_;  // made on first use (one extra hash, once)
};

}  // namespace llmapi::auth
