#include "db/user_admin.h"

#include <cppconn/datatype.h>

namespace llmapi::db {

namespace {

constexpr const char* kSetActive = "UPDATE users SET is_active = ? WHERE id = ?";
constexpr const char* kSetRequestsPerMinute = "UPDATE users SET requests_per_minute = ? WHERE id = ?";
constexpr const char* kSetTokensPerDay = "UPDATE users SET tokens_per_day = ? WHERE id = ?";
constexpr const char* kSetMaxConcurrent = "UPDATE users SET max_concurrent_requests = ? WHERE id = ?";
constexpr const char* kInsertImported =
    "INSERT INTO users (username, email, password, is_active, date_joined, last_login) VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdateImported = "UPDATE users SET email = ?, password = ?, is_active = ? WHERE username = ?";

constexpr int kDuplicateEntry = 1062;

void set_limit(Pool& pool, const char* query, int64_t id, long value) {
    pool.run([&](Connection& c) {
        auto& ps = c.prepare(query);
        if (value < 0) ps.setNull(1, sql::DataType::BIGINT);
        else ps.setInt64(1, value);
        ps.setInt64(2, id);
        ps.executeUpdate();
    });
}

}  // namespace

void set_user_active(Pool& pool, int64_t id, bool active) {
    pool.run([&](Connection& c) {
        auto& ps = c.prepare(kSetActive);
        ps.setBoolean(1, active);
        ps.setInt64(2, id);
        ps.executeUpdate();
    });
}

void set_user_requests_per_minute(Pool& pool, int64_t id, long limit) {
    set_limit(pool, kSetRequestsPerMinute, id, limit);
}

void set_user_tokens_per_day(Pool& pool, int64_t id, long quota) { set_limit(pool, kSetTokensPerDay, id, quota); }

void set_user_max_concurrent(Pool& pool, int64_t id, long limit) { set_limit(pool, kSetMaxConcurrent, id, limit); }

ImportResult upsert_imported_user(Pool& pool, const ImportedUser& u) {
    return pool.run([&](Connection& c) {
        auto& ins = c.prepare(kInsertImported);
        ins.setString(1, u.username);
        ins.setString(2, u.email);
        ins.setString(3, u.password);
        ins.setBoolean(4, u.is_active);
        ins.setString(5, u.date_joined);
        if (u.last_login) ins.setString(6, *u.last_login);
        else ins.setNull(6, sql::DataType::TIMESTAMP);
        try {
            ins.executeUpdate();
            return ImportResult::Inserted;
        } catch (const sql::SQLException& e) {
            // The unique key decides (not a prior SELECT), so a concurrent
            // signup of the same name can't make a duplicate.
            if (e.getErrorCode() != kDuplicateEntry) throw;
        }
        auto& upd = c.prepare(kUpdateImported);
        upd.setString(1, u.email);
        upd.setString(2, u.password);
        upd.setBoolean(3, u.is_active);
        upd.setString(4, u.username);
        upd.executeUpdate();
        return ImportResult::Updated;
    });
}

}  // namespace llmapi::db
