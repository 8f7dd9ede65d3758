// Which addresses the gateway may fetch client-given URLs from (remote images
// for Gemini, API.md section 9): public unicast only. A URL's host is
// resolved here, every address it resolves to is checked, and the fetch then
// connects to the address that was checked (CURLOPT_RESOLVE), so a DNS answer
// that changes between check and connect (rebinding) cannot reach inside.
#pragma once
#include <netinet/in.h>
#include <sys/socket.h>

#include <string>
#include <vector>

namespace llmapi::upstream {

// Why an address is not public, or nullptr when it is: "loopback",
// "private", "link-local" (cloud metadata 169.254.169.254 included),
// "multicast", "unspecified", "reserved", "carrier-grade NAT",
// "unique local" ... An IPv4-mapped IPv6 address is judged as its IPv4.
const char* non_public_reason(const sockaddr* addr);

struct Resolved {
    std::vector<std::string> addresses;  // numeric, as getaddrinfo gave them
    std::string error;                   // set when none may be used (the reason)
};

// Resolves `host` (a name, or an address in any spelling getaddrinfo takes:
// "127.1", "2130706433", "0x7f000001", "[::1]"...) and checks every address;
// with allow_private, any address goes. One non-public address among them
// refuses the host (a name must not be half inside).
Resolved resolve_public(const std::string& host, bool allow_private);

}  // namespace llmapi::upstream
