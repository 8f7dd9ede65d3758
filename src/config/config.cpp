#include "config/config.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "config/endpoint.h"
#include "config/ini.h"
#include "config/settings.h"

namespace llmapi::config {

namespace {

std::string bad_value(const std::string& section, const std::string& key, const std::string& why) {
    return "config: [" + section + "] " + key + " " + why;
}

// Where the text or the environment set something: "app.ini:12" for a file,
// "line 12" for text from memory, the variable for an environment override.
std::string where(const std::string& path, int line, const std::string& variable = "") {
    if (!variable.empty()) return "environment variable " + variable;
    return (path.empty() ? "line " : path + ":") + std::to_string(line);
}

// Parses `text` as `s` declares it and stores it in `c`; returns why not ("must be ...").
std::string store(const Setting& s, const std::string& text, Config& c) {
    const Field field = s.field(c);
    switch (s.type) {
    case Type::String:
        *std::get<std::string*>(field) = text;
        return "";
    case Type::Integer: {
        errno = 0;
        char* end = nullptr;
        const long n = std::strtol(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0' || errno == ERANGE || n < s.min || n > s.max)
            return "must be an integer from " + std::to_string(s.min) + " to " + std::to_string(s.max) + ", got '" +
                   text + "'";
        if (int* const* i = std::get_if<int*>(&field)) **i = static_cast<int>(n);  // ranges of int members fit
        else *std::get<long*>(field) = n;
        return "";
    }
    case Type::Boolean:
        if (text == "true" || text == "yes" || text == "on" || text == "1") *std::get<bool*>(field) = true;
        else if (text == "false" || text == "no" || text == "off" || text == "0") *std::get<bool*>(field) = false;
        else return "must be true or false, got '" + text + "'";
        return "";
    }
    return "has no type";
}

// Every setting of `declared`: its default, then the value [section] gives it.
std::string read_section(const std::string& declared, const IniSection& section, Config& c) {
    for (const Setting& s : settings()) {
        if (declared != s.section) continue;
        const std::string* value = section.find(s.key);
        const std::string why = store(s, value ? *value : s.default_value, c);
        if (!why.empty()) return bad_value(section.name, s.key, why);
    }
    return "";
}

// The first section or key the declaration does not know, as one line.
std::string unknown_setting(const Ini& ini, const std::string& path) {
    for (const IniSection& section : ini.sections) {
        const std::string declared = declared_section(section.name);
        // [provider.*] only documents the keys of every provider (app.ini has it commented out).
        if (!is_declared_section(declared) || section.name == kProviderTemplate)
            return "config: " + where(path, section.line) + ": unknown section [" + section.name + "]";
        for (const IniEntry& e : section.entries)
            if (!find_setting(declared, e.key))
                return "config: " + where(path, e.line, e.variable) + ": unknown key '" + e.key + "' in [" +
                       section.name + "]";
    }
    return "";
}

// Checks that span keys, or that no single key's type says.
bool is_ip(const std::string& s) {
    in6_addr v6{};
    return is_ipv4(s) || inet_pton(AF_INET6, s.c_str(), &v6) == 1;
}

// "a, b,c" -> a b c: the setting's list, commas and/or spaces between.
std::vector<std::string> list_items(const std::string& text) {
    std::string list = text;
    for (char& ch : list)
        if (ch == ',') ch = ' ';
    std::istringstream words(list);
    std::vector<std::string> items;
    for (std::string w; words >> w;) items.push_back(w);
    return items;
}

// An address, or address/prefix with the prefix in range for its family.
bool is_cidr(const std::string& s) {
    const size_t slash = s.find('/');
    if (slash == std::string::npos) return is_ip(s);
    const std::string addr = s.substr(0, slash), bits = s.substr(slash + 1);
    if (!is_ip(addr) || bits.empty() || bits.size() > 3 ||
        bits.find_first_not_of("0123456789") != std::string::npos)
        return false;
    return std::stoi(bits) <= (addr.find(':') == std::string::npos ? 32 : 128);
}

// An absolute path nginx's config and a shell's quotes take as it is.
bool is_plain_path(const std::string& s) {
    return !s.empty() && s[0] == '/' &&
           s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./@+-") ==
               std::string::npos;
}

// What nginx's site is rendered from: caught here, not by `nginx -t` later.
std::string check_listening(const ServerConfig& s) {
    if (!is_ip(s.bind))
        return bad_value("server", "bind", "must be an IP address (0.0.0.0, ::, 127.0.0.1...), got '" + s.bind + "'");
    if (s.tls_port != 0) {
        if (s.tls_port == s.port) return bad_value("server", "tls_port", "must differ from [server] port");
        for (auto [key, path] : {std::pair<const char*, const std::string*>{"tls_cert", &s.tls_cert}, {"tls_key", &s.tls_key}}) {
            if (path->empty()) return bad_value("server", key, "is required when tls_port is set");
            if (!is_plain_path(*path))
                return bad_value("server", key, "must be an absolute path of letters, digits and _./@+-");
        }
    } else if (s.http_redirect) {
        return bad_value("server", "http_redirect", "needs tls_port");
    }
    for (const std::string& w : list_items(s.trusted_proxies))
        if (!is_cidr(w)) return bad_value("server", "trusted_proxies", "'" + w + "' is not an address or CIDR");
    return "";
}

// Where the workers listen; a TCP socket needs the list of web servers
// allowed to connect (libfcgi's FCGI_WEB_SERVER_ADDRS: IPv4 addresses).
std::string check_fastcgi(const ServerConfig& s) {
    bool tcp = false;
    for (auto [key, text] : {std::pair<const char*, const std::string*>{"socket", &s.socket},
                             {"priority_socket", &s.priority_socket}}) {
        std::string why;
        const auto e = parse_endpoint(*text, why);
        if (!e) return bad_value("server", key, why);
        tcp = tcp || e->tcp;
    }
    const std::vector<std::string> allowed = list_items(s.fcgi_allowed_addresses);
    for (const std::string& w : allowed)
        if (!is_ipv4(w)) return bad_value("server", "fcgi_allowed_addresses", "'" + w + "' is not an IPv4 address");
    if (tcp && allowed.empty())
        return bad_value("server", "fcgi_allowed_addresses",
                         "is required with a host:port socket (the web servers' addresses, e.g. 127.0.0.1)");
    return "";
}

std::string cross_check(const Config& c, bool require_secret) {
    for (const ProviderConfig& p : c.providers.providers) {
        const std::string section = "provider." + p.name;
        // Which kinds exist is the providers layer's to say (its registry).
        if (p.kind.empty()) return bad_value(section, "kind", "is required");
        if (!p.auth.empty() && p.auth != "none")
            return bad_value(section, "auth", "must be empty or none, got '" + p.auth + "'");
        if (p.tool_schema != "jsonschema" && p.tool_schema != "openapi")
            return bad_value(section, "tool_schema", "must be jsonschema or openapi, got '" + p.tool_schema + "'");
    }
    if (require_secret && c.jwt.secret.size() < 32)
        return bad_value("jwt", "secret",
                         c.jwt.secret.empty() ? "is required (set LLMAPI_JWT_SECRET), at least 32 bytes"
                                              : "must be at least 32 bytes");
    if (c.database.name.empty()) return bad_value("database", "name", "is required");
    if (c.database.user.empty()) return bad_value("database", "user", "is required");
    if (c.server.socket.empty()) return bad_value("server", "socket", "is required");
    if (std::string e = check_listening(c.server); !e.empty()) return e;
    if (c.server.priority_socket.empty()) return bad_value("server", "priority_socket", "is required");
    if (c.server.priority_socket == c.server.socket)
        return bad_value("server", "priority_socket", "must differ from [server] socket");
    if (std::string e = check_fastcgi(c.server); !e.empty()) return e;
    return "";
}

// `path` names the text in messages ("" for text from memory).
bool load(const std::string& text, const std::string& path, const char* const* env, Config& out, std::string& error,
          bool require_secret) {
    Ini ini;
    if (auto e = parse_ini(text, ini)) {
        error = "config: " + where(path, e->line) + ": " + e->message;
        return false;
    }
    // The declared sections are always overridable from the environment, even
    // when the file leaves them out, so secrets can live in the environment only.
    for (const Setting& s : settings())
        if (s.section != std::string(kProviderTemplate)) ini.section_or_add(s.section);
    apply_env_overrides(ini, env);

    error = unknown_setting(ini, path);
    if (!error.empty()) return false;
    Config c;
    for (const IniSection& section : ini.sections) {
        const std::string declared = declared_section(section.name);
        if (declared == kProviderTemplate) {
            c.providers.providers.emplace_back();  // the provider.* keys' fields are in it
            c.providers.providers.back().name = section.name.substr(std::string("provider.").size());
        }
        error = read_section(declared, section, c);
        if (!error.empty()) return false;
    }
    error = cross_check(c, require_secret);
    if (!error.empty()) return false;
    for (ProviderConfig& p : c.providers.providers) p.media = c.providers.media;
    out = std::move(c);
    return true;
}

}  // namespace

bool load_config_text(const std::string& text, const char* const* env, Config& out, std::string& error,
                      bool require_secret) {
    return load(text, "", env, out, error, require_secret);
}

namespace {

// /etc/llm-service-api/app.ini -> /etc/llm-service-api/secrets.env
std::string secrets_file_beside(const std::string& config_path) {
    const size_t slash = config_path.rfind('/');
    return (slash == std::string::npos ? std::string() : config_path.substr(0, slash + 1)) + "secrets.env";
}

bool read_secrets_file(const std::string& path, const char* const* env, std::vector<std::string>& out,
                       std::string& error) {
    std::ifstream in(path);
    if (!in) return true;  // absent, or not ours to read (another user): the environment only
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos || line[start] == '#') continue;
        const size_t eq = line.find('=');
        std::string key = eq == std::string::npos ? "" : line.substr(start, eq - start);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
        if (key.rfind("export ", 0) == 0) key = key.substr(7);
        if (key.empty() || key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos) {
            error = "config: " + path + ":" + std::to_string(n) + ": expected KEY=VALUE";
            return false;
        }
        std::string value = line.substr(eq + 1);
        // systemd's EnvironmentFile quoting, the simple cases: 'x' and "x".
        if (value.size() >= 2 && (value[0] == '\'' || value[0] == '"') && value.back() == value[0])
            value = value.substr(1, value.size() - 2);
        bool set_in_env = false;
        for (const char* const* e = env; e && *e; ++e)
            if (std::strncmp(*e, key.c_str(), key.size()) == 0 && (*e)[key.size()] == '=') set_in_env = true;
        if (!set_in_env) out.push_back(key + "=" + value);
    }
    return true;
}

}  // namespace

bool load_config(const std::string& path, const char* const* env, Config& out, std::string& error,
                 bool require_secret) {
    std::ifstream in(path);
    if (!in) {
        error = "config: cannot read " + path;
        return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    // secrets.env beside the file: its variables under the real environment's.
    std::vector<std::string> from_file;
    if (!read_secrets_file(secrets_file_beside(path), env, from_file, error)) return false;
    std::vector<const char*> merged;
    for (const char* const* e = env; e && *e; ++e) merged.push_back(*e);
    for (const std::string& kv : from_file) merged.push_back(kv.c_str());
    merged.push_back(nullptr);
    return load(ss.str(), path, merged.data(), out, error, require_secret);
}

}  // namespace llmapi::config
