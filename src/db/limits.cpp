#include "db/limits.h"

#include <chrono>
#include <thread>

namespace llmapi::db {

namespace {

// The same statements on the users' tables and the keys'.
struct Statements {
    const char* bump;
    const char* open_window;
    const char* tokens_today;
};
constexpr Statements kUser{
    "UPDATE rate_windows SET requests = requests + ? "
    "WHERE user_id = ? AND window_start = FROM_UNIXTIME(?) AND requests + ? <= ?",
    "INSERT IGNORE INTO rate_windows (user_id, window_start, requests) VALUES (?, FROM_UNIXTIME(?), ?)",
    "SELECT tokens FROM token_days WHERE user_id = ? AND day = UTC_DATE()"};
constexpr Statements kKey{
    "UPDATE key_rate_windows SET requests = requests + ? "
    "WHERE key_id = ? AND window_start = FROM_UNIXTIME(?) AND requests + ? <= ?",
    "INSERT IGNORE INTO key_rate_windows (key_id, window_start, requests) VALUES (?, FROM_UNIXTIME(?), ?)",
    "SELECT tokens FROM key_token_days WHERE key_id = ? AND day = UTC_DATE()"};
const Statements& statements(Counter c) { return c == Counter::User ? kUser : kKey; }

constexpr int kDeadlock = 1213;  // Galera's certification conflict looks like this
constexpr int kDeadlockRetries = 5;

}  // namespace

// Not repeated after a lost acknowledgement (it would count twice), only
// after a certification conflict (then nothing was counted).
bool take_permits(Pool& pool, Counter counter, int64_t user_id, long n, long ceiling, long now) {
    if (n > ceiling) return false;
    const Statements& st = statements(counter);
    const long window = now - now % 60;
    for (int attempt = 0;; ++attempt) {
        try {
            return pool.run_once([&](Connection& c) {
                auto& bump = c.prepare(st.bump);
                bump.setInt64(1, n);
                bump.setInt64(2, user_id);
                bump.setInt64(3, window);
                bump.setInt64(4, n);
                bump.setInt64(5, ceiling);
                if (bump.executeUpdate() == 1) return true;
                // No row yet (the window's first request), or no room.
                auto& open = c.prepare(st.open_window);
                open.setInt64(1, user_id);
                open.setInt64(2, window);
                open.setInt64(3, n);
                if (open.executeUpdate() == 1) return true;
                // Someone else opened the window meanwhile: count against it.
                return bump.executeUpdate() == 1;
            });
        } catch (const sql::SQLException& e) {
            if (e.getErrorCode() != kDeadlock || attempt >= kDeadlockRetries) throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(2 << attempt));
        }
    }
}

long tokens_today(Pool& pool, Counter counter, int64_t user_id) {
    return pool.run([&](Connection& c) {
        auto& ps = c.prepare(statements(counter).tokens_today);
        ps.setInt64(1, user_id);
        ResultPtr rs(ps.executeQuery());
        return rs->next() ? static_cast<long>(rs->getInt64(1)) : 0L;
    });
}

}  // namespace llmapi::db
