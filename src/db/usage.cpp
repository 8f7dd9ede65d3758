#include "db/usage.h"

#include <cppconn/statement.h>

namespace llmapi::db {

namespace {

constexpr const char* kInsertUsage =
    "INSERT IGNORE INTO usage_events (event_id, user_id, provider, model_requested, model_answered, prompt_tokens, "
    "completion_tokens, reasoning_tokens, status, upstream_ms, streamed, client_disconnected, estimated, started_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kAddTokens =
    "INSERT INTO token_days (user_id, day, tokens) VALUES (?, DATE(?), ?) "
    "ON DUPLICATE KEY UPDATE tokens = tokens + VALUES(tokens)";
constexpr const char* kUsageByModel =
    "SELECT provider, model_requested, COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0) "
    "FROM usage_events WHERE user_id = ? AND started_at >= ? AND started_at < ? "
    "GROUP BY provider, model_requested ORDER BY provider, model_requested";

}  // namespace

void insert_usage(Pool& pool, const usage::UsageEvent& e) {
    pool.run([&](Connection& c) {
        auto& ins = c.prepare(kInsertUsage);
        ins.setString(1, e.event_id);
        ins.setInt64(2, e.user_id);
        ins.setString(3, e.provider);
        ins.setString(4, e.model_requested);
        ins.setString(5, e.model_answered);
        ins.setInt64(6, e.prompt_tokens);
        ins.setInt64(7, e.completion_tokens);
        ins.setInt64(8, e.reasoning_tokens);
        ins.setInt(9, e.status);
        ins.setInt64(10, e.upstream_ms);
        ins.setBoolean(11, e.streamed);
        ins.setBoolean(12, e.client_disconnected);
        ins.setBoolean(13, e.estimated);
        ins.setString(14, e.started_at);
        const long tokens = e.prompt_tokens + e.completion_tokens;
        // Only a new row adds to the day's tokens, so a replayed event never
        // counts twice. Two autocommit statements, not a transaction: that
        // saves three round trips per request, and a crash between them can
        // only under-count one request's tokens toward tokens_per_day.
        if (ins.executeUpdate() == 1 && tokens > 0) {
            auto& add = c.prepare(kAddTokens);
            add.setInt64(1, e.user_id);
            add.setString(2, e.started_at);
            add.setInt64(3, tokens);
            add.executeUpdate();
        }
    });
}

std::vector<UsageRow> usage_by_model(Pool& pool, int64_t user_id, const std::string& since, const std::string& until) {
    return pool.run([&](Connection& c) {
        auto& ps = c.prepare(kUsageByModel);
        ps.setInt64(1, user_id);
        ps.setString(2, since);
        ps.setString(3, until);
        ResultPtr rs(ps.executeQuery());
        std::vector<UsageRow> rows;
        while (rs->next())
            rows.push_back(UsageRow{rs->getString(1), rs->getString(2), static_cast<long>(rs->getInt64(3)),
                                    static_cast<long>(rs->getInt64(4)), static_cast<long>(rs->getInt64(5))});
        return rows;
    });
}

}  // namespace llmapi::db
