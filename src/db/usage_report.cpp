#include "db/usage_report.h"

namespace llmapi::db {

namespace {

// Two queries rather than "user_id = ? OR ? IS NULL", so the one-user report
// uses the (user_id, started_at) index.
constexpr const char* kUsageAllUsers =
    "SELECT e.user_id, COALESCE(u.username, ''), e.provider, e.model_requested, COUNT(*), "
    "COALESCE(SUM(e.prompt_tokens), 0), COALESCE(SUM(e.completion_tokens), 0) "
    "FROM usage_events e LEFT JOIN users u ON u.id = e.user_id "
    "WHERE e.started_at >= ? AND e.started_at < ? "
    "GROUP BY e.user_id, u.username, e.provider, e.model_requested "
    "ORDER BY u.username, e.user_id, e.provider, e.model_requested";
constexpr const char* kUsageOneUser =
    "SELECT e.user_id, COALESCE(u.username, ''), e.provider, e.model_requested, COUNT(*), "
    "COALESCE(SUM(e.prompt_tokens), 0), COALESCE(SUM(e.completion_tokens), 0) "
    "FROM usage_events e LEFT JOIN users u ON u.id = e.user_id "
    "WHERE e.user_id = ? AND e.started_at >= ? AND e.started_at < ? "
    "GROUP BY e.user_id, u.username, e.provider, e.model_requested "
    "ORDER BY e.provider, e.model_requested";

}  // namespace

std::vector<UserUsageRow> usage_by_user(Pool& pool, std::optional<int64_t> user_id, const std::string& since,
                                        const std::string& until) {
    return pool.run([&](Connection& c) {
        sql::PreparedStatement* ps;
        int i = 1;
        if (user_id) {
            ps = &c.prepare(kUsageOneUser);
            ps->setInt64(i++, *user_id);
        } else {
            ps = &c.prepare(kUsageAllUsers);
        }
        ps->setString(i++, since);
        ps->setString(i++, until);
        ResultPtr rs(ps->executeQuery());
        std::vector<UserUsageRow> rows;
        while (rs->next()) {
            UserUsageRow r;
            r.user_id = rs->getInt64(1);
            r.username = rs->getString(2);
            r.provider = rs->getString(3);
            r.model = rs->getString(4);
            r.requests = static_cast<long>(rs->getInt64(5));
            r.prompt_tokens = static_cast<long>(rs->getInt64(6));
            r.completion_tokens = static_cast<long>(rs->getInt64(7));
            rows.push_back(std::move(r));
        }
        return rows;
    });
}

}  // namespace llmapi::db
