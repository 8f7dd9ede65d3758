// Apache 2.4 with mod_proxy_fcgi in front of the same worker pool
// (conf/apache/site.conf.in, API.md section 10): the real apache2 from
// Debian, started by `stack.sh apache-start` on port + 2. The same answers
// as through nginx: accounts and tokens (Authorization passed), a chat and a
// stream that arrives event by event (flushpackets=on), the 413 in each
// family's shape, the console and its Accept rule, the API's documentation,
// /metrics for this host only, JSON 503 when the pool is down.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "accounts.h"
#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "http_client.h"
#include "stack.h"
#include "text.h"

using namespace it;

namespace {

class ApacheFrontEnd {
public:
    ApacheFrontEnd() {
        const auto out = lines(ctl("apache-start"));
        if (out.empty() || out.back().rfind("http://", 0) != 0) throw std::runtime_error("apache-start printed no URL");
        url_ = out.back();
    }
    ~ApacheFrontEnd() {
        try {
            ctl("apache-stop");
        } catch (const std::exception&) {
        }
    }
    ApacheFrontEnd(const ApacheFrontEnd&) = delete;
    ApacheFrontEnd& operator=(const ApacheFrontEnd&) = delete;
    const std::string& url() const { return url_; }

private:
    std::string url_;
};

// curl from another local address (127.0.0.2): "<status> <content type>\n<body>".
std::string curlFrom(const std::string& source, const std::string& url) {
    const std::string cmd = "curl -s --interface " + source + " -w '\\n%{http_code} %{content_type}' " + shellQuote(url);
    return runCommand(cmd).out;
}

}  // namespace

class ApacheTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ApacheTest);
    CPPUNIT_TEST(testApiThroughApache);
    CPPUNIT_TEST(testStaticAndRestricted);
    CPPUNIT_TEST(testPoolDownIsJson503);
    CPPUNIT_TEST_SUITE_END();

public:
    void testApiThroughApache() {
        ApacheFrontEnd apache;
        const std::string& a = apache.url();
        ASSERT_RESPONSE(200, R"({"message":"Welcome to the LLM API!"})", requestUrl("GET", a + "/"));
        const User u{uniqueName("apache"), "secure_pwd_1", ""};
        Response signup = requestUrl("POST", a + "/api/signup/", signupBody(u), {"Content-Type: application/json"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(signup.body, 201L, signup.status);
        Response again = requestUrl("POST", a + "/api/signup/", signupBody(u), {"Content-Type: application/json"});
        ASSERT_RESPONSE(400, R"({"username":["A user with that username already exists."]})", again);
        Response token = requestUrl("POST", a + "/api/token/", credentialsBody(u.username, u.password),
                                    {"Content-Type: application/json"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(token.body, 200L, token.status);
        const std::string auth = "Authorization: Bearer " + jsonString(token.json().get(), "access");
        // CGIPassAuth: the worker sees the token; the path is routed as nginx routes it.
        for (const char* path : {"/api/me/", "/api/%6De/", "//api/./me/"}) {
            Response me = requestUrl("GET", a + path, "", {auth});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(path) + ": " + me.body, 200L, me.status);
            CPPUNIT_ASSERT_EQUAL(u.username, jsonString(me.json().get(), "username"));
        }

        fake::reset();
        Response chat = requestUrl("POST", a + "/api/chat/completions/?provider=openai", seedChatBody("fake-gpt-4o-mini"),
                                   {"Content-Type: application/json", auth});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(chat.body, 200L, chat.status);
        CPPUNIT_ASSERT_EQUAL(std::string("chat.completion"), jsonString(chat.json().get(), "object"));

        // flushpackets=on: 15 events 300 ms apart arrive spread, not at the end.
        fake::reset();
        fake::script(R"({"chunk_delay_ms":300})");
        StreamResponse s = streamRequestUrl("POST", a + "/v1/chat/completions?provider=openai",
                                            seedChatBody("fake-gpt-4o-mini", true),
                                            {"Content-Type: application/json", auth});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, 200L, s.status);
        CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), s.events.back().data);
        int spread = 0;
        std::string times;
        for (size_t i = 0; i < s.events.size(); ++i) {
            times += std::to_string(s.events[i].at) + " ";
            if (i > 0 && s.events[i].at - s.events[i - 1].at >= 0.2) ++spread;
        }
        CPPUNIT_ASSERT_MESSAGE("arrival times " + times, spread >= 10 && s.events.front().at < 1.0);

        // Bodies over [server] max_body_bytes (1 MiB here): 413 at once, in
        // each family's shape, before authentication, as through nginx.
        const std::string big(2 * 1024 * 1024, 'x');
        Response drf = requestUrl("POST", a + "/api/me/", big, {"Content-Type: application/json"});
        ASSERT_RESPONSE(413, R"({"detail":"Request body is too large (limit 1048576 bytes)."})", drf);
        Response openai = requestUrl("POST", a + "/v1/chat/completions", big, {"Content-Type: application/json"});
        ASSERT_RESPONSE(413,
                        R"({"error":{"message":"Request body is too large (limit 1048576 bytes).","type":"invalid_request_error","param":null,"code":null}})",
                        openai);
        Response viaNginx = request("POST", "/v1/chat/completions", big, {"Content-Type: application/json"});
        CPPUNIT_ASSERT_EQUAL(openai.body, viaNginx.body);
    }

    void testStaticAndRestricted() {
        ApacheFrontEnd apache;
        const std::string& a = apache.url();
        Response page = requestUrl("GET", a + "/", "", {"Accept: text/html,application/xhtml+xml"});
        CPPUNIT_ASSERT_EQUAL(200L, page.status);
        CPPUNIT_ASSERT_EQUAL(std::string("text/html"), page.header("Content-Type").substr(0, 9));
        CPPUNIT_ASSERT_MESSAGE(page.body, page.body.find("<title>LLM API console</title>") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(page.header("Vary"), page.header("Vary").find("Accept") != std::string::npos);
        Response script = requestUrl("GET", a + "/console/main.js");
        CPPUNIT_ASSERT_EQUAL(200L, script.status);
        Response bare = requestUrl("GET", a + "/console");
        CPPUNIT_ASSERT_EQUAL(301L, bare.status);
        CPPUNIT_ASSERT_EQUAL(a + "/console/", bare.header("Location"));
        // The API's documentation, as nginx serves it (test_docs.cpp).
        Response docs = requestUrl("GET", a + "/docs/");
        CPPUNIT_ASSERT_EQUAL(200L, docs.status);
        CPPUNIT_ASSERT_EQUAL(request("GET", "/docs/").body, docs.body);
        for (const char* doc : {"/openapi.yaml", "/openapi.json"}) {
            Response viaApache = requestUrl("GET", a + doc);
            Response viaNginx = request("GET", doc);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(doc, 200L, viaApache.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(doc, viaNginx.header("Content-Type"), viaApache.header("Content-Type"));
            CPPUNIT_ASSERT_MESSAGE(doc, viaNginx.body == viaApache.body);
        }

        // /metrics: this host only, every spelling; the health check for anyone.
        Response metrics = requestUrl("GET", a + "/metrics");
        CPPUNIT_ASSERT_EQUAL(200L, metrics.status);
        CPPUNIT_ASSERT_MESSAGE(metrics.body, metrics.body.find("llm_api_requests_total") != std::string::npos);
        for (const char* path : {"/metrics", "/metrics/", "/metrics//"}) {
            const std::string out = curlFrom("127.0.0.2", a + path);
            CPPUNIT_ASSERT_MESSAGE(out, out.find(R"({"detail":"You do not have permission to perform this action."})") == 0);
            CPPUNIT_ASSERT_MESSAGE(out, out.find("\n403 application/json") != std::string::npos);
        }
        const std::string health = curlFrom("127.0.0.2", a + "/healthz");
        CPPUNIT_ASSERT_MESSAGE(health, health.find(R"({"status":"ok"})") == 0 && health.find("\n200 ") != std::string::npos);
    }

    void testPoolDownIsJson503() {
        ApacheFrontEnd apache;
        ctl("pool-stop");
        Response down = requestUrl("GET", apache.url() + "/api/");
        Response openai = requestUrl("GET", apache.url() + "/v1/models");
        ctl("pool-start");
        ASSERT_RESPONSE(503, R"({"detail":"Service temporarily unavailable, try again later."})", down);
        CPPUNIT_ASSERT_EQUAL(std::string("application/json"), down.header("Content-Type"));
        // In each family's shape, as nginx answers (test_web_tier.cpp).
        ASSERT_RESPONSE(503, R"({"error":{"message":"Service temporarily unavailable, try again later.","type":"service_unavailable","param":null,"code":"service_unavailable"}})",
                        openai);
        CPPUNIT_ASSERT_EQUAL(std::string("application/json"), openai.header("Content-Type"));
        CPPUNIT_ASSERT_MESSAGE("/healthz not 200 within 10 s after pool-start", waitHealthy(10));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ApacheTest);
