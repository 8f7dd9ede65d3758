// HTTPS at nginx (API.md section 10): the test stack listens with TLS and
// HTTP/2 on port + 443 ([server] tls_port), with a certificate of a private
// CA (scripts/lib.sh tls_ensure). Checked here with libcurl and with
// `openssl s_client`: the API over HTTPS and HTTP/2, a stream arriving
// event by event over HTTP/2, TLS 1.2 and 1.3 only, Mozilla's intermediate
// ECDHE AEAD suites only, no session tickets; and on a second gateway,
// [server] http_redirect and trusted_proxies (real_ip).
#include <cppunit/extensions/HelperMacros.h>
#include <curl/curl.h>

#include <string>

#include "accounts.h"
#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "http_client.h"
#include "json_path.h"
#include "stack.h"
#include "text.h"
#include "wait.h"

using namespace it;

namespace {

std::string tlsUrl() { return stackEnv("LLMAPI_TEST_TLS_URL"); }
std::string tlsPort() { return tlsUrl().substr(tlsUrl().rfind(':') + 1); }

// `openssl s_client` against the TLS port with extra options; its whole
// output (handshake summary included) and whether it exited 0.
struct Handshake {
    bool ok = false;
    std::string out;
    bool has(const std::string& s) const { return out.find(s) != std::string::npos; }
};
Handshake sClient(const std::string& port, const std::string& options) {
    const std::string cmd = "openssl s_client -connect 127.0.0.1:" + port + " -servername localhost -CAfile " +
                            shellQuote(stackEnv("LLMAPI_TEST_CA")) + " " + options + " </dev/null 2>&1";
    const CommandResult r = runCommand(cmd);
    return Handshake{r.status == 0, r.out};
}

// The line of nginx's access log (in `var`) whose request line holds
// `marker`; nginx writes it after the response, so it is waited for (2 s).
std::string nginxLogLine(const std::string& var, const std::string& marker) {
    std::string found;
    pollUntil(2, [&] {
        for (const std::string& line : lines(readTextFile(var + "/log/nginx-access.log")))
            if (line.find(marker) != std::string::npos) found = line;
        return !found.empty();
    });
    return found;
}

}  // namespace

class TlsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TlsTest);
    CPPUNIT_TEST(testApiOverHttp2);
    CPPUNIT_TEST(testStreamOverHttp2);
    CPPUNIT_TEST(testProtocolsAndSuites);
    CPPUNIT_TEST(testRedirectAndClientAddress);
    CPPUNIT_TEST_SUITE_END();

public:
    // The seed README's flow, over HTTPS: the same answers as on plain HTTP.
    void testApiOverHttp2() {
        Response health = requestUrl("GET", tlsUrl() + "/healthz");
        ASSERT_RESPONSE(200, R"({"status":"ok"})", health);
        CPPUNIT_ASSERT_EQUAL(static_cast<long>(CURL_HTTP_VERSION_2_0), health.httpVersion);

        const User u{uniqueName("tls"), "secure_pwd_1", ""};
        Response signup = requestUrl("POST", tlsUrl() + "/api/signup/", signupBody(u), {"Content-Type: application/json"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(signup.body, 201L, signup.status);
        Response token = requestUrl("POST", tlsUrl() + "/api/token/", credentialsBody(u.username, u.password),
                                    {"Content-Type: application/json"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(token.body, 200L, token.status);
        const std::string access = jsonString(token.json().get(), "access");
        Response me = requestUrl("GET", tlsUrl() + "/api/me/", "", {"Authorization: Bearer " + access});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(me.body, 200L, me.status);
        CPPUNIT_ASSERT_EQUAL(u.username, jsonString(me.json().get(), "username"));
        // nginx's own JSON errors too (413 before any worker sees the body).
        Response big = requestUrl("POST", tlsUrl() + "/api/signup/", std::string(2 * 1024 * 1024, 'x'),
                                  {"Content-Type: application/json"});
        CPPUNIT_ASSERT_EQUAL(413L, big.status);
        CPPUNIT_ASSERT_MESSAGE(big.body, parseJson(big.body) != nullptr);
    }

    // fastcgi_buffering off holds over HTTP/2: 15 events 200 ms apart reach
    // the client spread over seconds, not in one piece at the end.
    void testStreamOverHttp2() {
        Account a = createAccount();
        fake::reset();
        fake::script(R"({"chunk_delay_ms":200})");
        StreamResponse s = streamRequestUrl("POST", tlsUrl() + "/v1/chat/completions?provider=openai",
                                            seedChatBody("fake-gpt-4o-mini", true),
                                            {"Content-Type: application/json", a.auth()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, 200L, s.status);
        CPPUNIT_ASSERT_EQUAL(static_cast<long>(CURL_HTTP_VERSION_2_0), s.httpVersion);
        CPPUNIT_ASSERT_MESSAGE(s.body, s.events.size() >= 10);
        CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), s.events.back().data);
        int spread = 0;  // events that came >= 150 ms after the previous one
        std::string times;
        for (size_t i = 0; i < s.events.size(); ++i) {
            times += std::to_string(s.events[i].at) + " ";
            if (i > 0 && s.events[i].at - s.events[i - 1].at >= 0.15) ++spread;
        }
        CPPUNIT_ASSERT_MESSAGE("arrival times " + times, spread >= 10);
        CPPUNIT_ASSERT_MESSAGE("first event at " + std::to_string(s.events.front().at), s.events.front().at < 1.0);
    }

    void testProtocolsAndSuites() {
        const std::string port = tlsPort();
        Handshake t13 = sClient(port, "-tls1_3 -alpn h2");
        CPPUNIT_ASSERT_MESSAGE(t13.out, t13.ok && t13.has("New, TLSv1.3, Cipher is") && t13.has("ALPN protocol: h2"));
        CPPUNIT_ASSERT_MESSAGE(t13.out, t13.has("Verify return code: 0 (ok)"));

        Handshake t12 = sClient(port, "-tls1_2");
        CPPUNIT_ASSERT_MESSAGE(t12.out, t12.ok && (t12.has("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256") ||
                                                   t12.has("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384") ||
                                                   t12.has("New, TLSv1.2, Cipher is ECDHE-ECDSA-CHACHA20-POLY1305")));
        // Session tickets off: the server sends none (s_client prints the
        // ticket's lifetime hint when it gets one).
        CPPUNIT_ASSERT_MESSAGE(t12.out, !t12.has("TLS session ticket lifetime hint"));

        // A client offering only what the profile leaves out is refused: CBC
        // suites, and TLS 1.1 or 1.0 (the client's own floor lowered, so the
        // refusal is the server's: its alert, 40 or 70).
        for (auto [options, alert] : {std::pair<const char*, const char*>{"-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA", "alert handshake failure"},
                                      {"-tls1_2 -cipher ECDHE-ECDSA-AES256-SHA384", "alert handshake failure"},
                                      {"-tls1_1 -cipher DEFAULT@SECLEVEL=0", "alert protocol version"},
                                      {"-tls1 -cipher DEFAULT@SECLEVEL=0", "alert protocol version"}}) {
            Handshake h = sClient(port, options);
            CPPUNIT_ASSERT_MESSAGE(std::string(options) + ":\n" + h.out, h.has("Cipher is (NONE)") && h.has(alert));
        }
    }

    // A second gateway with http_redirect and a trusted load balancer on
    // loopback: clients behind it (X-Forwarded-For) are sent to HTTPS and
    // logged with their own address; loopback clients keep plain HTTP. The
    // first gateway trusts no proxy: the header changes nothing there.
    void testRedirectAndClientAddress() {
        const int tls2 = std::stoi(tlsPort()) + 1;
        SecondGateway second({"LLMAPI_SERVER_TLS_PORT=" + std::to_string(tls2), "LLMAPI_SERVER_HTTP_REDIRECT=true",
                              "LLMAPI_SERVER_TRUSTED_PROXIES=127.0.0.1,::1"});
        const std::string marker = uniqueName("xff");
        ASSERT_RESPONSE(200, R"({"message":"Welcome to the LLM API!"})", requestUrl("GET", second.url() + "/api/?" + marker));

        Response moved = requestUrl("POST", second.url() + "/api/signup/?" + marker + "r", "{}",
                                    {"Content-Type: application/json", "X-Forwarded-For: 203.0.113.9"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(moved.body, 308L, moved.status);
        CPPUNIT_ASSERT_EQUAL(std::string("https://127.0.0.1:") + std::to_string(tls2) + "/api/signup/?" + marker + "r",
                             moved.header("Location"));
        const std::string logged = nginxLogLine(stackVar() + "/second", marker + "r");
        CPPUNIT_ASSERT_MESSAGE(logged, logged.rfind("203.0.113.9 ", 0) == 0);

        // Over HTTPS the client behind the balancer is served.
        Response https = requestUrl("GET", "https://127.0.0.1:" + std::to_string(tls2) + "/api/?" + marker + "s", "",
                                    {"X-Forwarded-For: 203.0.113.9"});
        ASSERT_RESPONSE(200, R"({"message":"Welcome to the LLM API!"})", https);
        CPPUNIT_ASSERT_MESSAGE(nginxLogLine(stackVar() + "/second", marker + "s"),
                               nginxLogLine(stackVar() + "/second", marker + "s").rfind("203.0.113.9 ", 0) == 0);

        // The first gateway: no trusted proxy, no redirect.
        ASSERT_RESPONSE(200, R"({"message":"Welcome to the LLM API!"})",
                        request("GET", "/api/?" + marker + "f", "", {"X-Forwarded-For: 203.0.113.9"}));
        const std::string first = nginxLogLine(stackVar(), marker + "f");
        CPPUNIT_ASSERT_MESSAGE(first, first.rfind("127.0.0.1 ", 0) == 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TlsTest);
