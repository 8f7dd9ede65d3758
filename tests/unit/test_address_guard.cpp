// The address classifier that keeps remote-image fetches out of the
// gateway's own network (API.md section 9): every range, IPv6 and
// IPv4-mapped forms, and the spellings of loopback getaddrinfo accepts.
#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "upstream/address_guard.h"

using llmapi::upstream::non_public_reason;
using llmapi::upstream::resolve_public;

namespace {

// The reason for a numeric address ("" = public).
std::string reason(const std::string& text) {
    sockaddr_storage ss{};
    if (inet_pton(AF_INET, text.c_str(), &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr) == 1) {
        ss.ss_family = AF_INET;
    } else if (inet_pton(AF_INET6, text.c_str(), &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr) == 1) {
        ss.ss_family = AF_INET6;
    } else {
        CPPUNIT_FAIL("not an address: " + text);
    }
    const char* r = non_public_reason(reinterpret_cast<sockaddr*>(&ss));
    return r ? r : "";
}

}  // namespace

class AddressGuardTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AddressGuardTest);
    CPPUNIT_TEST(testIpv4Ranges);
    CPPUNIT_TEST(testIpv6Ranges);
    CPPUNIT_TEST(testMappedAddressesJudgedAsIpv4);
    CPPUNIT_TEST(testSpellingsOfLoopbackResolveAndAreRefused);
    CPPUNIT_TEST(testAllowPrivate);
    CPPUNIT_TEST_SUITE_END();

public:
    void testIpv4Ranges() {
        const std::pair<const char*, const char*> cases[] = {
            {"127.0.0.1", "loopback"},       {"127.255.255.254", "loopback"}, {"10.0.0.1", "private"},
            {"172.16.0.1", "private"},       {"172.31.255.255", "private"},   {"192.168.1.1", "private"},
            {"169.254.169.254", "link-local"}, {"100.64.0.1", "carrier-grade NAT"}, {"0.0.0.0", "unspecified"},
            {"224.0.0.1", "multicast"},      {"239.255.255.250", "multicast"}, {"255.255.255.255", "reserved"},
            {"240.0.0.1", "reserved"},       {"198.18.0.1", "benchmarking"},  {"192.0.2.1", "documentation"},
        };
        for (const auto& [addr, why] : cases) CPPUNIT_ASSERT_EQUAL_MESSAGE(addr, std::string(why), reason(addr));
        for (const char* pub : {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "193.0.0.1"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(pub, std::string(""), reason(pub));
    }

    void testIpv6Ranges() {
        CPPUNIT_ASSERT_EQUAL(std::string("loopback"), reason("::1"));
        CPPUNIT_ASSERT_EQUAL(std::string("unspecified"), reason("::"));
        CPPUNIT_ASSERT_EQUAL(std::string("unique local"), reason("fd00:ec2::254"));  // AWS metadata over IPv6
        CPPUNIT_ASSERT_EQUAL(std::string("unique local"), reason("fc00::1"));
        CPPUNIT_ASSERT_EQUAL(std::string("link-local"), reason("fe80::1"));
        CPPUNIT_ASSERT_EQUAL(std::string("multicast"), reason("ff02::1"));
        CPPUNIT_ASSERT_EQUAL(std::string("NAT64"), reason("64:ff9b::7f00:1"));
        CPPUNIT_ASSERT_EQUAL(std::string("6to4"), reason("2002:7f00:1::"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), reason("2606:4700:4700::1111"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), reason("2a00:1450:4001:80b::200e"));
    }

    void testMappedAddressesJudgedAsIpv4() {
        CPPUNIT_ASSERT_EQUAL(std::string("loopback"), reason("::ffff:127.0.0.1"));
        CPPUNIT_ASSERT_EQUAL(std::string("private"), reason("::ffff:10.0.0.5"));
        CPPUNIT_ASSERT_EQUAL(std::string("link-local"), reason("::ffff:169.254.169.254"));
        CPPUNIT_ASSERT_EQUAL(std::string("loopback"), reason("::127.0.0.1"));  // IPv4-compatible (deprecated)
        CPPUNIT_ASSERT_EQUAL(std::string(""), reason("::ffff:8.8.8.8"));
    }

    void testSpellingsOfLoopbackResolveAndAreRefused() {
        for (const char* host : {"127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.1", "[::1]", "::1",
                                 "::ffff:127.0.0.1", "localhost", "0.0.0.0", "0"}) {
            const auto r = resolve_public(host, false);
            CPPUNIT_ASSERT_MESSAGE(host, !r.error.empty());
            CPPUNIT_ASSERT_MESSAGE(host, r.addresses.empty());
        }
        CPPUNIT_ASSERT(resolve_public("169.254.169.254", false).error.find("link-local") != std::string::npos);
        const auto pub = resolve_public("8.8.8.8", false);
        CPPUNIT_ASSERT(pub.error.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("8.8.8.8"), pub.addresses.at(0));
        CPPUNIT_ASSERT(!resolve_public("", false).error.empty());
    }

    void testAllowPrivate() {
        const auto r = resolve_public("2130706433", true);
        CPPUNIT_ASSERT(r.error.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), r.addresses.at(0));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AddressGuardTest);
