#include "db/blacklist.h"

namespace llmapi::db {

namespace {
constexpr const char* kSelectJti = "SELECT 1 FROM token_blacklist WHERE jti = ?";
constexpr const char* kInsertJti =
    "INSERT IGNORE INTO token_blacklist (jti, user_id, expires_at, blacklisted_at) "
    "VALUES (?, ?, FROM_UNIXTIME(?), UTC_TIMESTAMP(6))";
}  // namespace

bool is_blacklisted(Pool& pool, const std::string& jti) {
    return pool.run([&](Connection& c) {
        auto& ps = c.prepare(kSelectJti);
        ps.setString(1, jti);
        ResultPtr rs(ps.executeQuery());
        return rs->next();
    });
}

bool blacklist_token(Pool& pool, const std::string& jti, int64_t user_id, long expires_at_unix) {
    return pool.run([&](Connection& c) {
        auto& ps = c.prepare(kInsertJti);
        ps.setString(1, jti);
        ps.setInt64(2, user_id);
        ps.setInt64(3, expires_at_unix);
        return ps.executeUpdate() == 1;
    });
}

}  // namespace llmapi::db
