// Password hashing that is interchangeable with Django's auth hashers, so
// users created by a Django admin (or migrated from one) can log in here and
// vice versa.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <exception>

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
// logins waits here instead of exhausting memory, but for `wait` at most,
// and at most kQueuePerSlot requests per hashing slot wait for it: beyond
// either the gate answers "busy" (nullopt) and the
// request gets a 503, so a flood of logins holds a few request threads
// briefly, never all of them.
class PasswordHasher {
public:
    static constexpr int kQueuePerSlot = 5;

    explicit PasswordHasher(int max_concurrent, std::chrono::milliseconds wait = std::chrono::milliseconds(1000),
                            Argon2Params params = {})
        : gate_(max_concurrent), max_queued_(kQueuePerSlot * max_concurrent), wait_(wait), params_(params) {}

    std::optional<std::string> hash(const std::string& password) {
        if (!enter()) return std::nullopt;
        SemaphoreGuard g(gate_, SemaphoreGuard::Adopt{});
        return at_lowest_priority([&] { return hash_password(password, params_); });
    }
    std::optional<bool> verify(const std::string& password, const std::string& encoded) {
        if (!enter()) return std::nullopt;
        SemaphoreGuard g(gate_, SemaphoreGuard::Adopt{});
        return at_lowest_priority([&] { return verify_password(password, encoded); });
    }
    // For unknown users: costs the same as verifying against a hash of this
    // hasher's cost, so login timing does not reveal whether the username
    // exists (Django does the same). False when the gate was busy. Never throws.
    bool burn_time(const std::string& password);

    // Nice value of the threads that hash: the lowest CPU share there is, so
    // a login flood's admitted hashes take what chats leave (CFS weight 15
    // against 335 for the main lane's nice 5) instead of a third of the CPU.
    static constexpr int kHashNice = 19;

    // Runs f on a thread of its own at kHashNice and waits for it. A thread
    // per hash (tens of µs) against the hash's ~100 ms: nothing to manage,
    // nothing left running at fork or shutdown. The nice cannot be set on
    // the caller itself: an unprivileged thread cannot lower it back.
    // Exceptions from f are rethrown here.
    template <class F>
    static auto at_lowest_priority(F f) -> decltype(f()) {
        std::optional<decltype(f())> result;
        std::exception_ptr error;
        std::thread t([&] {
            lower_this_thread_priority(kHashNice);
            try {
                result.emplace(f());
            } catch (...) {
                error = std::current_exception();
            }
        });
        t.join();
        if (error) std::rethrow_exception(error);
        return std::move(*result);
    }

private:
    static void lower_this_thread_priority(int nice);

    // Takes a hashing slot (to be released by a SemaphoreGuard), or false.
    bool enter() {
        if (queued_.fetch_add(1) >= max_queued_) {
            queued_.fetch_sub(1);
            return false;
        }
        const bool in = gate_.try_acquire_for(wait_);
        queued_.fetch_sub(1);
        return in;
    }

    Semaphore gate_;
    const int max_queued_;
    std::atomic<int> queued_{0};  // in enter(): waiting for a slot
    const std::chrono::milliseconds wait_;
    const Argon2Params params_;
    std::once_flag dummy_made_;
    std::string dummy_;  // made on first use (one extra hash, once)
};

}  // namespace llmapi::auth
