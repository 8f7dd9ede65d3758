// import-django-users FILE: the users of the Django service, from
// `manage.py dumpdata auth.user`, with their password hashes kept verbatim
// (pbkdf2_sha256 and argon2 verify here; pbkdf2 is re-hashed at first login).
// Idempotent: a username that exists is updated, never duplicated.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "admin/cli.h"
#include "auth/user_rules.h"
#include "common/datetime.h"
#include "common/json.h"
#include "db/user_admin.h"

namespace llmapi::admin {

namespace {

constexpr size_t kPasswordColumnMax = 255;  // users.password VARCHAR(255)

struct FileCloser {
    void operator()(FILE* f) const { std::fclose(f); }
};

JsonPtr load_json(const std::string& path) {
    const std::string name = path == "-" ? "stdin" : path;
    std::unique_ptr<FILE, FileCloser> owned;
    FILE* in = stdin;
    if (path != "-") {
        owned.reset(std::fopen(path.c_str(), "rb"));
        if (!owned) throw CommandError("cannot read " + name + ": " + std::strerror(errno));
        in = owned.get();
    }
    json_error_t err;
    JsonPtr root(json_loadf(in, 0, &err));
    // Only the position: jansson's text may quote the input (a password hash).
    if (!root)
        throw CommandError(name + ": malformed JSON at line " + std::to_string(err.line) + ", column " +
                           std::to_string(err.column));
    if (!json_is_array(root.get()))
        throw CommandError(name + ": expected a JSON array of auth.user objects (manage.py dumpdata auth.user)");
    return root;
}

// Django writes "2024-05-02T18:59:42.123Z" (or "+00:00", or naive when
// USE_TZ is off: taken as UTC). Sets `why` and returns false when invalid.
bool read_time(const json_t* fields, const char* key, std::optional<std::string>& out, std::string& why) {
    const json_t* v = json_object_get(fields, key);
    if (!v || json_is_null(v)) return true;
    auto t = json_is_string(v) ? parse_iso8601(json_string_value(v)) : std::nullopt;
    if (!t) {
        why = std::string(key) + " is not an ISO 8601 date-time";
        return false;
    }
    out = sql_datetime(*t);
    return true;
}

// One entry of the dump, checked; nullopt with `why` set when it is refused.
std::optional<db::ImportedUser> to_user(const json_t* entry, std::string& why) {
    const json_t* model = json_object_get(entry, "model");
    const json_t* fields = json_object_get(entry, "fields");
    if (!json_is_object(entry) || !json_is_string(model) || std::strcmp(json_string_value(model), "auth.user") != 0 ||
        !json_is_object(fields)) {
        why = "not an auth.user object";
        return std::nullopt;
    }
    db::ImportedUser u;
    const json_t* username = json_object_get(fields, "username");
    if (!json_is_string(username)) {
        why = "no username";
        return std::nullopt;
    }
    u.username.assign(json_string_value(username), json_string_length(username));
    if (auto problem = auth::username_problem(u.username)) {
        why = *problem;
        return std::nullopt;
    }
    const json_t* password = json_object_get(fields, "password");
    if (!json_is_string(password) || json_string_length(password) > kPasswordColumnMax) {
        why = "no password hash, or not one Django writes";
        return std::nullopt;
    }
    u.password.assign(json_string_value(password), json_string_length(password));
    const json_t* email = json_object_get(fields, "email");
    if (email && !json_is_null(email)) {
        if (!json_is_string(email)) {
            why = "email is not a string";
            return std::nullopt;
        }
        u.email.assign(json_string_value(email), json_string_length(email));
        if (auto problem = auth::email_problem(u.email)) {
            why = *problem;
            return std::nullopt;
        }
    }
    const json_t* active = json_object_get(fields, "is_active");
    if (active && !json_is_boolean(active)) {
        why = "is_active is not true or false";
        return std::nullopt;
    }
    u.is_active = !active || json_is_true(active);
    std::optional<std::string> joined;
    if (!read_time(fields, "date_joined", joined, why) || !read_time(fields, "last_login", u.last_login, why))
        return std::nullopt;
    u.date_joined = joined.value_or(sql_datetime(now_us()));
    return u;
}

std::string entry_label(size_t index, const json_t* entry) {
    const json_t* username = json_object_get(json_object_get(entry, "fields"), "username");
    std::string label = "entry [" + std::to_string(index) + "]";
    if (json_is_string(username)) label += " (" + std::string(json_string_value(username)) + ")";
    return label;
}

// Hashes the service can't verify are imported anyway (Django would keep
// them too), but the operator should know those users can't log in.
bool verifiable_hash(const std::string& hash) {
    return hash.rfind("pbkdf2_sha256$", 0) == 0 || hash.rfind("argon2$", 0) == 0 || hash.rfind("!", 0) == 0;
}

}  // namespace

int cmd_import_django_users(const std::vector<std::string>& argv, Runtime& rt) {
    Args args("import-django-users", argv, {}, 1, 1, "FILE, or - for stdin");
    JsonPtr root = load_json(args.positional(0));
    db::Pool& pool = rt.pool();

    long imported = 0, updated = 0, skipped = 0;
    size_t index;
    json_t* entry;
    json_array_foreach(root.get(), index, entry) {
        std::string why;
        auto user = to_user(entry, why);
        if (!user) {
            std::fprintf(stderr, "llm-api-admin: %s skipped: %s\n", one_line(entry_label(index, entry)).c_str(),
                         one_line(why).c_str());
            ++skipped;
            continue;
        }
        if (!verifiable_hash(user->password))
            std::fprintf(stderr,
                         "llm-api-admin: %s: warning: password hash of an algorithm this service does not verify; "
                         "the user cannot log in until the password is reset\n",
                         one_line(entry_label(index, entry)).c_str());
        if (db::upsert_imported_user(pool, *user) == db::ImportResult::Inserted) ++imported;
        else ++updated;
    }
    std::printf("imported %ld, updated %ld, skipped %ld\n", imported, updated, skipped);
    return 0;
}

}  // namespace llmapi::admin
