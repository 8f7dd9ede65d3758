#include "db/users.h"

#include "common/datetime.h"

namespace llmapi::db {

namespace {

constexpr const char* kInsertUser =
    "INSERT INTO users (username, email, password, is_active, date_joined) VALUES (?, ?, ?, 1, UTC_TIMESTAMP(6))";
constexpr const char* kSelectByUsername =
    "SELECT id, username, email, password, is_active, date_joined, requests_per_minute, tokens_per_day, "
    "max_concurrent_requests "
    "FROM users WHERE username = ?";
constexpr const char* kSelectById =
    "SELECT id, username, email, password, is_active, date_joined, requests_per_minute, tokens_per_day, "
    "max_concurrent_requests "
    "FROM users WHERE id = ?";
constexpr const char* kUpdatePassword = "UPDATE users SET password = ? WHERE id = ?";

constexpr int kDuplicateEntry = 1062;

std::optional<User> read_user(sql::PreparedStatement& ps) {
    ResultPtr rs(ps.executeQuery());
    if (!rs->next()) return std::nullopt;
    User u;
    u.id = rs->getInt64(1);
    u.username = rs->getString(2);
    u.email = rs->getString(3);
    u.password = rs->getString(4);
    u.is_active = rs->getBoolean(5);
    u.date_joined = drf_datetime(rs->getString(6));
    u.requests_per_minute = rs->isNull(7) ? -1 : static_cast<long>(rs->getInt64(7));
    u.tokens_per_day = rs->isNull(8) ? -1 : static_cast<long>(rs->getInt64(8));
    u.max_concurrent_requests = rs->isNull(9) ? -1 : static_cast<long>(rs->getInt64(9));
    return u;
}

}  // namespace

CreateUserResult create_user(Pool& pool, const std::string& username, const std::string& email,
                             const std::string& password_hash) {
    return pool.run([&](Connection& c) {
        auto& ps = c.prepare(kInsertUser);
        ps.setString(1, username);
        ps.setString(2, email);
        ps.setString(3, password_hash);
        try {
            ps.executeUpdate();
        } catch (const sql::SQLException& e) {
            // The unique key decides, so concurrent signups can't both win.
            if (e.getErrorCode() == kDuplicateEntry) return CreateUserResult::Duplicate;
            throw;
        }
        return CreateUserResult::Created;
    });
}

std::optional<User> find_user_by_username(Pool& pool, const std::string& username) {
    return pool.run([&](Connection& c) {
        auto& ps = c.prepare(kSelectByUsername);
        ps.setString(1, username);
        return read_user(ps);
    });
}

std::optional<User> find_user_by_id(Pool& pool, int64_t id) {
    return pool.run([&](Connection& c) {
        auto& ps = c.prepare(kSelectById);
        ps.setInt64(1, id);
        return read_user(ps);
    });
}

void set_user_password(Pool& pool, int64_t id, const std::string& password_hash) {
    pool.run([&](Connection& c) {
        auto& ps = c.prepare(kUpdatePassword);
        ps.setString(1, password_hash);
        ps.setInt64(2, id);
        ps.executeUpdate();
    });
}

}  // namespace llmapi::db
