#include "db/usage.h"

#include "db/transaction.h"

#include <cppconn/statement.h>

#include <algorithm>
#include <array>
#include <map>
#include <utility>

namespace llmapi::db {

namespace {

// "INSERT IGNORE INTO usage_events (<columns>) VALUES " and one row's
// "(?, …, ?)", from for_each_column; and the number of columns.
struct InsertParts {
    std::string head, row;
    unsigned columns = 0;
};
const InsertParts& insert_parts() {
    static const InsertParts parts = [] {
        InsertParts p;
        UsageEvent e;
        std::string names;
        for_each_column(e, [&](const char* name, const auto&) {
            names += std::string(p.columns ? ", " : "") + name;
            p.row += p.columns ? ", ?" : "(?";
            ++p.columns;
        });
        p.head = "INSERT IGNORE INTO usage_events (" + names + ") VALUES ";
        p.row += ")";
        return p;
    }();
    return parts;
}
constexpr const char* kAddTokens =
    "INSERT INTO token_days (user_id, day, tokens) VALUES (?, DATE(?), ?) "
    "ON DUPLICATE KEY UPDATE tokens = tokens + VALUES(tokens)";
constexpr const char* kAddKeyTokens =
    "INSERT INTO key_token_days (key_id, day, tokens) VALUES (?, DATE(?), ?) "
    "ON DUPLICATE KEY UPDATE tokens = tokens + VALUES(tokens)";
constexpr const char* kUsageByModel =
    "SELECT provider, model_requested, COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0) "
    "FROM usage_events WHERE user_id = ? AND started_at >= ? AND started_at < ? "
    "GROUP BY provider, model_requested ORDER BY provider, model_requested";
constexpr const char* kUsageByModelOfKey =
    "SELECT provider, model_requested, COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0) "
    "FROM usage_events WHERE user_id = ? AND started_at >= ? AND started_at < ? AND api_key_id = ? "
    "GROUP BY provider, model_requested ORDER BY provider, model_requested";
// `k.id = ? OR ? = 0`: one statement for one key or all of them.
constexpr const char* kUsageByKey =
    "SELECT k.id, k.name, k.prefix, COUNT(*), COALESCE(SUM(u.prompt_tokens), 0), "
    "COALESCE(SUM(u.completion_tokens), 0) "
    "FROM usage_events u JOIN api_keys k ON k.id = u.api_key_id "
    "WHERE u.user_id = ? AND u.started_at >= ? AND u.started_at < ? AND (k.id = ? OR ? = 0) "
    "GROUP BY k.id, k.name, k.prefix ORDER BY k.id";

// The insert with n rows of placeholders, for every n from 1 to
// kMaxRowsPerInsert. Built once; the strings live as long as the process, so
// their addresses can key Connection's prepared-statement cache.
const char* insert_rows_sql(size_t n) {
    static const std::array<std::string, kMaxRowsPerInsert + 1> texts = [] {
        std::array<std::string, kMaxRowsPerInsert + 1> t;
        const InsertParts& p = insert_parts();
        for (size_t k = 1; k <= kMaxRowsPerInsert; ++k) {
            t[k] = p.head;
            for (size_t r = 0; r < k; ++r) t[k] += (r ? ", " : "") + p.row;
        }
        return t;
    }();
    return texts.at(n).c_str();
}

// Binds event e as row `row` (0-based) of a multi-row insert.
void bind(sql::PreparedStatement& ps, unsigned i, const std::string& v) { ps.setString(i, v); }
void bind(sql::PreparedStatement& ps, unsigned i, bool v) { ps.setBoolean(i, v); }
void bind(sql::PreparedStatement& ps, unsigned i, int v) { ps.setInt(i, v); }
void bind(sql::PreparedStatement& ps, unsigned i, long v) { ps.setInt64(i, v); }
void bind(sql::PreparedStatement& ps, unsigned i, OptionalId v) {
    if (v.id) ps.setInt64(i, v.id);
    else ps.setNull(i, sql::DataType::BIGINT);
}

void bind_row(sql::PreparedStatement& ins, size_t row, const UsageEvent& e) {
    unsigned i = static_cast<unsigned>(row * insert_parts().columns);
    for_each_column(e, [&](const char*, const auto& v) { bind(ins, ++i, v); });
}

// All the events in one transaction: multi-row inserts and one token_days
// upsert per user and day. False, having written nothing, when some event_id
// was in already (which one is unknown here).
bool insert_fresh_rows(Pool& pool, const std::vector<UsageEvent>& events) {
    if (events.empty()) return true;
    return pool.run([&](Connection& c) {
        Transaction tx(c);
        for (size_t start = 0; start < events.size(); start += kMaxRowsPerInsert) {
            const size_t n = std::min(kMaxRowsPerInsert, events.size() - start);
            auto& ins = c.prepare(insert_rows_sql(n));
            for (size_t r = 0; r < n; ++r) bind_row(ins, r, events[start + r]);
            // Fewer rows than sent: some event_id was in already (a replay).
            if (ins.executeUpdate() != static_cast<int>(n)) return false;
        }
        // One upsert per user (and per API key) and UTC day, not per event.
        std::map<std::pair<int64_t, std::string>, std::pair<std::string, long>> user_days, key_days;
        for (const auto& e : events) {
            const long tokens = e.prompt_tokens + e.completion_tokens;
            if (tokens <= 0) continue;
            for (auto* days : {&user_days, &key_days}) {
                const int64_t id = days == &user_days ? e.user_id : e.api_key_id.id;
                if (!id) continue;
                auto& d = (*days)[{id, e.started_at.substr(0, 10)}];
                if (d.first.empty()) d.first = e.started_at;
                d.second += tokens;
            }
        }
        for (auto [days, sql] : {std::make_pair(&user_days, kAddTokens), std::make_pair(&key_days, kAddKeyTokens)}) {
            for (const auto& [key, day] : *days) {
                auto& add = c.prepare(sql);
                add.setInt64(1, key.first);
                add.setString(2, day.first);
                add.setInt64(3, day.second);
                add.executeUpdate();
            }
        }
        tx.commit();
        return true;
    });
}

}  // namespace

void insert_usage(Pool& pool, const UsageEvent& e) {
    pool.run([&](Connection& c) {
        auto& ins = c.prepare(insert_rows_sql(1));
        bind_row(ins, 0, e);
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
            if (e.api_key_id.id) {
                auto& add_key = c.prepare(kAddKeyTokens);
                add_key.setInt64(1, e.api_key_id.id);
                add_key.setString(2, e.started_at);
                add_key.setInt64(3, tokens);
                add_key.executeUpdate();
            }
        }
    });
}

void insert_usage_rows(Pool& pool, const std::vector<UsageEvent>& events) {
    if (insert_fresh_rows(pool, events)) return;
    for (const auto& e : events) insert_usage(pool, e);  // some event_id is in already: each row decides
}

std::vector<UsageRow> usage_by_model(Pool& pool, int64_t user_id, const std::string& since, const std::string& until,
                                     int64_t key_id) {
    return pool.run([&](Connection& c) {
        auto& ps = c.prepare(key_id ? kUsageByModelOfKey : kUsageByModel);
        ps.setInt64(1, user_id);
        ps.setString(2, since);
        ps.setString(3, until);
        if (key_id) ps.setInt64(4, key_id);
        ResultPtr rs(ps.executeQuery());
        std::vector<UsageRow> rows;
        while (rs->next())
            rows.push_back(UsageRow{rs->getString(1), rs->getString(2), static_cast<long>(rs->getInt64(3)),
                                    static_cast<long>(rs->getInt64(4)), static_cast<long>(rs->getInt64(5))});
        return rows;
    });
}

std::vector<KeyUsageRow> usage_by_key(Pool& pool, int64_t user_id, const std::string& since, const std::string& until,
                                      int64_t key_id) {
    return pool.run([&](Connection& c) {
        auto& ps = c.prepare(kUsageByKey);
        ps.setInt64(1, user_id);
        ps.setString(2, since);
        ps.setString(3, until);
        ps.setInt64(4, key_id);
        ps.setInt64(5, key_id);
        ResultPtr rs(ps.executeQuery());
        std::vector<KeyUsageRow> rows;
        while (rs->next())
            rows.push_back(KeyUsageRow{rs->getInt64(1), rs->getString(2), rs->getString(3),
                                       static_cast<long>(rs->getInt64(4)), static_cast<long>(rs->getInt64(5)),
                                       static_cast<long>(rs->getInt64(6))});
        return rows;
    });
}

}  // namespace llmapi::db
