#include "config/config.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "providers/provider.h"

namespace llmapi::config {

namespace {

// Reads typed values from one section; the first bad value wins the error.
class Reader {
public:
    Reader(const Ini& ini, std::string& error) : ini_(ini), error_(error) {}

    void str(const std::string& sec, const std::string& key, std::string& out) {
        if (const std::string* v = find(sec, key)) out = *v;
    }

    void integer(const std::string& sec, const std::string& key, long& out, long min, long max) {
        const std::string* v = find(sec, key);
        if (!v || !error_.empty()) return;
        errno = 0;
        char* end = nullptr;
        long n = std::strtol(v->c_str(), &end, 10);
        if (v->empty() || *end != '\0' || errno == ERANGE || n < min || n > max) {
            fail(sec, key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                               ", got '" + *v + "'");
            return;
        }
        out = n;
    }

    void integer(const std::string& sec, const std::string& key, int& out, long min, long max) {
        long n = out;
        integer(sec, key, n, min, max);
        out = static_cast<int>(n);
    }

    void boolean(const std::string& sec, const std::string& key, bool& out) {
        const std::string* v = find(sec, key);
        if (!v || !error_.empty()) return;
        if (*v == "true" || *v == "yes" || *v == "on" || *v == "1") out = true;
        else if (*v == "false" || *v == "no" || *v == "off" || *v == "0") out = false;
        else fail(sec, key, "must be true or false, got '" + *v + "'");
    }

    void fail(const std::string& sec, const std::string& key, const std::string& why) {
        if (error_.empty()) error_ = "config: [" + sec + "] " + key + " " + why;
    }

private:
    const std::string* find(const std::string& sec, const std::string& key) const {
        const IniSection* s = ini_.section(sec);
        return s ? s->find(key) : nullptr;
    }
    const Ini& ini_;
    std::string& error_;
};

void read_provider(Reader& r, const std::string& sec, ProviderConfig& p) {
    p.name = sec.substr(std::string("provider.").size());
    r.str(sec, "kind", p.kind);
    r.str(sec, "base_url", p.base_url);
    r.str(sec, "api_key", p.api_key);
    r.str(sec, "auth", p.auth);
    r.integer(sec, "connect_timeout_s", p.connect_timeout_s, 1, 3600);
    r.integer(sec, "timeout_s", p.timeout_s, 1, 86400);
    r.integer(sec, "idle_timeout_s", p.idle_timeout_s, 1, 86400);
    r.integer(sec, "retries", p.retries, 0, 10);
    r.str(sec, "fallback", p.fallback);
    r.str(sec, "headers", p.headers);
    r.integer(sec, "max_response_bytes", p.max_response_bytes, 1024, 1L << 34);
    if (!providers::find_factory(p.kind)) {
        std::string kinds;
        for (const auto& k : providers::known_kinds()) kinds += (kinds.empty() ? "" : " or ") + k;
        r.fail(sec, "kind", "must be " + kinds + ", got '" + p.kind + "'");
    }
    if (!p.auth.empty() && p.auth != "none") r.fail(sec, "auth", "must be empty or none, got '" + p.auth + "'");
}

}  // namespace

bool load_config_text(const std::string& text, const char* const* env, Config& out, std::string& error,
                      bool require_secret) {
    Ini ini;
    if (auto e = parse_ini(text, ini)) {
        error = "config: line " + std::to_string(e->line) + ": " + e->message;
        return false;
    }
    // These sections are always overridable from the environment, even when
    // the file leaves them out, so secrets can live in the environment only.
    for (const char* s : {"server", "database", "jwt", "auth", "limits", "providers"}) ini.section_or_add(s);
    apply_env_overrides(ini, env);

    Config c;
    error.clear();
    Reader r(ini, error);
    r.integer("server", "port", c.server.port, 1, 65535);
    r.integer("server", "workers", c.server.workers, 1, 256);
    r.integer("server", "threads", c.server.threads, 1, 4096);
    r.integer("server", "max_body_bytes", c.server.max_body_bytes, 1024, 1L << 30);
    r.str("server", "socket", c.server.socket);
    r.integer("server", "listen_backlog", c.server.listen_backlog, 16, 65535);
    r.integer("server", "shutdown_timeout_s", c.server.shutdown_timeout_s, 0, 3600);
    r.str("server", "spool_dir", c.server.spool_dir);
    r.integer("server", "usage_flush_ms", c.server.usage_flush_ms, 0, 10000);
    r.str("server", "access_log", c.server.access_log);

    r.str("database", "host", c.database.host);
    r.integer("database", "port", c.database.port, 1, 65535);
    r.str("database", "socket", c.database.socket);
    r.str("database", "name", c.database.name);
    r.str("database", "user", c.database.user);
    r.str("database", "password", c.database.password);
    r.integer("database", "pool_size", c.database.pool_size, 1, 1024);
    r.integer("database", "connect_timeout_s", c.database.connect_timeout_s, 1, 300);
    r.integer("database", "borrow_timeout_ms", c.database.borrow_timeout_ms, 1, 600000);

    r.str("jwt", "secret", c.jwt.secret);
    r.integer("jwt", "access_lifetime_s", c.jwt.access_lifetime_s, 1, 10L * 365 * 86400);
    r.integer("jwt", "refresh_lifetime_s", c.jwt.refresh_lifetime_s, 1, 10L * 365 * 86400);
    r.boolean("jwt", "rotate_refresh", c.jwt.rotate_refresh);

    r.integer("auth", "min_password_length", c.auth.min_password_length, 1, 4096);
    r.integer("auth", "max_concurrent_hashes", c.auth.max_concurrent_hashes, 1, 256);
    r.integer("auth", "user_cache_ms", c.auth.user_cache_ms, 0, 3600L * 1000);

    r.integer("limits", "requests_per_minute", c.limits.requests_per_minute, 0, 1L << 40);
    r.integer("limits", "tokens_per_day", c.limits.tokens_per_day, 0, 1L << 50);

    r.str("providers", "default", c.providers.default_provider);
    r.integer("providers", "models_cache_s", c.providers.models_cache_s, 0, 86400 * 30);
    for (const auto& s : ini.sections) {
        if (s.name.rfind("provider.", 0) == 0 && s.name.size() > 9) {
            ProviderConfig p;
            read_provider(r, s.name, p);
            c.providers.providers.push_back(p);
        }
    }

    if (error.empty() && require_secret && c.jwt.secret.size() < 32)
        r.fail("jwt", "secret", c.jwt.secret.empty() ? "is required (set LLMAPI_JWT_SECRET), at least 32 bytes"
                                                     : "must be at least 32 bytes");
    if (error.empty() && c.database.name.empty()) r.fail("database", "name", "is required");
    if (error.empty() && c.database.user.empty()) r.fail("database", "user", "is required");
    if (error.empty() && c.server.socket.empty()) r.fail("server", "socket", "is required");
    if (!error.empty()) return false;
    out = std::move(c);
    return true;
}

bool load_config(const std::string& path, const char* const* env, Config& out, std::string& error,
                 bool require_secret) {
    std::ifstream in(path);
    if (!in) {
        error = "config: cannot read " + path;
        return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return load_config_text(ss.str(), env, out, error, require_secret);
}

}  // namespace llmapi::config
