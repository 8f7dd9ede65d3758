// Cryptographically secure random bytes and ids.
#pragma once
#include <string>

namespace llmapi {

// Fills buf with n bytes from getrandom(2); throws std::runtime_error on failure.
void random_bytes(void* buf, size_t n);

// A uuid4 as 32 lowercase hex digits, like simplejwt's jti (uuid4().hex).
std::string uuid4_hex();

// n random characters from [A-Za-z0-9].
std::string random_alnum(size_t n);

}  // namespace llmapi
