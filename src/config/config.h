// The service's configuration: read once at start-up (and on SIGHUP by the
// master), validated, then immutable. See conf/app.ini for every key.
#pragma once
#include <string>
#include <vector>

#include "config/ini.h"

namespace llmapi::config {

struct ServerConfig {
    int port = 8000;
    int workers = 2;
    int threads = 64;
    long max_body_bytes = 1048576;
    std::string socket = "var/run/llm-api.sock";  // FastCGI unix socket
    int listen_backlog = 4096;
    int shutdown_timeout_s = 30;  // drain bound for in-flight requests
    std::string spool_dir = "/var/spool/llm-service-api";  // usage rows wait here while the database is down
    long usage_flush_ms = 100;  // usage rows gather this long, then go in as one transaction
    std::string access_log;  // one JSON line per request; "" or "-" = stderr
};

struct DatabaseConfig {
    std::string host = "127.0.0.1";
    int port = 3306;
    std::string socket;
    std::string name = "llm_api";
    std::string user = "llm_api";
    std::string password;
    int pool_size = 8;
    int connect_timeout_s = 3;
    int borrow_timeout_ms = 5000;
};

struct JwtConfig {
    std::string secret;
    long access_lifetime_s = 300;
    long refresh_lifetime_s = 86400;
    bool rotate_refresh = false;
};

struct AuthConfig {
    int min_password_length = 8;
    int max_concurrent_hashes = 2;  // argon2 at Django's cost uses ~100 MiB each
    long user_cache_ms = 1000;      // how stale the Bearer check's user row may be; 0 = read it every request
};

struct LimitsConfig {
    long requests_per_minute = 60;
    long tokens_per_day = 0;
};

struct ProviderConfig {
    std::string name;
    std::string kind = "openai";
    std::string base_url;
    std::string api_key;
    std::string auth;  // "none" for keyless servers
    int connect_timeout_s = 5;
    int timeout_s = 600;
    int idle_timeout_s = 60;
    int retries = 2;
    std::string fallback;            // "provider/model, provider/model"
    std::string headers;             // extra headers: "Name: value | Name: value"
    long max_response_bytes = 64L * 1024 * 1024;
};

struct ProvidersConfig {
    std::string default_provider = "openai";
    int models_cache_s = 300;
    std::vector<ProviderConfig> providers;
};

struct Config {
    ServerConfig server;
    DatabaseConfig database;
    JwtConfig jwt;
    AuthConfig auth;
    LimitsConfig limits;
    ProvidersConfig providers;
};

// Loads `path`, applies LLMAPI_* environment overrides from `env`, validates.
// On failure returns false and sets `error` to one line naming the key.
// `require_secret` = false for tools that never touch tokens (llm-api-admin).
bool load_config(const std::string& path, const char* const* env, Config& out, std::string& error,
                 bool require_secret = true);

// The same from INI text already in memory (used by tests).
bool load_config_text(const std::string& text, const char* const* env, Config& out, std::string& error,
                      bool require_secret = true);

}  // namespace llmapi::config
