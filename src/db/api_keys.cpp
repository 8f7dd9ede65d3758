#include "db/api_keys.h"

#include "common/datetime.h"
#include "common/hex.h"
#include "common/json.h"
#include "db/transaction.h"

namespace llmapi::db {

namespace {

#define KEY_COLUMNS                                                                                              \
    "id, user_id, name, prefix, created_at, expires_at, revoked_at, last_used_at, "                             \
    "TIMESTAMPDIFF(SECOND, '1970-01-01', expires_at), providers, models, requests_per_minute, tokens_per_day "

constexpr const char* kLockUser = "SELECT id FROM users WHERE id = ? FOR UPDATE";
// Live at ?: neither revoked nor expired.
constexpr const char* kLiveKeys =
    "SELECT name FROM api_keys WHERE user_id = ? AND revoked_at IS NULL "
    "AND (expires_at IS NULL OR expires_at > FROM_UNIXTIME(?))";
constexpr const char* kInsert =
    "INSERT INTO api_keys (user_id, name, key_hash, prefix, created_at, expires_at, providers, models, "
    "requests_per_minute, tokens_per_day) VALUES (?, ?, UNHEX(?), ?, UTC_TIMESTAMP(6), ?, ?, ?, ?, ?)";
constexpr const char* kById = "SELECT " KEY_COLUMNS "FROM api_keys WHERE id = ?";
constexpr const char* kLastId = "SELECT LAST_INSERT_ID()";
constexpr const char* kListUser = "SELECT " KEY_COLUMNS "FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, id DESC";
constexpr const char* kListAll = "SELECT " KEY_COLUMNS "FROM api_keys ORDER BY user_id, created_at DESC, id DESC";
constexpr const char* kByHash = "SELECT " KEY_COLUMNS "FROM api_keys WHERE key_hash = UNHEX(?)";
constexpr const char* kRevoke = "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, UTC_TIMESTAMP(6)) WHERE id = ?";
constexpr const char* kTouch =
    "UPDATE api_keys SET last_used_at = GREATEST(COALESCE(last_used_at, '1000-01-01'), ?) WHERE id = ?";

std::string list_json(const std::optional<std::vector<std::string>>& list) {
    JsonPtr a(json_array());
    for (const auto& s : *list) json_array_append_new(a.get(), json_stringn(s.data(), s.size()));
    return json_to_string(a.get());
}

std::optional<std::vector<std::string>> parse_list(sql::ResultSet& rs, int col) {
    if (rs.isNull(col)) return std::nullopt;
    const std::string text = rs.getString(col);
    JsonPtr a(json_loadb(text.data(), text.size(), 0, nullptr));
    std::vector<std::string> out;
    size_t i;
    json_t* v;
    json_array_foreach(a.get(), i, v) if (json_is_string(v)) out.emplace_back(json_string_value(v));
    return out;
}

std::string opt_time(sql::ResultSet& rs, int col) { return rs.isNull(col) ? "" : drf_datetime(rs.getString(col)); }
long opt_long(sql::ResultSet& rs, int col) { return rs.isNull(col) ? -1 : static_cast<long>(rs.getInt64(col)); }

ApiKey read_key(sql::ResultSet& rs) {
    ApiKey k;
    k.id = rs.getInt64(1);
    k.user_id = rs.getInt64(2);
    k.name = rs.getString(3);
    k.prefix = rs.getString(4);
    k.created_at = drf_datetime(rs.getString(5));
    k.expires_at = opt_time(rs, 6);
    k.revoked_at = opt_time(rs, 7);
    k.last_used_at = opt_time(rs, 8);
    k.expires_unix = rs.isNull(9) ? 0 : static_cast<long>(rs.getInt64(9));
    k.providers = parse_list(rs, 10);
    k.models = parse_list(rs, 11);
    k.requests_per_minute = opt_long(rs, 12);
    k.tokens_per_day = opt_long(rs, 13);
    return k;
}

std::vector<ApiKey> read_keys(sql::PreparedStatement& ps) {
    ResultPtr rs(ps.executeQuery());
    std::vector<ApiKey> out;
    while (rs->next()) out.push_back(read_key(*rs));
    return out;
}

void set_opt_long(sql::PreparedStatement& ps, unsigned i, long v) {
    if (v < 0) ps.setNull(i, sql::DataType::BIGINT);
    else ps.setInt64(i, v);
}

}  // namespace

CreateKeyResult create_api_key(Pool& pool, const NewKeyRow& row, long max_live, long now) {
    // Not repeated after a lost acknowledgement: it could insert twice.
    return pool.run_once([&](Connection& c) {
        Transaction tx(c);
        auto& lock = c.prepare(kLockUser);
        lock.setInt64(1, row.user_id);
        ResultPtr(lock.executeQuery());
        auto& live = c.prepare(kLiveKeys);
        live.setInt64(1, row.user_id);
        live.setInt64(2, now);
        long count = 0;
        {
            ResultPtr rs(live.executeQuery());
            while (rs->next()) {
                ++count;
                if (rs->getString(1) == row.name) return CreateKeyResult{CreateKeyStatus::NameTaken, std::nullopt};
            }
        }
        if (count >= max_live) return CreateKeyResult{CreateKeyStatus::TooMany, std::nullopt};
        auto& ins = c.prepare(kInsert);
        ins.setInt64(1, row.user_id);
        ins.setString(2, row.name);
        ins.setString(3, to_hex(row.hash));
        ins.setString(4, row.prefix);
        if (row.expires_us) ins.setString(5, sql_datetime(*row.expires_us));
        else ins.setNull(5, sql::DataType::TIMESTAMP);
        if (row.providers) ins.setString(6, list_json(row.providers));
        else ins.setNull(6, sql::DataType::VARCHAR);
        if (row.models) ins.setString(7, list_json(row.models));
        else ins.setNull(7, sql::DataType::VARCHAR);
        set_opt_long(ins, 8, row.requests_per_minute);
        set_opt_long(ins, 9, row.tokens_per_day);
        ins.executeUpdate();
        int64_t id = 0;
        {
            auto& last = c.prepare(kLastId);
            ResultPtr rs(last.executeQuery());
            if (rs->next()) id = rs->getInt64(1);
        }
        auto& get = c.prepare(kById);
        get.setInt64(1, id);
        std::vector<ApiKey> keys = read_keys(get);
        tx.commit();
        if (keys.empty()) throw sql::SQLException("the new key could not be read back");
        return CreateKeyResult{CreateKeyStatus::Created, std::move(keys.front())};
    });
}

std::vector<ApiKey> list_api_keys(Pool& pool, std::optional<int64_t> user_id) {
    return pool.run([&](Connection& c) {
        if (!user_id) return read_keys(c.prepare(kListAll));
        auto& ps = c.prepare(kListUser);
        ps.setInt64(1, *user_id);
        return read_keys(ps);
    });
}

std::optional<ApiKey> get_api_key(Pool& pool, std::optional<int64_t> user_id, int64_t id) {
    std::vector<ApiKey> keys = pool.run([&](Connection& c) {
        auto& ps = c.prepare(kById);
        ps.setInt64(1, id);
        return read_keys(ps);
    });
    if (keys.empty() || (user_id && keys.front().user_id != *user_id)) return std::nullopt;
    return std::move(keys.front());
}

bool revoke_api_key(Pool& pool, std::optional<int64_t> user_id, int64_t id) {
    if (!get_api_key(pool, user_id, id)) return false;
    // Idempotent (COALESCE keeps the first time), so a retry is harmless.
    pool.run([&](Connection& c) {
        auto& ps = c.prepare(kRevoke);
        ps.setInt64(1, id);
        ps.executeUpdate();
    });
    return true;
}

std::optional<ApiKey> find_api_key_by_hash(Pool& pool, const std::string& hash) {
    std::vector<ApiKey> keys = pool.run([&](Connection& c) {
        auto& ps = c.prepare(kByHash);
        ps.setString(1, to_hex(hash));
        return read_keys(ps);
    });
    if (keys.empty()) return std::nullopt;
    return std::move(keys.front());
}

void touch_api_keys(Pool& pool, const std::vector<std::pair<int64_t, int64_t>>& id_and_time_us) {
    if (id_and_time_us.empty()) return;
    pool.run([&](Connection& c) {
        auto& ps = c.prepare(kTouch);
        for (const auto& [id, t] : id_and_time_us) {
            ps.setString(1, sql_datetime(t));
            ps.setInt64(2, id);
            ps.executeUpdate();
        }
    });
}

}  // namespace llmapi::db
