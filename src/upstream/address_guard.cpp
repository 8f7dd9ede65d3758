#include "upstream/address_guard.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <cstring>
#include <memory>

namespace llmapi::upstream {

namespace {

// a.b.c.d in host order.
const char* ipv4_reason(uint32_t a) {
    const auto in = [a](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
    if (in(0x00000000, 8)) return "unspecified";        // 0.0.0.0/8
    if (in(0x7f000000, 8)) return "loopback";           // 127.0.0.0/8
    if (in(0x0a000000, 8)) return "private";            // 10.0.0.0/8
    if (in(0xac100000, 12)) return "private";           // 172.16.0.0/12
    if (in(0xc0a80000, 16)) return "private";           // 192.168.0.0/16
    if (in(0xa9fe0000, 16)) return "link-local";        // 169.254.0.0/16, metadata 169.254.169.254 included
    if (in(0x64400000, 10)) return "carrier-grade NAT";  // 100.64.0.0/10
    if (in(0xc0000000, 24)) return "reserved";          // 192.0.0.0/24 (IETF protocol assignments)
    if (in(0xc0000200, 24) || in(0xc6336400, 24) || in(0xcb007100, 24)) return "documentation";
    if (in(0xc6120000, 15)) return "benchmarking";      // 198.18.0.0/15
    if (in(0xe0000000, 4)) return "multicast";          // 224.0.0.0/4
    if (in(0xf0000000, 4)) return "reserved";           // 240.0.0.0/4, broadcast included
    return nullptr;
}

const char* ipv6_reason(const in6_addr& a) {
    const uint8_t* b = a.s6_addr;
    static const uint8_t zero[16] = {};
    if (!std::memcmp(b, zero, 16)) return "unspecified";  // ::
    if (!std::memcmp(b, zero, 15) && b[15] == 1) return "loopback";  // ::1
    // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): the IPv4 decides.
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!std::memcmp(b, mapped, 12) || !std::memcmp(b, zero, 12)) {
        const uint32_t v4 = (uint32_t(b[12]) << 24) | (uint32_t(b[13]) << 16) | (uint32_t(b[14]) << 8) | b[15];
        const char* r = ipv4_reason(v4);
        return r ? r : (!std::memcmp(b, zero, 12) ? "reserved" : nullptr);
    }
    if ((b[0] & 0xfe) == 0xfc) return "unique local";                  // fc00::/7 (fd00:ec2::254 metadata too)
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";    // fe80::/10
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "site-local";    // fec0::/10 (deprecated)
    if (b[0] == 0xff) return "multicast";                              // ff00::/8
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return "documentation";  // 2001:db8::/32
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return "NAT64";  // 64:ff9b::/96 can reach inside
    if (b[0] == 0x20 && b[1] == 0x02) return "6to4";                   // 2002::/16 embeds any IPv4
    return nullptr;
}

struct AddrInfoDeleter {
    void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

}  // namespace

const char* non_public_reason(const sockaddr* addr) {
    if (addr->sa_family == AF_INET)
        return ipv4_reason(ntohl(reinterpret_cast<const sockaddr_in*>(addr)->sin_addr.s_addr));
    if (addr->sa_family == AF_INET6) return ipv6_reason(reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr);
    return "not an IP address";
}

Resolved resolve_public(const std::string& host_in, bool allow_private) {
    Resolved out;
    std::string host = host_in;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) {
        out.error = "no host";
        return out;
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* raw = nullptr;
    const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &raw);
    std::unique_ptr<addrinfo, AddrInfoDeleter> list(raw);
    if (rc != 0 || !raw) {
        out.error = "the host does not resolve";
        return out;
    }
    for (const addrinfo* a = raw; a; a = a->ai_next) {
        if (!allow_private)
            if (const char* why = non_public_reason(a->ai_addr)) {
                out.addresses.clear();
                out.error = std::string("the host resolves to a ") + why + " address";
                return out;
            }
        char text[INET6_ADDRSTRLEN] = {};
        const void* src = a->ai_family == AF_INET
                              ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr)
                              : static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr);
        if (inet_ntop(a->ai_family, src, text, sizeof text)) out.addresses.emplace_back(text);
    }
    if (out.addresses.empty()) out.error = "the host does not resolve";
    return out;
}

}  // namespace llmapi::upstream
