// create-user, set-active, set-limits.
#include <climits>
#include <cstdio>

#include "admin/cli.h"
#include "admin/password_input.h"
#include "auth/password.h"
#include "auth/user_rules.h"
#include "db/user_admin.h"
#include "db/users.h"

namespace llmapi::admin {

namespace {

db::User find_user(db::Pool& pool, const std::string& username) {
    auto u = db::find_user_by_username(pool, username);
    if (!u) throw CommandError("unknown user '" + username + "'");
    return *u;
}

// "default" -> -1 (NULL: use [limits]), else a non-negative count.
long parse_limit(const std::string& option, const std::string& value, long max) {
    if (value == "default") return -1;
    auto n = parse_count(value, max);
    if (!n)
        throw UsageError("set-limits: " + option + " takes a non-negative integer or 'default', not '" + value + "'");
    return *n;
}

std::string describe_limit(long value, long configured) {
    const auto amount = [](long v) { return v <= 0 ? std::string("unlimited") : std::to_string(v); };
    if (value < 0) return "default (" + amount(configured) + ")";
    return value == 0 ? "0 (unlimited)" : std::to_string(value);
}

}  // namespace

int cmd_create_user(const std::vector<std::string>& argv, Runtime& rt) {
    Args args("create-user", argv, {{"--email", true}, {"--password-stdin", false}}, 1, 1, "USERNAME");
    const std::string& username = args.positional(0);
    if (auto why = auth::username_problem(username)) throw UsageError("create-user: " + *why);
    const std::string email = args.value("--email").value_or("");
    if (auto why = auth::email_problem(email)) throw UsageError("create-user: " + *why);

    const auto& cfg = rt.config();
    db::Pool& pool = rt.pool();
    // Checked before asking for the password; the unique key decides below.
    if (db::find_user_by_username(pool, username)) throw CommandError("user '" + username + "' already exists");

    std::string password = read_new_password(args.has("--password-stdin"));
    if (auto why = auth::password_problem(password, cfg.auth.min_password_length)) throw CommandError(*why);
    const std::string hash = auth::hash_password(password);
    if (db::create_user(pool, username, email, hash) == db::CreateUserResult::Duplicate)
        throw CommandError("user '" + username + "' already exists");
    const db::User u = find_user(pool, username);
    std::printf("created user %s (id %lld)\n", u.username.c_str(), static_cast<long long>(u.id));
    return 0;
}

int cmd_set_active(const std::vector<std::string>& argv, Runtime& rt) {
    Args args("set-active", argv, {}, 2, 2, "USERNAME true|false");
    const std::string& username = args.positional(0);
    const std::string& value = args.positional(1);
    if (value != "true" && value != "false")
        throw UsageError("set-active: the second argument must be true or false, not '" + value + "'");
    const bool active = value == "true";

    db::Pool& pool = rt.pool();
    const db::User u = find_user(pool, username);
    db::set_user_active(pool, u.id, active);
    std::printf("%s: %s\n", u.username.c_str(), active ? "active" : "inactive (logins and tokens refused)");
    return 0;
}

int cmd_set_limits(const std::vector<std::string>& argv, Runtime& rt) {
    Args args("set-limits", argv, {{"--rpm", true}, {"--tpd", true}, {"--concurrent", true}}, 1, 1, "USERNAME");
    const std::string& username = args.positional(0);
    if (!args.has("--rpm") && !args.has("--tpd") && !args.has("--concurrent"))
        throw UsageError("set-limits: give --rpm, --tpd and/or --concurrent");
    // The columns: requests_per_minute INT, tokens_per_day BIGINT, max_concurrent_requests INT.
    const auto rpm = args.value("--rpm");
    const auto tpd = args.value("--tpd");
    const auto concurrent = args.value("--concurrent");
    const long rpm_value = rpm ? parse_limit("--rpm", *rpm, INT_MAX) : 0;
    const long tpd_value = tpd ? parse_limit("--tpd", *tpd, LONG_MAX) : 0;
    const long concurrent_value = concurrent ? parse_limit("--concurrent", *concurrent, INT_MAX) : 0;

    const auto& cfg = rt.config();
    db::Pool& pool = rt.pool();
    const db::User u = find_user(pool, username);
    if (rpm) db::set_user_requests_per_minute(pool, u.id, rpm_value);
    if (tpd) db::set_user_tokens_per_day(pool, u.id, tpd_value);
    if (concurrent) db::set_user_max_concurrent(pool, u.id, concurrent_value);

    const db::User now = find_user(pool, username);
    std::printf("%s: requests_per_minute %s, tokens_per_day %s, max_concurrent_requests %s\n", now.username.c_str(),
                describe_limit(now.requests_per_minute, cfg.limits.requests_per_minute).c_str(),
                describe_limit(now.tokens_per_day, cfg.limits.tokens_per_day).c_str(),
                describe_limit(now.max_concurrent_requests, cfg.limits.max_concurrent_requests).c_str());
    return 0;
}

}  // namespace llmapi::admin
