// Where the workers listen for FastCGI ([server] socket, priority_socket):
// a unix socket path, or host:port for web servers on other hosts.
#pragma once

#include <optional>
#include <string>

namespace llmapi::config {

struct Endpoint {
    bool tcp = false;
    std::string path;  // unix socket (tcp == false)
    std::string host;  // IPv4 address (tcp == true): libfcgi checks peers for IPv4 only
    int port = 0;
};

// "/run/x.sock" or "10.0.0.5:9000"; nullopt for anything else (a relative
// path, a name, IPv6, a port out of range), with `why` saying so.
std::optional<Endpoint> parse_endpoint(const std::string& text, std::string& why);

bool is_ipv4(const std::string& s);

}  // namespace llmapi::config
