#include "config/settings.h"

#include <algorithm>

#include "config/config.h"

namespace llmapi::config {

namespace {

template <auto Section, auto Member>
Field at(Config& c) {
    return &(c.*Section.*Member);
}

template <auto Section, auto Group, auto Member>
Field at(Config& c) {
    return &(c.*Section.*Group.*Member);
}

template <auto Member>
Field in_provider(Config& c) {
    return &(c.providers.providers.back().*Member);
}

Setting text(const char* section, const char* key, const char* def, Field (*field)(Config&), const char* help) {
    return {section, key, Type::String, 0, 0, def, help, field};
}

Setting integer(const char* section, const char* key, long min, long max, const char* def, Field (*field)(Config&),
                const char* help) {
    return {section, key, Type::Integer, min, max, def, help, field};
}

Setting boolean(const char* section, const char* key, const char* def, Field (*field)(Config&), const char* help) {
    return {section, key, Type::Boolean, 0, 0, def, help, field};
}

constexpr long kTenYears = 10L * 365 * 86400;

using S = ServerConfig;
using D = DatabaseConfig;
using J = JwtConfig;
using A = AuthConfig;
using L = LimitsConfig;
using P = ProvidersConfig;
using One = ProviderConfig;
constexpr auto kServer = &Config::server;
constexpr auto kDb = &Config::database;
constexpr auto kJwt = &Config::jwt;
constexpr auto kAuth = &Config::auth;
constexpr auto kLimits = &Config::limits;
constexpr auto kProviders = &Config::providers;
constexpr const char* kP = kProviderTemplate;

// In a function so no static initialiser elsewhere can see it unbuilt.
const std::vector<Setting>& table() {
    static const std::vector<Setting> kSettings = {
        integer("server", "port", 1, 65535, "8000", at<kServer, &S::port>, "nginx listens on <bind>:<port>, plain HTTP"),
        text("server", "bind", "127.0.0.1", at<kServer, &S::bind>,
             "the address nginx listens on (0.0.0.0, :: or one of the host's); rendered into nginx's site"),
        integer("server", "tls_port", 0, 65535, "0", at<kServer, &S::tls_port>,
                "nginx also listens on <bind>:<tls_port> with TLS and HTTP/2 (0 = off)"),
        text("server", "tls_cert", "", at<kServer, &S::tls_cert>, "PEM certificate chain for tls_port (read by nginx)"),
        text("server", "tls_key", "", at<kServer, &S::tls_key>, "PEM private key for tls_port (read by nginx)"),
        boolean("server", "http_redirect", "false", at<kServer, &S::http_redirect>,
                "with tls_port: plain-HTTP requests from non-loopback clients get 308 to HTTPS"),
        text("server", "trusted_proxies", "", at<kServer, &S::trusted_proxies>,
             "addresses or CIDRs (comma-separated) of load balancers whose X-Forwarded-For nginx believes"),
        integer("server", "workers", 1, 256, "2", at<kServer, &S::workers>, "FastCGI worker processes"),
        integer("server", "threads", 1, 4096, "64", at<kServer, &S::threads>,
                "request threads per worker for everything but chats (they stay free for it)"),
        integer("server", "max_streams", 1, 16384, "2048", at<kServer, &S::max_streams>,
                "chat requests per worker, each on a thread of its own (a host takes workers x this); "
                "more get 503 at once"),
        integer("server", "thread_stack_kb", 128, 65536, "512", at<kServer, &S::thread_stack_kb>,
                "stack of each request thread (address space; memory is what a thread touches)"),
        integer("server", "max_body_bytes", 1024, 1L << 30, "1048576", at<kServer, &S::max_body_bytes>,
                "larger request bodies get 413 (nginx and workers)"),
        text("server", "socket", "/run/llm-service-api/fcgi.sock", at<kServer, &S::socket>,
             "FastCGI between nginx and the workers: a unix socket path, or IPv4:port for web servers on other hosts"),
        text("server", "fcgi_allowed_addresses", "", at<kServer, &S::fcgi_allowed_addresses>,
             "with a host:port socket: the web servers' IPv4 addresses (comma-separated), the only peers accepted"),
        text("server", "priority_socket", "/run/llm-service-api/fcgi-priority.sock", at<kServer, &S::priority_socket>,
             "nginx sends /healthz and /metrics here (a path or IPv4:port): their own threads, never queued behind chats"),
        integer("server", "priority_threads", 1, 256, "4", at<kServer, &S::priority_threads>,
                "threads of the lane, the process on the priority socket (real-time priority)"),
        text("server", "socket_group", "www-data", at<kServer, &S::socket_group>,
             "the socket is mode 0660 in this group, which nginx's user must be in"),
        integer("server", "listen_backlog", 16, 65535, "4096", at<kServer, &S::listen_backlog>,
                "requests waiting for a free thread queue here (capped by net.core.somaxconn)"),
        integer("server", "shutdown_timeout_s", 0, 3600, "30", at<kServer, &S::shutdown_timeout_s>,
                "on SIGTERM, in-flight requests get this long to finish"),
        text("server", "spool_dir", "/var/spool/llm-service-api", at<kServer, &S::spool_dir>,
             "usage rows wait here while the database is unreachable"),
        integer("server", "health_check_ms", 50, 10000, "250", at<kServer, &S::health_check_ms>,
                "each worker pings the database this often; /healthz answers from the latest ping (503 once it "
                "failed, or none ended for 4 x this + 1 s)"),
        integer("server", "usage_flush_ms", 0, 10000, "100", at<kServer, &S::usage_flush_ms>,
                "usage rows gather this long, then go in as one transaction (0 = at once)"),
        text("server", "access_log", "", at<kServer, &S::access_log>,
             "one JSON line per request to this file; empty or - = standard error"),
        text("server", "error_log", "", at<kServer, &S::error_log>,
             "errors and notices to this file; empty or - = standard error. Both files reopened on SIGUSR1"),

        text("database", "host", "127.0.0.1", at<kDb, &D::host>, "MariaDB host"),
        integer("database", "port", 1, 65535, "3306", at<kDb, &D::port>, "MariaDB port"),
        text("database", "socket", "", at<kDb, &D::socket>, "a unix socket path wins over host/port when set"),
        text("database", "name", "llm_api", at<kDb, &D::name>, "the database"),
        text("database", "user", "llm_api", at<kDb, &D::user>, "the database user"),
        text("database", "password", "", at<kDb, &D::password>, "secret: prefer LLMAPI_DATABASE_PASSWORD"),
        integer("database", "pool_size", 1, 1024, "8", at<kDb, &D::pool_size>,
                "connections per worker process, borrowed per query, not per request"),
        integer("database", "connect_timeout_s", 1, 300, "3", at<kDb, &D::connect_timeout_s>,
                "a dead database answers 503 after this, instead of hanging"),
        integer("database", "borrow_timeout_ms", 1, 600000, "5000", at<kDb, &D::borrow_timeout_ms>,
                "waiting longer than this for a free pooled connection is a 503"),

        text("jwt", "secret", "", at<kJwt, &J::secret>,
             "required, at least 32 bytes; secret: prefer LLMAPI_JWT_SECRET"),
        integer("jwt", "access_lifetime_s", 1, kTenYears, "300", at<kJwt, &J::access_lifetime_s>,
                "simplejwt's default: 5 minutes"),
        integer("jwt", "refresh_lifetime_s", 1, kTenYears, "86400", at<kJwt, &J::refresh_lifetime_s>, "1 day"),
        boolean("jwt", "rotate_refresh", "false", at<kJwt, &J::rotate_refresh>,
                "true: /api/token/refresh/ also returns a new refresh token and blacklists the one it was given"),

        integer("auth", "min_password_length", 1, 4096, "8", at<kAuth, &A::min_password_length>,
                "shorter passwords are refused at signup"),
        integer("auth", "max_concurrent_hashes", 1, 256, "2", at<kAuth, &A::max_concurrent_hashes>,
                "per worker; each argon2id hash takes ~100 MiB"),
        integer("auth", "user_cache_ms", 0, 3600L * 1000, "1000", at<kAuth, &A::user_cache_ms>,
                "the Bearer check reads a user's row (and an API key's) at most once per this long per worker; "
                "0 = every request"),
        integer("auth", "max_keys_per_user", 1, 100000, "20", at<kAuth, &A::max_keys_per_user>,
                "live (neither revoked nor expired) API keys a user may hold"),
        integer("auth", "hash_wait_ms", 0, 600000, "1000", at<kAuth, &A::hash_wait_ms>,
                "a login or signup waiting longer for the hash gate gets 503"),
        integer("auth", "login_rate_per_minute", 1, 6000000, "60", at<kAuth, &A::login_rate_per_minute>,
                "per client address, on /api/token/ and /api/signup/ (nginx limit_req); more get 429"),
        integer("auth", "login_burst", 0, 100000, "30", at<kAuth, &A::login_burst>,
                "requests a client address may send at once above that rate"),

        integer("limits", "requests_per_minute", 0, 1L << 40, "60", at<kLimits, &L::requests_per_minute>,
                "per user; 0 = unlimited"),
        integer("limits", "tokens_per_day", 0, 1L << 50, "0", at<kLimits, &L::tokens_per_day>,
                "per user; 0 = unlimited"),
        integer("limits", "max_concurrent_requests", 0, 1000000, "20", at<kLimits, &L::max_concurrent_requests>,
                "chat requests a user may have in progress on a host at once; 0 = unlimited"),

        text("providers", "default", "openai", at<kProviders, &P::default_provider>,
             "used when a request names no provider"),
        integer("providers", "models_cache_s", 0, 86400 * 30, "300", at<kProviders, &P::models_cache_s>,
                "how long each provider's model list is cached"),
        boolean("providers", "fetch_remote_media", "true", at<kProviders, &P::media, &config::MediaFetchConfig::enabled>,
                "download http(s) image URLs for providers that take images inline only (Gemini)"),
        integer("providers", "media_max_bytes", 1, 1L << 30, "20971520",
                at<kProviders, &P::media, &config::MediaFetchConfig::max_bytes>, "a larger remote image is refused"),
        integer("providers", "media_timeout_s", 1, 600, "10", at<kProviders, &P::media, &config::MediaFetchConfig::timeout_s>,
                "for the whole download, redirects included"),
        boolean("providers", "media_allow_private", "false",
                at<kProviders, &P::media, &config::MediaFetchConfig::allow_private>,
                "true: also fetch from loopback, private, link-local and metadata addresses"),

        text(kP, "kind", "openai", in_provider<&One::kind>, "the wire protocol: openai | gemini"),
        text(kP, "base_url", "", in_provider<&One::base_url>, "e.g. https://api.openai.com/v1"),
        text(kP, "api_key", "", in_provider<&One::api_key>, "secret: prefer LLMAPI_PROVIDER_<NAME>_API_KEY"),
        text(kP, "auth", "", in_provider<&One::auth>, "none = a keyless server such as Ollama (no key is sent)"),
        integer(kP, "connect_timeout_s", 1, 3600, "5", in_provider<&One::connect_timeout_s>, "per attempt"),
        integer(kP, "timeout_s", 1, 86400, "600", in_provider<&One::timeout_s>, "total per attempt"),
        integer(kP, "idle_timeout_s", 1, 86400, "60", in_provider<&One::idle_timeout_s>,
                "longest silence between bytes"),
        integer(kP, "retries", 0, 10, "2", in_provider<&One::retries>,
                "on connect errors, 429 and 5xx, before the first byte reaches the client"),
        text(kP, "fallback", "", in_provider<&One::fallback>, "e.g. gemini/gemini-2.0-flash, inhouse/llama3"),
        text(kP, "headers", "", in_provider<&One::headers>, "extra request headers: Name: value | Name: value"),
        integer(kP, "max_response_bytes", 1024, 1L << 34, "67108864", in_provider<&One::max_response_bytes>,
                "a larger upstream response fails the attempt"),
        text(kP, "tool_schema", "jsonschema", in_provider<&One::tool_schema>,
             "gemini: jsonschema | openapi (schemas converted to Gemini's OpenAPI subset)"),
    };
    return kSettings;
}

bool is_provider_instance(const std::string& section) {
    static const std::string prefix = "provider.";
    return section.size() > prefix.size() && section.compare(0, prefix.size(), prefix) == 0;
}

// "key = value" then "; help" from column 29, as app.ini lays them out.
std::string line(const std::string& prefix, const Setting& s) {
    std::string out = prefix + s.key + " = " + s.default_value;
    out.resize(std::max<size_t>(out.size() + 1, 28), ' ');
    out += std::string("; ") + s.help;
    if (s.type == Type::Integer) out += " (" + std::to_string(s.min) + " to " + std::to_string(s.max) + ")";
    return out + "\n";
}

}  // namespace

const std::vector<Setting>& settings() { return table(); }

std::string declared_section(const std::string& section) {
    return is_provider_instance(section) ? kProviderTemplate : section;
}

bool is_declared_section(const std::string& declared) {
    for (const Setting& s : table())
        if (declared == s.section) return true;
    return false;
}

const Setting* find_setting(const std::string& declared, const std::string& key) {
    for (const Setting& s : table())
        if (declared == s.section && key == s.key) return &s;
    return nullptr;
}

std::string describe() {
    std::string out =
        "; Every setting llm-api-fcgi reads, with its default. Each can be overridden by\n"
        "; LLMAPI_<SECTION>_<KEY>; an unknown section or key stops loading.\n";
    std::string section;
    for (const Setting& s : table()) {
        const bool provider = s.section == std::string(kProviderTemplate);
        if (section != s.section) {
            section = s.section;
            if (provider)
                out += "\n; Every [provider.NAME] section takes these keys; a key it leaves out has this default.\n"
                       "; [" + section + "]\n";
            else
                out += "\n[" + section + "]\n";
        }
        out += line(provider ? "; " : "", s);
    }
    return out;
}

}  // namespace llmapi::config
