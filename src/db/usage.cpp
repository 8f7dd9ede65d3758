#include "db/usage.h"

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
constexpr const char* kUsageByModel =
    "SELECT provider, model_requested, COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0) "
    "FROM usage_events WHERE user_id = ? AND started_at >= ? AND started_at < ? "
    "GROUP BY provider, model_requested ORDER BY provider, model_requested";

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

void bind_row(sql::PreparedStatement& ins, size_t row, const UsageEvent& e) {
    unsigned i = static_cast<unsigned>(row * insert_parts().columns);
    for_each_column(e, [&](const char*, const auto& v) { bind(ins, ++i, v); });
}

// autocommit off for a scope; rolled back unless commit() was reached, and
// autocommit restored either way, so the pooled connection goes back clean.
class Transaction {
public:
    explicit Transaction(Connection& c) : c_(c) { c_.raw().setAutoCommit(false); }
    ~Transaction() {
        try {
            if (!done_) c_.raw().rollback();
            c_.raw().setAutoCommit(true);
        } catch (const sql::SQLException&) {
            // A lost connection: the server has rolled back; the pool replaces it.
        }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        c_.raw().commit();
        done_ = true;
    }

private:
    Connection& c_;
    bool done_ = false;
};

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
        // One upsert per user and UTC day, not per event.
        std::map<std::pair<int64_t, std::string>, std::pair<std::string, long>> days;
        for (const auto& e : events) {
            const long tokens = e.prompt_tokens + e.completion_tokens;
            if (tokens <= 0) continue;
            auto& d = days[{e.user_id, e.started_at.substr(0, 10)}];
            if (d.first.empty()) d.first = e.started_at;
            d.second += tokens;
        }
        for (const auto& [key, day] : days) {
            auto& add = c.prepare(kAddTokens);
            add.setInt64(1, key.first);
            add.setString(2, day.first);
            add.setInt64(3, day.second);
            add.executeUpdate();
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
        }
    });
}

void insert_usage_rows(Pool& pool, const std::vector<UsageEvent>& events) {
    if (insert_fresh_rows(pool, events)) return;
    for (const auto& e : events) insert_usage(pool, e);  // some event_id is in already: each row decides
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
