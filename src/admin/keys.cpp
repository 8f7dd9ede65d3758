// keys create|list|revoke: API keys (API.md section 8) from the operator's
// side: a key for a user (printed once), every key or one user's, revocation.
#include <cstdio>
#include <ctime>

#include "admin/cli.h"
#include "auth/api_key.h"
#include "common/datetime.h"
#include "db/api_keys.h"
#include "db/users.h"

namespace llmapi::admin {

namespace {

constexpr const char* kKeysUsage = "keys create USERNAME --name NAME [--expires ISO8601] | keys list [USERNAME] | "
                                   "keys revoke ID";

db::User find_user(db::Pool& pool, const std::string& username) {
    auto u = db::find_user_by_username(pool, username);
    if (!u) throw CommandError("unknown user '" + username + "'");
    return *u;
}

const char* or_dash(const std::string& s) { return s.empty() ? "-" : s.c_str(); }

int create(const std::vector<std::string>& argv, Runtime& rt) {
    Args args("keys create", argv, {{"--name", true}, {"--expires", true}}, 1, 1, "USERNAME");
    const std::string name = args.value("--name").value_or("");
    if (name.empty() || name.size() > 64) throw UsageError("keys create: --name takes 1 to 64 characters");
    db::NewKeyRow row;
    if (auto e = args.value("--expires")) {
        row.expires_us = parse_iso8601(*e);
        if (!row.expires_us) throw UsageError("keys create: --expires takes an ISO 8601 date/time, not '" + *e + "'");
        if (*row.expires_us <= now_us()) throw UsageError("keys create: --expires must be in the future");
    }
    const auto& cfg = rt.config();
    db::Pool& pool = rt.pool();
    const db::User u = find_user(pool, args.positional(0));
    const auth::NewApiKey fresh = auth::generate_api_key();
    row.user_id = u.id;
    row.name = name;
    row.hash = fresh.hash;
    row.prefix = fresh.prefix;
    const db::CreateKeyResult r = db::create_api_key(pool, row, cfg.auth.max_keys_per_user, std::time(nullptr));
    if (r.status == db::CreateKeyStatus::NameTaken)
        throw CommandError(u.username + " already has an active API key named '" + name + "'");
    if (r.status == db::CreateKeyStatus::TooMany)
        throw CommandError(u.username + " already has " + std::to_string(cfg.auth.max_keys_per_user) +
                           " active API keys; revoke one first");
    std::printf("created API key %lld '%s' for %s; it is shown this once:\n%s\n", static_cast<long long>(r.key->id),
                r.key->name.c_str(), u.username.c_str(), fresh.key.c_str());
    return 0;
}

int list(const std::vector<std::string>& argv, Runtime& rt) {
    Args args("keys list", argv, {}, 0, 1, "[USERNAME]");
    db::Pool& pool = rt.pool();
    std::optional<int64_t> user;
    if (args.positionals()) user = find_user(pool, args.positional(0)).id;
    const long now = std::time(nullptr);
    std::printf("%-6s %-8s %-12s %-24s %-27s %-27s %s\n", "ID", "USER_ID", "PREFIX", "NAME", "LAST_USED", "EXPIRES",
                "STATE");
    for (const auto& k : db::list_api_keys(pool, user)) {
        const char* state = k.revoked() ? "revoked" : k.expired(now) ? "expired" : "active";
        std::printf("%-6lld %-8lld %-12s %-24s %-27s %-27s %s\n", static_cast<long long>(k.id),
                    static_cast<long long>(k.user_id), k.prefix.c_str(), one_line(k.name).c_str(),
                    or_dash(k.last_used_at), or_dash(k.expires_at), state);
    }
    return 0;
}

int revoke(const std::vector<std::string>& argv, Runtime& rt) {
    Args args("keys revoke", argv, {}, 1, 1, "ID");
    const auto id = parse_count(args.positional(0), 1L << 62);
    if (!id || *id == 0) throw UsageError("keys revoke: ID is a key's number, not '" + args.positional(0) + "'");
    if (!db::revoke_api_key(rt.pool(), std::nullopt, *id)) throw CommandError("no API key " + std::to_string(*id));
    std::printf("API key %ld revoked (refused within [auth] user_cache_ms on every worker)\n", *id);
    return 0;
}

}  // namespace

int cmd_keys(const std::vector<std::string>& argv, Runtime& rt) {
    if (argv.empty()) throw UsageError(std::string("keys: give a subcommand: ") + kKeysUsage);
    const std::vector<std::string> rest(argv.begin() + 1, argv.end());
    if (argv[0] == "create") return create(rest, rt);
    if (argv[0] == "list") return list(rest, rt);
    if (argv[0] == "revoke") return revoke(rest, rt);
    throw UsageError("keys: unknown subcommand '" + argv[0] + "' (" + kKeysUsage + ")");
}

}  // namespace llmapi::admin
