// A web tier on other hosts (API.md section 10): [server] socket =
// IPv4:port really listens on TCP, fcgi_allowed_addresses refuses other
// peers (libfcgi's FCGI_WEB_SERVER_ADDRS), a second instance does not take
// a served socket from the running one, and nginx answers JSON 503 when the
// workers are down. The second gateway stands for an application host
// reached over TCP; 127.0.0.2 stands for a host that is not allowed.
#include <cppunit/extensions/HelperMacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "accounts.h"
#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "fcgi_client.h"
#include "http_client.h"
#include "stack.h"
#include "text.h"

using namespace it;

namespace {

const std::vector<std::pair<std::string, std::string>> kHealthParams = {
    {"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", "/healthz"}, {"REQUEST_URI", "/healthz"},
    {"REMOTE_ADDR", "127.0.0.1"}, {"SERVER_PROTOCOL", "HTTP/1.1"}};

// Runs llm-api-fcgi in the foreground with the stack's configuration and
// `env` (LLMAPI_SERVER_...=...); returns its exit status and output. It
// must exit on its own: it refuses to start.
std::pair<int, std::string> runAnotherPool(const std::string& env) {
    const std::string cmd = "env $(" + shellQuote(stackEnv("LLMAPI_TEST_CTL")) + " runtime-env) " + env + " timeout 20 " +
                            shellQuote(sourceRoot() + "/llm-api-fcgi") + " --config " +
                            shellQuote(stackVar() + "/app.ini") + " 2>&1";
    const CommandResult r = runCommand(cmd);
    return {r.status, r.out};
}

// An address on this host for a listener of the test's own: the stack's port + n.
std::string localPort(int n) {
    const std::string url = stackEnv("LLMAPI_TEST_URL");
    return "127.0.0.1:" + std::to_string(std::stoi(url.substr(url.rfind(':') + 1)) + n);
}

}  // namespace

class WebTierTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WebTierTest);
    CPPUNIT_TEST(testFastCgiOverTcp);
    CPPUNIT_TEST(testSecondInstanceRefused);
    CPPUNIT_TEST(testWorkersDownIsJson503);
    CPPUNIT_TEST(testPathFromStandardParameters);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFastCgiOverTcp() {
        const std::string main = localPort(600), prio = localPort(601);
        SecondGateway second({"LLMAPI_SERVER_SOCKET=" + main, "LLMAPI_SERVER_PRIORITY_SOCKET=" + prio,
                              "LLMAPI_SERVER_FCGI_ALLOWED_ADDRESSES=127.0.0.1"});
        // Through nginx, over TCP: an account, a token and a stream.
        const User u{uniqueName("tcp"), "secure_pwd_1", ""};
        Response signup = requestUrl("POST", second.url() + "/api/signup/", signupBody(u), {"Content-Type: application/json"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(signup.body, 201L, signup.status);
        Response token = requestUrl("POST", second.url() + "/api/token/", credentialsBody(u.username, u.password),
                                    {"Content-Type: application/json"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(token.body, 200L, token.status);
        fake::reset();
        StreamResponse s = streamRequestUrl("POST", second.url() + "/v1/chat/completions?provider=openai",
                                            seedChatBody("fake-gpt-4o-mini", true),
                                            {"Content-Type: application/json",
                                             "Authorization: Bearer " + jsonString(token.json().get(), "access")});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, 200L, s.status);
        CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), s.events.back().data);
        ASSERT_RESPONSE(200, R"({"status":"ok"})", requestUrl("GET", second.url() + "/healthz"));

        // Directly: an allowed peer is answered, any other is cut off unanswered.
        const std::string allowed = fcgiRequest(main, kHealthParams);
        CPPUNIT_ASSERT_MESSAGE(allowed, allowed.rfind("Status: 200", 0) == 0);
        for (const std::string& at : {main, prio}) {
            std::string error;
            try {
                fcgiRequest("127.0.0.2@" + at, kHealthParams);
            } catch (const std::exception& e) {
                error = e.what();
            }
            CPPUNIT_ASSERT_MESSAGE(at + ": " + error, error.find("no END_REQUEST from the worker (0 bytes)") != std::string::npos);
        }
        // The address is not a file: nothing named after it.
        CPPUNIT_ASSERT(access((stackVar() + "/second/" + main).c_str(), F_OK) != 0);
        CPPUNIT_ASSERT(access(main.c_str(), F_OK) != 0);
    }

    // Another llm-api-fcgi on the stack's own sockets exits with a message;
    // the running pool keeps its socket and keeps answering.
    void testSecondInstanceRefused() {
        const auto [status, out] = runAnotherPool("");
        CPPUNIT_ASSERT_MESSAGE(out, status != 0);
        CPPUNIT_ASSERT_MESSAGE(out, out.find("is served by another process") != std::string::npos);
        ASSERT_RESPONSE(200, R"({"status":"ok"})", request("GET", "/healthz"));
        ASSERT_RESPONSE(200, R"({"message":"Welcome to the LLM API!"})", request("GET", "/api/"));

        // The same on TCP: the second of two pools on one port does not start.
        const std::string main = localPort(610);
        SecondGateway second({"LLMAPI_SERVER_SOCKET=" + main, "LLMAPI_SERVER_FCGI_ALLOWED_ADDRESSES=127.0.0.1"});
        const auto [tcpStatus, tcpOut] =
            runAnotherPool("LLMAPI_SERVER_SOCKET=" + main + " LLMAPI_SERVER_FCGI_ALLOWED_ADDRESSES=127.0.0.1 "
                           "LLMAPI_SERVER_PRIORITY_SOCKET=" + stackVar() + "/run/another-priority.sock");
        CPPUNIT_ASSERT_MESSAGE(tcpOut, tcpStatus != 0);
        CPPUNIT_ASSERT_MESSAGE(tcpOut, tcpOut.find("Address already in use") != std::string::npos);
        ASSERT_RESPONSE(200, R"({"status":"ok"})", requestUrl("GET", second.url() + "/healthz"));
    }

    // nginx in front of a pool that is not running: its JSON 503, not a 502 page.
    void testWorkersDownIsJson503() {
        SecondGateway second;
        ctl("second-pool-stop");
        for (const char* path : {"/api/", "/healthz", "/metrics", "/v1/models", "/api/supported-models/"}) {
            Response r = requestUrl("GET", second.url() + path);
            const bool openai = std::string(path).find("models") != std::string::npos;
            ASSERT_RESPONSE(503, openai ? R"({"error":{"message":"Service temporarily unavailable, try again later.","type":"service_unavailable","param":null,"code":"service_unavailable"}})"
                                        : R"({"detail":"Service temporarily unavailable, try again later."})", r);
            CPPUNIT_ASSERT_EQUAL(std::string("application/json"), r.header("Content-Type"));
            CPPUNIT_ASSERT_EQUAL(std::string("1"), r.header("Retry-After"));
        }
    }

    // The workers route by REQUEST_URI, normalised as nginx does, not by
    // nginx's DOCUMENT_URI: a front end that sends only standard parameters
    // (Apache's mod_proxy_fcgi) reaches the same routes.
    void testPathFromStandardParameters() {
        Account a = createAccount();
        const std::string sock = stackVar() + "/run/fcgi.sock";
        auto params = [&](const std::string& uri, bool token) {
            std::vector<std::pair<std::string, std::string>> p = {
                {"REQUEST_METHOD", "GET"}, {"REQUEST_URI", uri}, {"REMOTE_ADDR", "127.0.0.1"},
                {"SERVER_PROTOCOL", "HTTP/1.1"}};
            if (token) p.emplace_back("HTTP_AUTHORIZATION", "Bearer " + a.token);
            return p;
        };
        for (const char* uri : {"/api/%6De/", "//api/./me/", "/api/x/../me/?format=json"}) {
            const std::string r = fcgiRequest(sock, params(uri, true));
            CPPUNIT_ASSERT_MESSAGE(std::string(uri) + ": " + r, r.rfind("Status: 200", 0) == 0);
            CPPUNIT_ASSERT_MESSAGE(r, r.find("\"username\":\"" + a.user.username + "\"") != std::string::npos);
            // Through nginx, the same.
            Response viaNginx = getWithBearer(uri, a.token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(uri) + ": " + viaNginx.body, 200L, viaNginx.status);
        }
        for (const char* uri : {"/api/%zz/", "/api/../../etc/passwd", "/a%00b"}) {
            const std::string r = fcgiRequest(sock, params(uri, false));
            CPPUNIT_ASSERT_MESSAGE(std::string(uri) + ": " + r, r.rfind("Status: 400", 0) == 0);
            CPPUNIT_ASSERT_MESSAGE(r, r.find(R"({"detail":"Malformed request path."})") != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WebTierTest);
