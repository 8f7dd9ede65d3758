// Schema migrations: the schema_migrations table and applying sql/NNN_*.sql,
// compatible with scripts/lib.sh `migrate` (same table, same version strings:
// the file name without ".sql"), so either may run after the other.
#pragma once
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/pool.h"

namespace llmapi::db {

struct SqlStatement {
    int line = 0;  // where it starts in its file, for error messages
    std::string text;
};

struct Migration {
    std::string version;  // "003_usage_and_limits"
    std::vector<SqlStatement> statements;
};

// A statement failed. Statements before it have run (DDL commits at once in
// MariaDB); the migration is not recorded, so it is tried again next time.
// The message names the migration, the line and the error code, never SQL.
class MigrationFailed : public std::runtime_error {
public:
    MigrationFailed(const std::string& message, int code) : std::runtime_error(message), code_(code) {}
    int error_code() const { return code_; }

private:
    int code_;
};

// Creates schema_migrations when it is missing, then applies, in the given
// order, each migration not recorded there, recording it after its last
// statement and calling on_applied(version). A named lock held meanwhile
// keeps two concurrent runs from applying one migration twice. Returns how
// many were applied. Never repeats a statement after a lost connection
// (DbUnavailable instead).
int apply_migrations(Pool& pool, const std::vector<Migration>& migrations,
                     const std::function<void(const std::string& version)>& on_applied);

}  // namespace llmapi::db
