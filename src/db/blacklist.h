// Blacklisted refresh tokens, by jti.
#pragma once
#include <cstdint>
#include <string>

#include "db/pool.h"

namespace llmapi::db {

bool is_blacklisted(Pool& pool, const std::string& jti);
// Returns false when the jti was already blacklisted (by a concurrent request).
bool blacklist_token(Pool& pool, const std::string& jti, int64_t user_id, long expires_at_unix);

}  // namespace llmapi::db
