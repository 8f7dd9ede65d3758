// The service's configuration: read once at start-up (and on SIGHUP by the
// master), validated, then immutable. Every key, its range and its default are
// declared once in settings.cpp; the loader fills these members from there, so
// they are only zero-initialised here. conf/app.ini documents the same keys.
#pragma once
#include <string>
#include <vector>

namespace llmapi::config {

struct ServerConfig {
    int port{};
    std::string bind;             // nginx listens here (an IP address)
    int tls_port{};               // 0 = no TLS listener
    std::string tls_cert;         // PEM chain and key nginx reads (root), not the workers
    std::string tls_key;
    bool http_redirect{};         // plain HTTP from non-loopback clients -> 308 to HTTPS
    std::string trusted_proxies;  // CIDRs whose X-Forwarded-For nginx believes (real_ip)
    int workers{};
    int threads{};      // request threads beside the chats' (health checks, logins, models, refusals)
    int max_streams{};  // chat requests per worker; a worker runs threads + max_streams threads
    int thread_stack_kb{};
    long max_body_bytes{};
    std::string socket;        // FastCGI: a unix socket path, or IPv4:port (config/endpoint.h)
    std::string fcgi_allowed_addresses;  // with a TCP socket: the web servers' IPv4 addresses
    std::string socket_group;     // the socket is 0660 in this group (nginx's user is in it)
    std::string priority_socket;  // health checks and metrics: their own socket and threads
    int priority_threads{};
    int listen_backlog{};
    int shutdown_timeout_s{};  // drain bound for in-flight requests
    std::string spool_dir;     // usage rows wait here while the database is down
    long health_check_ms{};    // the database ping behind /healthz, this often
    long usage_flush_ms{};     // usage rows gather this long, then go in as one transaction
    std::string access_log;    // one JSON line per request; "" or "-" = stderr
    std::string error_log;     // standard error of the master and workers; "" or "-" = left as started
};

struct DatabaseConfig {
    std::string host;
    int port{};
    std::string socket;
    std::string name;
    std::string user;
    std::string password;
    int pool_size{};
    int connect_timeout_s{};
    int borrow_timeout_ms{};
};

struct JwtConfig {
    std::string secret;
    long access_lifetime_s{};
    long refresh_lifetime_s{};
    bool rotate_refresh{};
};

struct AuthConfig {
    int min_password_length{};
    int max_concurrent_hashes{};  // argon2 at Django's cost uses ~100 MiB each
    long user_cache_ms{};         // how stale the Bearer check's user (and API key) row may be; 0 = read it every request
    long max_keys_per_user{};     // live API keys per user
    long hash_wait_ms{};          // longest wait for the hash gate before a 503
    long login_rate_per_minute{};  // nginx limit_req per client address on token and signup
    long login_burst{};
};

struct LimitsConfig {
    long requests_per_minute{};
    long tokens_per_day{};
    long max_concurrent_requests{};
};

// Remote images the gateway downloads for providers that take media inline
// only (Gemini), from [providers].
struct MediaFetchConfig {
    bool enabled{};         // fetch_remote_media
    long max_bytes{};       // media_max_bytes
    int timeout_s{};        // media_timeout_s: the whole fetch, redirects included
    bool allow_private{};   // media_allow_private: loopback, private, link-local... allowed too
};

struct ProviderConfig {
    std::string name;  // NAME of [provider.NAME]
    std::string kind;
    std::string base_url;
    std::string api_key;
    std::string auth;  // "none" for keyless servers
    int connect_timeout_s{};
    int timeout_s{};
    int idle_timeout_s{};
    int retries{};
    std::string fallback;  // "provider/model, provider/model"
    std::string headers;   // extra headers: "Name: value | Name: value"
    long max_response_bytes{};
    std::string tool_schema;  // gemini: "jsonschema" (parametersJsonSchema) | "openapi" (Gemini's OpenAPI subset)
    MediaFetchConfig media;   // [providers]' media settings, copied into each provider at load
};

struct ProvidersConfig {
    std::string default_provider;
    int models_cache_s{};
    MediaFetchConfig media;
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
// A readable secrets.env beside `path` (KEY=VALUE lines, as systemd's
// EnvironmentFile; the package's /etc/llm-service-api/secrets.env) adds
// overrides for the variables `env` does not set: the tools and the daemon
// need no sourcing, and a reload (SIGHUP) reads it again.
// On failure returns false and sets `error` to one line naming the key.
// `require_secret` = false for tools that never touch tokens (llm-api-admin).
bool load_config(const std::string& path, const char* const* env, Config& out, std::string& error,
                 bool require_secret = true);

// The same from INI text already in memory (used by tests).
bool load_config_text(const std::string& text, const char* const* env, Config& out, std::string& error,
                      bool require_secret = true);

}  // namespace llmapi::config
