#include "config/endpoint.h"

#include <arpa/inet.h>

namespace llmapi::config {

bool is_ipv4(const std::string& s) {
    in_addr a{};
    return inet_pton(AF_INET, s.c_str(), &a) == 1;
}

std::optional<Endpoint> parse_endpoint(const std::string& text, std::string& why) {
    Endpoint e;
    if (!text.empty() && text[0] == '/') {
        e.path = text;
        return e;
    }
    const size_t colon = text.rfind(':');
    const std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (colon == std::string::npos || port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || !is_ipv4(text.substr(0, colon)) ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
        why = "must be an absolute unix socket path or IPv4:port (e.g. 10.0.0.5:9000), got '" + text + "'";
        return std::nullopt;
    }
    e.tcp = true;
    e.host = text.substr(0, colon);
    e.port = std::stoi(port);
    return e;
}

}  // namespace llmapi::config
