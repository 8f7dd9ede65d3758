#include "db/migrations.h"

#include <memory>
#include <set>

#include <cppconn/statement.h>

namespace llmapi::db {

namespace {

constexpr const char* kLock = "SELECT GET_LOCK(CONCAT('llm-service-api:migrate:', DATABASE()), ?)";
constexpr const char* kUnlock = "SELECT RELEASE_LOCK(CONCAT('llm-service-api:migrate:', DATABASE()))";
constexpr int kLockWaitS = 60;
// Checked first: CREATE TABLE IF NOT EXISTS needs the CREATE privilege even
// when the table exists, and a DML-only user may still apply DML migrations.
constexpr const char* kTableExists =
    "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
    "AND TABLE_NAME = 'schema_migrations'";
// The shape scripts/lib.sh creates.
constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version VARCHAR(191) NOT NULL PRIMARY KEY, applied_at DATETIME(6) NOT NULL)";
constexpr const char* kSelectApplied = "SELECT version FROM schema_migrations";
constexpr const char* kRecord = "INSERT INTO schema_migrations (version, applied_at) VALUES (?, UTC_TIMESTAMP(6))";

std::string code_text(const sql::SQLException& e) {
    return "MariaDB error " + std::to_string(e.getErrorCode()) + ", SQLSTATE " + e.getSQLState();
}

// A lost connection mid-migration must not make Pool::run repeat the closure
// (statements would run twice): turn it into DbUnavailable, which it passes on.
[[noreturn]] void rethrow(const sql::SQLException& e, const std::string& doing) {
    if (Pool::is_connection_error(e)) throw DbUnavailable("database connection lost while " + doing);
    throw MigrationFailed(doing + " failed (" + code_text(e) + ")", e.getErrorCode());
}

bool table_exists(Connection& c) {
    ResultPtr rs(c.prepare(kTableExists).executeQuery());
    return rs->next() && rs->getInt(1) > 0;
}

std::set<std::string> read_applied(Connection& c) {
    std::set<std::string> out;
    ResultPtr rs(c.prepare(kSelectApplied).executeQuery());
    while (rs->next()) out.insert(rs->getString(1));
    return out;
}

class MigrationLock {
public:
    explicit MigrationLock(Connection& c) : c_(c) {
        auto& ps = c.prepare(kLock);
        ps.setInt(1, kLockWaitS);
        ResultPtr rs(ps.executeQuery());
        if (!rs->next() || rs->isNull(1) || rs->getInt(1) != 1)
            throw MigrationFailed(
                "another migrate is running (lock not free after " + std::to_string(kLockWaitS) + " s)", 0);
    }
    ~MigrationLock() {
        try {
            ResultPtr rs(c_.prepare(kUnlock).executeQuery());
        } catch (...) {
            // The server drops the lock with the session anyway.
        }
    }
    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;

private:
    Connection& c_;
};

}  // namespace

int apply_migrations(Pool& pool, const std::vector<Migration>& migrations,
                     const std::function<void(const std::string&)>& on_applied) {
    return pool.run([&](Connection& c) {
        std::unique_ptr<MigrationLock> lock;
        std::set<std::string> applied;
        try {
            lock = std::make_unique<MigrationLock>(c);
            if (!table_exists(c)) c.prepare(kCreateTable).execute();
            applied = read_applied(c);
        } catch (const sql::SQLException& e) {
            rethrow(e, "reading schema_migrations");
        }
        int count = 0;
        for (const Migration& m : migrations) {
            if (applied.count(m.version)) continue;
            // Migration files are trusted text from the package, not input:
            // they run as plain statements (DDL can't always be prepared).
            for (const SqlStatement& s : m.statements) {
                try {
                    std::unique_ptr<sql::Statement> st(c.raw().createStatement());
                    if (st->execute(s.text)) std::unique_ptr<sql::ResultSet> discard(st->getResultSet());
                } catch (const sql::SQLException& e) {
                    rethrow(e, "migration " + m.version + " at line " + std::to_string(s.line));
                }
            }
            try {
                auto& rec = c.prepare(kRecord);
                rec.setString(1, m.version);
                rec.executeUpdate();
            } catch (const sql::SQLException& e) {
                rethrow(e, "recording migration " + m.version);
            }
            applied.insert(m.version);
            ++count;
            on_applied(m.version);
        }
        return count;
    });
}

}  // namespace llmapi::db
