// migrate [--sql-dir DIR]: applies sql/NNN_*.sql once each, in order,
// recorded in schema_migrations exactly as scripts/lib.sh records them.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "admin/cli.h"
#include "db/migrations.h"

namespace llmapi::admin {

namespace fs = std::filesystem;

namespace {

constexpr const char* kInstalledSqlDir = "/usr/share/llm-service-api/sql";

// The sql/ directory of the source tree the binary was built in (it sits at
// the top of the tree), else the installed one.
std::string default_sql_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path dir = exe.parent_path() / "sql";
        if (fs::is_directory(dir, ec)) return dir.string();
    }
    return kInstalledSqlDir;
}

struct MigrationFile {
    unsigned long long number;
    std::string name;  // "003_usage_and_limits.sql"
    fs::path path;
};

// "NNN_anything.sql": its number, or false.
bool migration_number(const std::string& name, unsigned long long& number) {
    size_t digits = 0;
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
    if (digits == 0 || digits > 18 || digits >= name.size() || name[digits] != '_' || name.size() < digits + 5 ||
        name.compare(name.size() - 4, 4, ".sql") != 0)
        return false;
    number = std::stoull(name.substr(0, digits));
    return true;
}

// Ordered by number (so 1000_ follows 999_), then by name.
std::vector<MigrationFile> list_migrations(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw CommandError("no migrations directory " + dir + " (see --sql-dir)");
    std::vector<MigrationFile> out;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        unsigned long long n;
        if (migration_number(name, n) && it->is_regular_file(ec)) out.push_back({n, name, it->path()});
    }
    if (ec) throw CommandError("cannot list " + dir + ": " + ec.message());
    if (out.empty()) throw CommandError("no NNN_*.sql migrations in " + dir);
    std::sort(out.begin(), out.end(), [](const MigrationFile& a, const MigrationFile& b) {
        return std::tie(a.number, a.name) < std::tie(b.number, b.name);
    });
    return out;
}

// Splits a migration into statements: one ends at a ';' that ends its line
// (a "-- " or "#" comment may follow it), outside quotes and comments;
// comment lines are dropped; /* ... */ is passed on (MariaDB's /*! */ means
// something). A last statement without ';' counts too.
std::vector<db::SqlStatement> split_statements(const std::string& text) {
    std::vector<db::SqlStatement> out;
    std::string stmt;
    int stmt_line = 0;
    char quote = 0;      // inside '...', "..." or `...`
    bool block = false;  // inside /* ... */
    std::istringstream in(text);
    std::string line;
    for (int lineno = 1; std::getline(in, line); ++lineno) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::string kept;
        for (size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            const char next = i + 1 < line.size() ? line[i + 1] : '\0';
            if (block) {
                kept += c;
                if (c == '*' && next == '/') {
                    kept += next;
                    ++i;
                    block = false;
                }
            } else if (quote) {
                kept += c;
                if (c == '\\' && quote != '`' && i + 1 < line.size()) {
                    kept += next;
                    ++i;
                } else if (c == quote) {
                    if (next == quote) {  // '' inside '...'
                        kept += next;
                        ++i;
                    } else {
                        quote = 0;
                    }
                }
            } else if ((c == '-' && next == '-' &&
                        (i + 2 >= line.size() || line[i + 2] == ' ' || line[i + 2] == '\t')) ||
                       c == '#') {
                break;  // a comment to the end of the line
            } else {
                if (c == '\'' || c == '"' || c == '`') quote = c;
                if (c == '/' && next == '*') {
                    block = true;
                    kept += c;
                    kept += next;
                    ++i;
                    continue;
                }
                kept += c;
            }
        }
        const bool blank = kept.find_first_not_of(" \t") == std::string::npos;
        if (stmt.empty() && blank && !quote && !block) continue;
        if (stmt.empty()) stmt_line = lineno;
        stmt += kept;
        stmt += '\n';
        if (quote || block) continue;
        const size_t last = kept.find_last_not_of(" \t");
        if (last != std::string::npos && kept[last] == ';') {
            stmt.erase(stmt.find_last_of(';'));
            if (stmt.find_first_not_of(" \t\n") != std::string::npos) out.push_back({stmt_line, stmt});
            stmt.clear();
        }
    }
    if (stmt.find_first_not_of(" \t\n") != std::string::npos) out.push_back({stmt_line, stmt});
    return out;
}

db::Migration read_migration(const MigrationFile& f) {
    std::ifstream in(f.path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw CommandError("cannot read " + f.path.string());
    return {f.name.substr(0, f.name.size() - 4), split_statements(text.str())};
}

bool is_permission_error(int code) {
    switch (code) {
        case 1044:  // access denied to the database
        case 1142:  // command denied on a table
        case 1143:  // ... on a column
        case 1227:  // needs a privilege (SUPER, ...)
            return true;
        default: return false;
    }
}

}  // namespace

int cmd_migrate(const std::vector<std::string>& argv, Runtime& rt) {
    Args args("migrate", argv, {{"--sql-dir", true}}, 0, 0, "");
    const std::string dir = args.value("--sql-dir").value_or(default_sql_dir());
    std::vector<db::Migration> migrations;
    for (const MigrationFile& f : list_migrations(dir)) migrations.push_back(read_migration(f));

    db::Pool& pool = rt.pool();
    int applied = 0;
    try {
        applied = db::apply_migrations(pool, migrations, [](const std::string& version) {
            std::printf("applied %s\n", version.c_str());
            std::fflush(stdout);
        });
    } catch (const db::MigrationFailed& e) {
        std::string message = e.what();
        if (is_permission_error(e.error_code()))
            message +=
                ": migrate needs a database user allowed to run DDL (CREATE, ALTER, INDEX, DROP); "
                "set [database] user or LLMAPI_DATABASE_USER / LLMAPI_DATABASE_PASSWORD";
        throw CommandError(message);
    }
    if (applied == 0)
        std::printf("nothing to apply: all %zu migrations in %s are recorded\n", migrations.size(), dir.c_str());
    else std::printf("applied %d migration%s from %s\n", applied, applied == 1 ? "" : "s", dir.c_str());
    return 0;
}

}  // namespace llmapi::admin
