// llmapi::config: INI syntax, LLMAPI_* environment overrides, validation, the
// declaration of every setting and conf/app.ini's agreement with it.
#include "config/config.h"
#include "config/endpoint.h"

#include <cppunit/extensions/HelperMacros.h>

#include <climits>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>

#include "config/ini.h"
#include "config/settings.h"

using llmapi::config::Config;
using llmapi::config::load_config;
using llmapi::config::load_config_text;
using llmapi::config::Setting;
using llmapi::config::settings;
using llmapi::config::Type;

namespace {

const char* const kSecretEnv[] = {"LLMAPI_JWT_SECRET=0123456789abcdef0123456789abcdef", nullptr};

// Loads text that must be valid.
Config load_ok(const std::string& text, const char* const* env = kSecretEnv) {
    Config c;
    std::string error;
    CPPUNIT_ASSERT_MESSAGE("unexpected error: " + error, load_config_text(text, env, c, error));
    CPPUNIT_ASSERT_EQUAL(std::string(), error);
    return c;
}

// Loads text that must be refused; checks the error is one line and contains `needle`.
std::string load_error(const std::string& text, const std::string& needle, const char* const* env = kSecretEnv) {
    Config c;
    std::string error;
    CPPUNIT_ASSERT_MESSAGE("accepted: " + text, !load_config_text(text, env, c, error));
    CPPUNIT_ASSERT_MESSAGE("not one line: " + error, error.find('\n') == std::string::npos);
    CPPUNIT_ASSERT_MESSAGE("'" + error + "' lacks '" + needle + "'", error.find(needle) != std::string::npos);
    return error;
}

bool is_template(const Setting& s) { return s.section == std::string(llmapi::config::kProviderTemplate); }

// A setting's value in `c` as app.ini writes it (a provider.* key: in c's last provider).
std::string value_text(const Setting& s, Config& c) {
    struct Text {
        std::string operator()(const std::string* v) const { return *v; }
        std::string operator()(const int* v) const { return std::to_string(*v); }
        std::string operator()(const long* v) const { return std::to_string(*v); }
        std::string operator()(const bool* v) const { return *v ? "true" : "false"; }
    };
    return std::visit(Text{}, s.field(c));
}

// The settings an INI text documents: its sections and keys, active or
// commented out ("; key = value"), a commented "; [provider.*]" header
// included. Returns what disagrees with the declaration, one line each:
// a key missing or undeclared, a default other than the declared one.
// [provider.NAME] sections are examples: their keys must be declared, their
// values are free (the load checks them).
std::string documentation_errors(const std::string& ini_text) {
    static const std::regex documented(R"(^\s*;\s*(\[[a-z.*_]+\]\s*(;.*)?|[a-z_]+\s*=.*)$)");
    std::istringstream in(ini_text);
    std::string uncommented, line;
    while (std::getline(in, line)) {
        if (std::regex_match(line, documented)) line.erase(0, line.find(';') + 1);
        uncommented += line + "\n";
    }
    llmapi::config::Ini ini;
    if (auto e = llmapi::config::parse_ini(uncommented, ini))
        return "line " + std::to_string(e->line) + ": " + e->message;

    std::string errors;
    std::set<std::string> seen;  // "section key" of each declared key documented
    for (const auto& section : ini.sections) {
        const std::string declared = llmapi::config::declared_section(section.name);
        const bool example = declared != section.name;
        for (const auto& e : section.entries) {
            const Setting* s = llmapi::config::find_setting(declared, e.key);
            const std::string at = "line " + std::to_string(e.line) + ": [" + section.name + "] " + e.key;
            if (!s) errors += at + " is not declared\n";
            else if (!example && e.value != s->default_value)
                errors += at + " = " + e.value + ", declared default " + s->default_value + "\n";
            if (s && !example) seen.insert(declared + " " + e.key);
        }
    }
    for (const Setting& s : settings())
        if (!seen.count(std::string(s.section) + " " + s.key))
            errors += std::string("[") + s.section + "] " + s.key + " is not documented\n";
    return errors;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    CPPUNIT_ASSERT_MESSAGE("cannot read " + path, in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

class ConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigTest);
    CPPUNIT_TEST(testDefaultsMatchApiMd);
    CPPUNIT_TEST(testApiMdExampleFile);
    CPPUNIT_TEST(testComments);
    CPPUNIT_TEST(testEnvOverrides);
    CPPUNIT_TEST(testEnvProviderSections);
    CPPUNIT_TEST(testEnvForSectionAbsentFromFile);
    CPPUNIT_TEST(testEnvValuesAreValidated);
    CPPUNIT_TEST(testJwtSecretRequired);
    CPPUNIT_TEST(testIntegerErrors);
    CPPUNIT_TEST(testBooleans);
    CPPUNIT_TEST(testProviderErrors);
    CPPUNIT_TEST(testSyntaxErrors);
    CPPUNIT_TEST(testMissingFile);
    CPPUNIT_TEST(testDeclarationIsConsistent);
    CPPUNIT_TEST(testDefaultsAreTheDeclared);
    CPPUNIT_TEST(testDeclaredRangesRefused);
    CPPUNIT_TEST(testUnknownKey);
    CPPUNIT_TEST(testUnknownKeyInFile);
    CPPUNIT_TEST(testUnknownSection);
    CPPUNIT_TEST(testUnknownEnvOverride);
    CPPUNIT_TEST(testListening);
    CPPUNIT_TEST(testFastCgiSockets);
    CPPUNIT_TEST(testSecretsFileBeside);
    CPPUNIT_TEST(testShippedAppIni);
    CPPUNIT_TEST(testDocumentationCheck);
    CPPUNIT_TEST(testDescribe);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDefaultsMatchApiMd() {
        const Config c = load_ok("");
        CPPUNIT_ASSERT_EQUAL(8000, c.server.port);
        CPPUNIT_ASSERT_EQUAL(2, c.server.workers);
        CPPUNIT_ASSERT_EQUAL(64, c.server.threads);
        CPPUNIT_ASSERT_EQUAL(2048, c.server.max_streams);
        CPPUNIT_ASSERT_EQUAL(20L, c.limits.max_concurrent_requests);
        CPPUNIT_ASSERT_EQUAL(1048576L, c.server.max_body_bytes);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), c.database.host);
        CPPUNIT_ASSERT_EQUAL(3306, c.database.port);
        CPPUNIT_ASSERT_EQUAL(std::string(), c.database.socket);
        CPPUNIT_ASSERT_EQUAL(std::string("llm_api"), c.database.name);
        CPPUNIT_ASSERT_EQUAL(std::string("llm_api"), c.database.user);
        CPPUNIT_ASSERT_EQUAL(std::string(), c.database.password);
        CPPUNIT_ASSERT_EQUAL(8, c.database.pool_size);
        CPPUNIT_ASSERT_EQUAL(std::string("0123456789abcdef0123456789abcdef"), c.jwt.secret);
        CPPUNIT_ASSERT_EQUAL(300L, c.jwt.access_lifetime_s);
        CPPUNIT_ASSERT_EQUAL(86400L, c.jwt.refresh_lifetime_s);
        CPPUNIT_ASSERT(!c.jwt.rotate_refresh);
        CPPUNIT_ASSERT_EQUAL(8, c.auth.min_password_length);
        CPPUNIT_ASSERT_EQUAL(1000L, c.auth.user_cache_ms);
        CPPUNIT_ASSERT_EQUAL(100L, c.server.usage_flush_ms);
        CPPUNIT_ASSERT_EQUAL(60L, c.limits.requests_per_minute);
        CPPUNIT_ASSERT_EQUAL(0L, c.limits.tokens_per_day);
        CPPUNIT_ASSERT_EQUAL(std::string("openai"), c.providers.default_provider);
        CPPUNIT_ASSERT_EQUAL(300, c.providers.models_cache_s);
        CPPUNIT_ASSERT(c.providers.providers.empty());
    }

    // The provider part of API.md section 6, with its inline comments.
    void testApiMdExampleFile() {
        const Config c = load_ok(
            "[providers]\ndefault = openai\nmodels_cache_s = 300\n\n"
            "[provider.openai]\nkind = openai               ; openai | gemini\n"
            "base_url = https://api.openai.com/v1\napi_key =\nconnect_timeout_s = 5\ntimeout_s = 600\n"
            "idle_timeout_s = 60\nretries = 2\nfallback =                  ; e.g. gemini/gemini-2.0-flash\n\n"
            "[provider.gemini]\nkind = gemini\nbase_url = https://generativelanguage.googleapis.com/v1beta\n"
            "api_key =\n\n[provider.inhouse]\nkind = openai\nbase_url = http://127.0.0.1:11434/v1\napi_key =\n");
        const auto& p = c.providers.providers;
        CPPUNIT_ASSERT_EQUAL(size_t(3), p.size());
        CPPUNIT_ASSERT_EQUAL(std::string("openai"), p[0].name);
        CPPUNIT_ASSERT_EQUAL(std::string("openai"), p[0].kind);
        CPPUNIT_ASSERT_EQUAL(std::string(""), p[0].fallback);
        CPPUNIT_ASSERT_EQUAL(std::string("https://api.openai.com/v1"), p[0].base_url);
        CPPUNIT_ASSERT_EQUAL(std::string("gemini"), p[1].name);
        CPPUNIT_ASSERT_EQUAL(std::string("gemini"), p[1].kind);
        CPPUNIT_ASSERT_EQUAL(std::string("inhouse"), p[2].name);
        CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:11434/v1"), p[2].base_url);
        // Keys the gemini section leaves out take the documented defaults.
        CPPUNIT_ASSERT_EQUAL(5, p[1].connect_timeout_s);
        CPPUNIT_ASSERT_EQUAL(600, p[1].timeout_s);
        CPPUNIT_ASSERT_EQUAL(60, p[1].idle_timeout_s);
        CPPUNIT_ASSERT_EQUAL(2, p[1].retries);
        CPPUNIT_ASSERT_EQUAL(std::string(), p[1].api_key);
    }

    void testComments() {
        const Config c = load_ok(
            "; leading comment\n# another\n   ; indented comment\n"
            "[server]   ; header comment\n"
            "port = 9001 ; trailing\n"
            "workers = 3\t# tab then hash\n"
            "socket = /run/a#b.sock\n"
            "[database]\n"
            "password = p#ss;word\n"
            "host = db.local # trailing hash\n"
            "name=  spaced  \n");
        CPPUNIT_ASSERT_EQUAL(9001, c.server.port);
        CPPUNIT_ASSERT_EQUAL(3, c.server.workers);
        CPPUNIT_ASSERT_EQUAL(std::string("/run/a#b.sock"), c.server.socket);
        CPPUNIT_ASSERT_EQUAL(std::string("p#ss;word"), c.database.password);
        CPPUNIT_ASSERT_EQUAL(std::string("db.local"), c.database.host);
        CPPUNIT_ASSERT_EQUAL(std::string("spaced"), c.database.name);
    }

    void testEnvOverrides() {
        const char* const env[] = {"PATH=/usr/bin",
                                   "LLMAPI_SERVER_PORT=9100",
                                   "LLMAPI_JWT_SECRET=ffffffffffffffffffffffffffffffff-env",
                                   "LLMAPI_JWT_ROTATE_REFRESH=yes",
                                   "LLMAPI_DATABASE_PASSWORD=a=b c",  // first '=' splits
                                   "LLMAPI_LIMITS_TOKENS_PER_DAY=5000",
                                   "LLMAPI_NOSUCH_KEY=1",
                                   nullptr};
        const Config c = load_ok("[server]\nport = 8001\n[jwt]\nsecret = file-secret-file-secret-file-secret\n", env);
        CPPUNIT_ASSERT_EQUAL(9100, c.server.port);
        CPPUNIT_ASSERT_EQUAL(std::string("ffffffffffffffffffffffffffffffff-env"), c.jwt.secret);
        CPPUNIT_ASSERT(c.jwt.rotate_refresh);
        CPPUNIT_ASSERT_EQUAL(std::string("a=b c"), c.database.password);
        CPPUNIT_ASSERT_EQUAL(5000L, c.limits.tokens_per_day);
        CPPUNIT_ASSERT_EQUAL(2, c.server.workers);  // untouched
    }

    void testEnvProviderSections() {
        const char* const env[] = {kSecretEnv[0],
                                   "LLMAPI_PROVIDER_OPENAI_API_KEY=sk-from-env",
                                   "LLMAPI_PROVIDER_GHOST_API_KEY=sk-ghost",  // no [provider.ghost]: ignored
                                   "LLMAPI_PROVIDERS_DEFAULT=gemini",
                                   nullptr};
        const Config c = load_ok("[provider.openai]\napi_key = sk-from-file\n[provider.gemini]\nkind = gemini\n", env);
        const auto& p = c.providers.providers;
        CPPUNIT_ASSERT_EQUAL(size_t(2), p.size());
        CPPUNIT_ASSERT_EQUAL(std::string("sk-from-env"), p[0].api_key);
        CPPUNIT_ASSERT_EQUAL(std::string(), p[1].api_key);
        CPPUNIT_ASSERT_EQUAL(std::string("gemini"), c.providers.default_provider);
    }

    void testEnvForSectionAbsentFromFile() {
        const char* const env[] = {kSecretEnv[0], "LLMAPI_DATABASE_PASSWORD=only-in-env",
                                   "LLMAPI_AUTH_MIN_PASSWORD_LENGTH=12", nullptr};
        const Config c = load_ok("[server]\nport = 8000\n", env);
        CPPUNIT_ASSERT_EQUAL(std::string("only-in-env"), c.database.password);
        CPPUNIT_ASSERT_EQUAL(12, c.auth.min_password_length);
        // With no file sections at all the secret comes from the environment alone.
        CPPUNIT_ASSERT_EQUAL(std::string("0123456789abcdef0123456789abcdef"), load_ok("").jwt.secret);
    }

    void testEnvValuesAreValidated() {
        const char* const env[] = {kSecretEnv[0], "LLMAPI_SERVER_WORKERS=many", nullptr};
        load_error("", "[server] workers", env);
        load_error("[auth]\nuser_cache_ms = -1\n", "[auth] user_cache_ms");
        load_error("[server]\nusage_flush_ms = 20000\n", "[server] usage_flush_ms");
        CPPUNIT_ASSERT_EQUAL(0L, load_ok("[auth]\nuser_cache_ms = 0\n").auth.user_cache_ms);
    }

    void testJwtSecretRequired() {
        const char* const none[] = {nullptr};
        std::string e = load_error("[server]\nport = 8000\n", "[jwt] secret", none);
        CPPUNIT_ASSERT(e.find("required") != std::string::npos);
        load_error("", "[jwt] secret", nullptr);
        e = load_error("[jwt]\nsecret = 0123456789abcdef0123456789abcde\n", "[jwt] secret", none);  // 31 bytes
        CPPUNIT_ASSERT(e.find("at least 32 bytes") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(size_t(32), load_ok("[jwt]\nsecret = 0123456789abcdef0123456789abcdef\n", none)
                                             .jwt.secret.size());
    }

    void testIntegerErrors() {
        CPPUNIT_ASSERT(load_error("[server]\nport = 80a\n", "[server] port").find("'80a'") != std::string::npos);
        load_error("[server]\nport = 65536\n", "[server] port");
        load_error("[server]\nport = 0\n", "[server] port");
        load_error("[server]\nport =\n", "[server] port");
        load_error("[server]\nport = 8000.5\n", "[server] port");
        load_error("[server]\nworkers = 0\n", "[server] workers");
        load_error("[server]\nworkers = 257\n", "[server] workers");
        load_error("[server]\nworkers = 99999999999999999999\n", "[server] workers");
        load_error("[jwt]\naccess_lifetime_s = -1\n", "[jwt] access_lifetime_s");
        CPPUNIT_ASSERT_EQUAL(256, load_ok("[server]\nworkers = 256\n").server.workers);
        CPPUNIT_ASSERT_EQUAL(65535, load_ok("[server]\nport = 65535\n").server.port);
    }

    void testBooleans() {
        const std::string e = load_error("[jwt]\nrotate_refresh = maybe\n", "[jwt] rotate_refresh");
        CPPUNIT_ASSERT(e.find("'maybe'") != std::string::npos);
        for (const char* t : {"true", "yes", "on", "1"})
            CPPUNIT_ASSERT(load_ok(std::string("[jwt]\nrotate_refresh = ") + t + "\n").jwt.rotate_refresh);
        for (const char* f : {"false", "no", "off", "0"})
            CPPUNIT_ASSERT(!load_ok(std::string("[jwt]\nrotate_refresh = ") + f + "\n").jwt.rotate_refresh);
    }

    void testProviderErrors() {
        // Which kinds exist is the providers layer's to check; config only wants one.
        CPPUNIT_ASSERT_EQUAL(std::string("config: [provider.x] kind is required"),
                             load_error("[provider.x]\nkind =\n", "kind"));
        load_error("[provider.x]\nretries = 11\n", "[provider.x] retries");
        load_error("[provider.x]\nauth = basic\n", "[provider.x] auth");
        load_error("[provider.x]\nkind = gemini\ntool_schema = xml\n", "[provider.x] tool_schema must be jsonschema or openapi");
        CPPUNIT_ASSERT_EQUAL(std::string("jsonschema"), load_ok("[provider.g]\nkind = gemini\n").providers.providers[0].tool_schema);
        CPPUNIT_ASSERT_EQUAL(std::string("openapi"),
                             load_ok("[provider.g]\nkind = gemini\ntool_schema = openapi\n").providers.providers[0].tool_schema);
        CPPUNIT_ASSERT_EQUAL(std::string("none"), load_ok("[provider.local]\nauth = none\n").providers.providers[0].auth);
    }

    void testSyntaxErrors() {
        CPPUNIT_ASSERT_EQUAL(std::string("config: line 3: malformed section header"),
                             load_error("[server]\nport = 8000\n[database\nhost = x\n", "line 3"));
        load_error("[server] junk\n", "line 1: malformed section header");
        load_error("\n[]\n", "line 2: empty section name");
        CPPUNIT_ASSERT_EQUAL(std::string("config: line 2: expected 'key = value'"),
                             load_error("[server]\nport 8000\n", "line 2"));
        load_error("port = 8000\n", "line 1: key outside of any [section]");
        load_error("[server]\n = 8000\n", "line 2: empty key");
    }

    void testMissingFile() {
        Config c;
        std::string error;
        CPPUNIT_ASSERT(!load_config("/nonexistent/llmapi/app.ini", kSecretEnv, c, error));
        CPPUNIT_ASSERT_EQUAL(std::string("config: cannot read /nonexistent/llmapi/app.ini"), error);
    }

    // Each row's member has the row's type; an int member's range fits an int.
    void testDeclarationIsConsistent() {
        Config c;
        c.providers.providers.emplace_back();
        std::set<std::string> keys;
        for (const Setting& s : settings()) {
            const std::string id = std::string(s.section) + " " + s.key;
            CPPUNIT_ASSERT_MESSAGE("declared twice: " + id, keys.insert(id).second);
            const auto field = s.field(c);
            switch (s.type) {
            case Type::String: CPPUNIT_ASSERT_MESSAGE(id, std::holds_alternative<std::string*>(field)); break;
            case Type::Boolean: CPPUNIT_ASSERT_MESSAGE(id, std::holds_alternative<bool*>(field)); break;
            case Type::Integer:
                CPPUNIT_ASSERT_MESSAGE(id, std::holds_alternative<int*>(field) || std::holds_alternative<long*>(field));
                CPPUNIT_ASSERT_MESSAGE(id, s.min <= s.max);
                if (std::holds_alternative<int*>(field))
                    CPPUNIT_ASSERT_MESSAGE(id, s.min >= INT_MIN && s.max <= INT_MAX);
                break;
            }
            CPPUNIT_ASSERT_MESSAGE("no help: " + id, *s.help != '\0');
        }
    }

    // An empty file (and an empty provider section) gives every declared default.
    void testDefaultsAreTheDeclared() {
        Config c;
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, load_config_text("[provider.p]\n", nullptr, c, error, /*require_secret=*/false));
        for (const Setting& s : settings()) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(s.section) + " " + s.key, std::string(s.default_value),
                                         value_text(s, c));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("p"), c.providers.providers.at(0).name);
    }

    // Values just outside each declared range, and a non-boolean, keep their messages.
    void testDeclaredRangesRefused() {
        for (const Setting& s : settings()) {
            const std::string section = is_template(s) ? "provider.x" : s.section;
            const std::string head = "config: [" + section + "] " + s.key + " must be ";
            const auto refused = [&](const std::string& value, const std::string& why) {
                CPPUNIT_ASSERT_EQUAL(head + why + ", got '" + value + "'",
                                     load_error("[" + section + "]\n" + s.key + " = " + value + "\n", s.key));
            };
            const std::string range = "an integer from " + std::to_string(s.min) + " to " + std::to_string(s.max);
            if (s.type == Type::Integer) {
                refused(std::to_string(s.min - 1), range);
                refused(std::to_string(s.max + 1), range);
                refused("12x", range);
            }
            if (s.type == Type::Boolean) refused("maybe", "true or false");
        }
    }

    void testUnknownKey() {
        CPPUNIT_ASSERT_EQUAL(std::string("config: line 3: unknown key 'thread' in [server]"),
                             load_error("[server]\nport = 8000\nthread = 8\n", "thread"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: line 4: unknown key 'api_kye' in [provider.x]"),
                             load_error("[server]\n[provider.x]\nkind = openai\napi_kye = k\n", "api_kye"));
        // A typo is named even where a bad value comes first, and a
        // provider.* key is no key of [providers].
        load_error("[server]\nport = x\nthread = 8\n", "line 3: unknown key 'thread'");
        load_error("[providers]\nbase_url = x\n", "unknown key 'base_url' in [providers]");
    }

    void testUnknownKeyInFile() {
        char path[] = "/tmp/llmapi-test-config-XXXXXX";
        const int fd = mkstemp(path);
        CPPUNIT_ASSERT(fd >= 0);
        const std::string text = "; comment\n[server]\nworkers = 2\n\nthread = 8   ; typo\n";
        CPPUNIT_ASSERT_EQUAL(ssize_t(text.size()), write(fd, text.data(), text.size()));
        close(fd);
        Config c;
        std::string error;
        const bool ok = load_config(path, kSecretEnv, c, error);
        std::remove(path);
        CPPUNIT_ASSERT(!ok);
        CPPUNIT_ASSERT_EQUAL("config: " + std::string(path) + ":5: unknown key 'thread' in [server]", error);
    }

    void testUnknownSection() {
        CPPUNIT_ASSERT_EQUAL(std::string("config: line 2: unknown section [sever]"),
                             load_error("\n[sever]\nport = 8000\n", "[sever]"));
        load_error("[provider]\nkind = openai\n", "line 1: unknown section [provider]");
        load_error("[provider.]\n", "line 1: unknown section [provider.]");
        load_error("[server]\n[Server]\n", "line 2: unknown section [Server]");
        // The template only documents; uncommented, it is no provider named "*".
        load_error("[provider.*]\nretries = 3\n", "line 1: unknown section [provider.*]");
    }

    void testUnknownEnvOverride() {
        const char* const typo[] = {kSecretEnv[0], "LLMAPI_SERVER_THREAD=8", nullptr};
        CPPUNIT_ASSERT_EQUAL(
            std::string("config: environment variable LLMAPI_SERVER_THREAD: unknown key 'thread' in [server]"),
            load_error("", "LLMAPI_SERVER_THREAD", typo));
        const char* const provider[] = {kSecretEnv[0], "LLMAPI_PROVIDER_OPENAI_APIKEY=sk", nullptr};
        load_error("[provider.openai]\n", "LLMAPI_PROVIDER_OPENAI_APIKEY: unknown key 'apikey' in [provider.openai]",
                   provider);
        // Variables of no existing section are not overrides (the tests' own
        // LLMAPI_TEST_URL, a provider whose section is absent): left alone.
        const char* const other[] = {kSecretEnv[0], "LLMAPI_TEST_URL=http://x", "LLMAPI_PROVIDER_GHOST_API_KEY=k",
                                     nullptr};
        CPPUNIT_ASSERT(load_ok("", other).providers.providers.empty());
    }

    // What nginx's site is rendered from ([server] bind, tls_*, trusted_proxies).
    void testListening() {
        const Config d = load_ok("");
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), d.server.bind);
        CPPUNIT_ASSERT_EQUAL(0, d.server.tls_port);
        CPPUNIT_ASSERT(!d.server.http_redirect);
        const Config c = load_ok(
            "[server]\nbind = ::\ntls_port = 443\ntls_cert = /etc/ssl/certs/a.pem\n"
            "tls_key = /etc/ssl/private/a.key\nhttp_redirect = true\ntrusted_proxies = 10.0.0.0/8, fd00::/8,192.0.2.7\n");
        CPPUNIT_ASSERT_EQUAL(std::string("::"), c.server.bind);
        CPPUNIT_ASSERT_EQUAL(443, c.server.tls_port);
        CPPUNIT_ASSERT(c.server.http_redirect);
        load_error("[server]\nbind = localhost\n", "[server] bind must be an IP address");
        load_error("[server]\ntls_port = 8000\ntls_cert = /a\ntls_key = /b\n", "[server] tls_port must differ");
        load_error("[server]\ntls_port = 8443\n", "[server] tls_cert is required when tls_port is set");
        load_error("[server]\ntls_port = 8443\ntls_cert = /a\n", "[server] tls_key is required");
        // Rendered into nginx's config and read back by a shell: nothing to escape.
        load_error("[server]\ntls_port = 8443\ntls_cert = a.pem\ntls_key = /b\n", "[server] tls_cert must be an absolute path");
        load_error("[server]\ntls_port = 8443\ntls_cert = /a;b\ntls_key = /b\n", "[server] tls_cert must be an absolute path");
        load_error("[server]\ntls_port = 8443\ntls_cert = /a\ntls_key = /b'c\n", "[server] tls_key must be an absolute path");
        load_error("[server]\nhttp_redirect = true\n", "[server] http_redirect needs tls_port");
        load_error("[server]\ntrusted_proxies = 10.0.0.0/33\n", "'10.0.0.0/33' is not an address or CIDR");
        load_error("[server]\ntrusted_proxies = fd00::/129\n", "'fd00::/129'");
        load_error("[server]\ntrusted_proxies = 10.0.0.0/8;rm\n", "'10.0.0.0/8;rm'");
        load_error("[server]\ntrusted_proxies = lb.example\n", "'lb.example'");
    }

    // [server] socket / priority_socket: a unix path or IPv4:port, never a
    // file named "127.0.0.1:9000"; TCP needs the allowed web servers.
    void testFastCgiSockets() {
        std::string why;
        const auto unix_at = llmapi::config::parse_endpoint("/run/x.sock", why);
        CPPUNIT_ASSERT(unix_at && !unix_at->tcp && unix_at->path == "/run/x.sock");
        const auto tcp_at = llmapi::config::parse_endpoint("10.0.0.5:9000", why);
        CPPUNIT_ASSERT(tcp_at && tcp_at->tcp && tcp_at->host == "10.0.0.5" && tcp_at->port == 9000);
        for (const char* bad : {"fcgi.sock", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", "host:9000",
                                "[::1]:9000", "127.0.0.1:9x", ""})
            CPPUNIT_ASSERT_MESSAGE(bad, !llmapi::config::parse_endpoint(bad, why));
        load_error("[server]\nsocket = 127.0.0.1:9000\n", "[server] fcgi_allowed_addresses is required with a host:port socket");
        load_error("[server]\npriority_socket = 127.0.0.1:9001\n", "fcgi_allowed_addresses is required");
        load_error("[server]\nsocket = run/fcgi.sock\n", "[server] socket must be an absolute unix socket path or IPv4:port");
        load_error("[server]\nfcgi_allowed_addresses = 10.0.0.0/8\n", "'10.0.0.0/8' is not an IPv4 address");
        const Config c = load_ok("[server]\nsocket = 127.0.0.1:9000\nfcgi_allowed_addresses = 10.0.0.11, 10.0.0.12\n");
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:9000"), c.server.socket);
    }

    // secrets.env beside app.ini: overrides under the real environment's.
    void testSecretsFileBeside() {
        char dir[] = "/tmp/llmapi-secrets-XXXXXX";
        CPPUNIT_ASSERT(mkdtemp(dir));
        const std::string ini = std::string(dir) + "/app.ini", secrets = std::string(dir) + "/secrets.env";
        std::ofstream(ini) << "[server]\nport = 8000\n";
        std::ofstream(secrets) << "# made by the package\n\nLLMAPI_JWT_SECRET=abcdefghijabcdefghijabcdefghij0123\n"
                                  "LLMAPI_SERVER_WORKERS='3'\nexport LLMAPI_SERVER_PORT=\"9001\"\n";
        const char* const none[] = {nullptr};
        Config c;
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, load_config(ini, none, c, error));  // the secret came from the file
        CPPUNIT_ASSERT_EQUAL(std::string("abcdefghijabcdefghijabcdefghij0123"), c.jwt.secret);
        CPPUNIT_ASSERT_EQUAL(3, c.server.workers);
        CPPUNIT_ASSERT_EQUAL(9001, c.server.port);
        const char* const env[] = {"LLMAPI_SERVER_PORT=9002", nullptr};
        CPPUNIT_ASSERT_MESSAGE(error, load_config(ini, env, c, error));
        CPPUNIT_ASSERT_EQUAL(9002, c.server.port);  // the environment wins
        std::ofstream(secrets, std::ios::app) << "not a variable\n";
        CPPUNIT_ASSERT(!load_config(ini, none, c, error));
        CPPUNIT_ASSERT_EQUAL(secrets + ":6: expected KEY=VALUE", error.substr(8));
        std::ofstream(secrets) << "LLMAPI_SERVER_THREAD=3\n";  // checked like any override
        CPPUNIT_ASSERT(!load_config(ini, none, c, error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("unknown key 'thread' in [server]") != std::string::npos);
        std::remove(secrets.c_str());
        std::remove(ini.c_str());
        rmdir(dir);
    }

    // conf/app.ini loads, and documents exactly the declared keys with their defaults.
    void testShippedAppIni() {
        const std::string path = std::string(LLMAPI_TOP_SRCDIR) + "/conf/app.ini";
        Config c;
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, load_config(path, kSecretEnv, c, error));
        CPPUNIT_ASSERT_EQUAL(std::string(), documentation_errors(read_file(path)));
    }

    // The check above finds what it should.
    void testDocumentationCheck() {
        std::string all;
        for (const char* text : {"[server]\nport = 8001\n", "[server]\nthread = 8\n", "[provider.x]\nkindd = y\n",
                                        "; [provider.*]\n; retries = 3\n"})
            all += documentation_errors(text);
        for (const char* needle :
             {"line 2: [server] port = 8001, declared default 8000", "line 2: [server] thread is not declared",
              "line 2: [provider.x] kindd is not declared", "line 2: [provider.*] retries = 3, declared default 2",
              "[database] host is not documented", "[provider.*] kind is not documented"})
            CPPUNIT_ASSERT_MESSAGE(std::string(needle) + " not in:\n" + all, all.find(needle) != std::string::npos);
    }

    void testDescribe() {
        const std::string text = llmapi::config::describe();
        CPPUNIT_ASSERT_EQUAL(std::string(), documentation_errors(text));
        CPPUNIT_ASSERT(text.find("port = 8000                 ; nginx listens on <bind>:<port>, plain HTTP (1 to 65535)\n") !=
                       std::string::npos);
        load_ok(text);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);
