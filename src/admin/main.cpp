// llm-api-admin: the operator's tool (migrations, users, limits, usage,
// Django import, API keys, pruning). One table of commands; every error ends here as
// one line on stderr, exit 2 for a wrong command line, 1 for a failure.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <cppconn/exception.h>

#include "admin/cli.h"

extern char** environ;

namespace {

using namespace llmapi::admin;

struct Command {
    const char* name;
    CommandFn run;
};

constexpr Command kCommands[] = {
    {"migrate", cmd_migrate},       {"create-user", cmd_create_user},
    {"set-active", cmd_set_active}, {"set-limits", cmd_set_limits},
    {"usage", cmd_usage},           {"import-django-users", cmd_import_django_users},
    {"prune", cmd_prune},           {"keys", cmd_keys},
};

constexpr const char* kUsage =
    "usage: llm-api-admin [--config PATH] COMMAND [ARGS...]\n"
    "\n"
    "  --version       print the version and exit\n"
    "  --config PATH   configuration file (default /etc/llm-service-api/app.ini); the\n"
    "                  [database] settings and LLMAPI_DATABASE_* overrides apply as for\n"
    "                  the service\n"
    "\n"
    "commands:\n"
    "  migrate [--sql-dir DIR]\n"
    "      apply the NNN_*.sql migrations not yet recorded in schema_migrations, in\n"
    "      order (default DIR: sql/ next to the binary, else /usr/share/llm-service-api/sql).\n"
    "      Needs a database user allowed to run DDL (CREATE, ALTER, INDEX, DROP);\n"
    "      the service's own user usually is not.\n"
    "  create-user USERNAME [--email EMAIL] [--password-stdin]\n"
    "      create an active user; the password is asked on the terminal (echo off),\n"
    "      or read as one line from stdin with --password-stdin or when stdin is no tty\n"
    "  set-active USERNAME true|false\n"
    "      allow or refuse the user's logins and tokens\n"
    "  set-limits USERNAME [--rpm N|default] [--tpd N|default] [--concurrent N|default]\n"
    "      per-user requests per minute / tokens per day; default = use [limits],\n"
    "      0 = unlimited\n"
    "  usage [--user USERNAME] [--since ISO8601] [--until ISO8601]\n"
    "      requests and tokens by user, provider and model; since inclusive, until\n"
    "      exclusive (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], UTC when no\n"
    "      offset); default the last 30 days\n"
    "  import-django-users FILE\n"
    "      users from `manage.py dumpdata auth.user` (FILE - = stdin), password hashes\n"
    "      kept; an existing username is updated (email, password, is_active)\n"
    "  keys create USERNAME --name NAME [--expires ISO8601]\n"
    "      a new API key for the user, printed once (only its SHA-256 is stored)\n"
    "  keys list [USERNAME]\n"
    "      every API key (or one user's): id, prefix, name, last use, expiry, state\n"
    "  keys revoke ID\n"
    "      refuse the key from now on (within [auth] user_cache_ms on every worker)\n"
    "  prune\n"
    "      delete expired blacklisted tokens, rate windows older than 2 minutes and\n"
    "      daily token counts older than 2 days\n"
    "\n"
    "exit status: 0 done, 1 failed, 2 wrong command line\n";

// Messages are ours, but may quote an argument: keep them on one line.
void fail_line(const std::string& message) { std::fprintf(stderr, "llm-api-admin: %s\n", one_line(message).c_str()); }

bool is_help(const char* a) { return !std::strcmp(a, "--help") || !std::strcmp(a, "-h") || !std::strcmp(a, "help"); }

int run(int argc, char** argv) {
    std::string config_path = "/etc/llm-service-api/app.ini";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; ++i) {
        if (is_help(argv[i])) {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (!std::strcmp(argv[i], "--version")) {
            std::printf("llm-api-admin %s\n", PACKAGE_VERSION);
            return 0;
        }
        if (!std::strcmp(argv[i], "--config")) {
            if (i + 1 >= argc) throw UsageError("--config needs a value");
            config_path = argv[++i];
        } else if (!std::strncmp(argv[i], "--config=", 9)) {
            config_path = argv[i] + 9;
        } else {
            throw UsageError(std::string("unknown option ") + argv[i] + " (see llm-api-admin --help)");
        }
    }
    if (i >= argc || is_help(argv[i])) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    const std::string name = argv[i];
    std::vector<std::string> args(argv + i + 1, argv + argc);
    for (const auto& a : args) {
        if (a == "--") break;
        if (a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
    }
    for (const auto& c : kCommands) {
        if (name != c.name) continue;
        Runtime rt(config_path, environ);
        return c.run(args, rt);
    }
    throw UsageError("unknown command '" + name + "' (see llm-api-admin --help)");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        fail_line(e.what());
        return 2;
    } catch (const CommandError& e) {
        fail_line(e.what());
        return 1;
    } catch (const llmapi::db::DbUnavailable& e) {
        fail_line(std::string(e.what()) + " (check [database] and the LLMAPI_DATABASE_* variables)");
        return 1;
    } catch (const sql::SQLException& e) {
        // The server's message can quote SQL: only the codes.
        fail_line("database error " + std::to_string(e.getErrorCode()) + " (SQLSTATE " + e.getSQLState() + ")");
        return 1;
    } catch (const std::exception& e) {
        fail_line(std::string("internal error: ") + e.what());
        return 1;
    }
}
