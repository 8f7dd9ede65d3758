// Reliability through the whole stack, counted at the fake provider: retries
// with backoff and Retry-After, provider errors passed on or not, fallbacks,
// timeouts, refused and reset connections (API.md 3, 4 and 7).
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>

#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "json_path.h"

using namespace it;

namespace {

std::string chatPath(const std::string& provider) { return "/api/chat/completions/?provider=" + provider; }

// `behaviour`, `n` times, as a script.
std::string times(int n, const std::string& behaviour) {
    std::string out = "[";
    for (int i = 0; i < n; ++i) out += (i ? "," : "") + behaviour;
    return out + "]";
}

double secondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The recorded requests, after checking how many there are.
JsonPtr requestsCounted(size_t expected) {
    JsonPtr reqs = fake::requests();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(reqs.get()), expected, json_array_size(reqs.get()));
    return reqs;
}

std::string messageOf(const json_t* err) { return jstr(err, "message"); }

const char* kOpenAiKey = "sk-fake-openai-key-0123456789";
const char* kFlakyKey = "sk-fake-flaky-key-0123456789";

}  // namespace

class ReliabilityTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ReliabilityTest);
    CPPUNIT_TEST(testRetriesThenSuccess);
    CPPUNIT_TEST(testRetriesThenSuccessStreamed);
    CPPUNIT_TEST(testRetryAfterHonoured);
    CPPUNIT_TEST(testRetriesExhausted);
    CPPUNIT_TEST(testProviderClientErrorPassedOn);
    CPPUNIT_TEST(testProviderErrorNeverLeaksTheKey);
    CPPUNIT_TEST(testUpstreamCredentialsRejected);
    CPPUNIT_TEST(testNonJsonErrorBody);
    CPPUNIT_TEST(testFallback);
    CPPUNIT_TEST(testFallbackStreamed);
    CPPUNIT_TEST(testFallbackExhausted);
    CPPUNIT_TEST(testNoFallbackForClientErrors);
    CPPUNIT_TEST(testTimeout);
    CPPUNIT_TEST(testTimeoutMidStream);
    CPPUNIT_TEST(testIdleTimeout);
    CPPUNIT_TEST(testProviderDown);
    CPPUNIT_TEST(testResetBeforeAnyByte);
    CPPUNIT_TEST(testTruncatedReplyRetried);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { fake::reset(); }

    void tearDown() override { fake::reset(); }  // nothing scripted leaks into the next test

    // Two 500s, then a normal answer: openai has retries = 2, so 3 attempts.
    void testRetriesThenSuccess() {
        fake::script(times(2, R"({"status":500})"));
        Response r = chatPost(chatPath("openai"), seedChatBody("gpt-3.5-turbo"));
        ASSERT_STATUS(200, r);
        CPPUNIT_ASSERT_EQUAL(std::string("chat.completion"), jstr(r.json().get(), "object"));
        JsonPtr reqs = requestsCounted(3);
        for (size_t i = 0; i < 3; ++i) {
            const std::string at = "[" + std::to_string(i) + "]";
            ASSERT_JSON_EQ(seedChatBody("gpt-3.5-turbo"), jdump(reqs.get(), at + ".body"));  // the same request each time
            CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + kOpenAiKey, jstr(reqs.get(), at + ".headers.authorization"));
        }
        ASSERT_JSON_EQ(R"({"status":500})", jdump(reqs.get(), "[1].behaviour"));
        CPPUNIT_ASSERT(json_is_null(jpath(reqs.get(), "[2].behaviour")));

        // Gemini retries the same way (a 503 and a 429).
        fake::reset();
        fake::script(R"([{"status":503},{"status":429}])");
        r = chatPost(chatPath("gemini"), seedChatBody("fake-gemini-2.0-flash"));
        ASSERT_STATUS(200, r);
        requestsCounted(3);
    }

    // Before the first byte a stream is retried like any request.
    void testRetriesThenSuccessStreamed() {
        fake::script(times(2, R"({"status":500})"));
        StreamResponse s = chatStream(chatPath("openai"), seedChatBody("gpt-3.5-turbo", true));
        std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
        CPPUNIT_ASSERT_EQUAL(std::string("This is a fake reply from fake-openai to: ") + kSeedQuestion, deltaText(chunks));
        requestsCounted(3);
    }

    void testRetryAfterHonoured() {
        fake::script(R"({"status":429,"retry_after":"1"})");
        ASSERT_STATUS(200, chatPost(chatPath("openai"), seedChatBody("gpt-3.5-turbo")));
        JsonPtr reqs = requestsCounted(2);
        const json_int_t gap = jint(reqs.get(), "[1].time_ms") - jint(reqs.get(), "[0].time_ms");
        CPPUNIT_ASSERT_MESSAGE("retried " + std::to_string(gap) + " ms after a Retry-After of 1 s", gap >= 1000);
    }

    // 4 scripted 500s, retries = 2: 3 attempts, then 502; the 4th stays queued.
    void testRetriesExhausted() {
        fake::script(times(4, R"({"status":500})"));
        Response r = chatPost(chatPath("openai"), seedChatBody("gpt-3.5-turbo"));
        ASSERT_OPENAI_ERROR(502, "upstream_error", nullptr, r);
        requestsCounted(3);
        CPPUNIT_ASSERT_EQUAL(size_t{1}, fake::queued());

        // Streamed, nothing sent yet: the same JSON error, not an event stream.
        fake::reset();
        fake::script(times(3, R"({"status":503})"));
        StreamResponse s = chatStream(chatPath("openai"), seedChatBody("gpt-3.5-turbo", true));
        Response asResponse;
        asResponse.status = s.status;
        asResponse.headers = s.headers;
        asResponse.body = s.body;
        ASSERT_OPENAI_ERROR(502, "upstream_error", nullptr, asResponse);
        requestsCounted(3);
    }

    // A 4xx from the provider: the same status and error, at once (no retry).
    void testProviderClientErrorPassedOn() {
        const std::string error = R"({"error":{"message":"Invalid value for 'temperature': the model only supports 1.",)"
                                  R"("type":"invalid_request_error","param":"temperature","code":"unsupported_value"}})";
        fake::script(R"({"status":400,"body":)" + error + "}");
        Response r = chatPost(chatPath("openai"), seedChatBody("gpt-3.5-turbo"));
        ASSERT_RESPONSE(400, error, r);
        requestsCounted(1);

        // Streamed: still a JSON error, before any event.
        fake::reset();
        fake::script(R"({"status":400,"body":)" + error + "}");
        StreamResponse s = chatStream(chatPath("openai"), seedChatBody("gpt-3.5-turbo", true));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, 400L, s.status);
        ASSERT_JSON_EQ(error, s.body);
        requestsCounted(1);

        // An unknown model: the provider's 404 and message.
        fake::reset();
        r = chatPost(chatPath("openai"), seedChatBody("fake-nonexistent-model"));
        JsonPtr err = ASSERT_OPENAI_ERROR(404, "invalid_request_error", nullptr, r);
        CPPUNIT_ASSERT_EQUAL(std::string("The model `fake-nonexistent-model` does not exist or you do not have access to it."),
                             messageOf(err.get()));
        CPPUNIT_ASSERT_EQUAL(std::string("model_not_found"), jstr(err.get(), "code"));
        requestsCounted(1);
    }

    // A provider echoing our key in its message: passed on without the key.
    void testProviderErrorNeverLeaksTheKey() {
        fake::script(std::string(R"({"status":400,"body":{"error":{"message":"Bad request made with key )") + kOpenAiKey +
                     R"(.","type":"invalid_request_error","param":null,"code":null}}})");
        Response r = chatPost(chatPath("openai"), seedChatBody("gpt-3.5-turbo"));  // chatPost checks for keys
        JsonPtr err = ASSERT_OPENAI_ERROR(400, "invalid_request_error", nullptr, r);
        CPPUNIT_ASSERT_MESSAGE(messageOf(err.get()), messageOf(err.get()).find("Bad request made with key") == 0);
    }

    // The gateway's own key refused (401/403): 502, never the user's 401, never the key.
    void testUpstreamCredentialsRejected() {
        const std::string echoesKey = std::string(R"({"status":401,"body":{"error":{"message":"Incorrect API key provided: )") +
                                      kOpenAiKey + R"(","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}})";
        for (const std::string& behaviour : {std::string(R"({"status":401})"), std::string(R"({"status":403})"), echoesKey}) {
            fake::reset();
            fake::script(behaviour);
            Response r = chatPost(chatPath("openai"), seedChatBody("gpt-3.5-turbo"));
            JsonPtr err = ASSERT_OPENAI_ERROR(502, "upstream_error", nullptr, r);
            CPPUNIT_ASSERT_MESSAGE(r.body, messageOf(err.get()).find("rejected the gateway's credentials") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(r.body, r.body.find("Incorrect API key") == std::string::npos);
            requestsCounted(1);  // the same key would be refused again: no retry
        }
    }

    // An HTML error page from a proxy in front of the provider: our JSON error, not the page.
    void testNonJsonErrorBody() {
        fake::script(times(3, R"({"status":502,"body":"<html><body>Bad Gateway</body></html>","content_type":"text/html"})"));
        Response r = chatPost(chatPath("openai"), seedChatBody("gpt-3.5-turbo"));
        ASSERT_OPENAI_ERROR(502, "upstream_error", nullptr, r);
        CPPUNIT_ASSERT_MESSAGE(r.body, r.body.find("<html>") == std::string::npos);
        requestsCounted(3);
    }

    // flaky (retries 1) fails twice, then its fallback gemini/fake-gemini-2.0-flash answers.
    void testFallback() {
        fake::script(times(2, R"({"status":500})"));
        Response r = chatPost(chatPath("flaky"), seedChatBody("gpt-3.5-turbo"));
        ASSERT_STATUS(200, r);
        JsonPtr c = r.json();
        CPPUNIT_ASSERT_EQUAL(std::string("This is a fake reply from fake-gemini to: ") + kSeedQuestion,
                             jstr(c.get(), "choices[0].message.content"));
        JsonPtr reqs = requestsCounted(3);
        for (const char* at : {"[0]", "[1]"}) {
            CPPUNIT_ASSERT_EQUAL(std::string("openai"), jstr(reqs.get(), std::string(at) + ".protocol"));
            CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), jstr(reqs.get(), std::string(at) + ".path"));
            CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + kFlakyKey, jstr(reqs.get(), std::string(at) + ".headers.authorization"));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("gemini"), jstr(reqs.get(), "[2].protocol"));
        CPPUNIT_ASSERT_EQUAL(std::string("/v1beta/models/fake-gemini-2.0-flash:generateContent"), jstr(reqs.get(), "[2].path"));
        ASSERT_JSON_EQ(R"({"contents":[{"role":"user","parts":[{"text":"How is the weather on Venus?"}]}]})",
                       jdump(reqs.get(), "[2].body"));
    }

    void testFallbackStreamed() {
        fake::script(times(2, R"({"status":503})"));
        StreamResponse s = chatStream(chatPath("flaky"), seedChatBody("gpt-3.5-turbo", true));
        std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
        CPPUNIT_ASSERT_EQUAL(std::string("This is a fake reply from fake-gemini to: ") + kSeedQuestion, deltaText(chunks));
        JsonPtr reqs = requestsCounted(3);
        CPPUNIT_ASSERT_EQUAL(std::string("/v1beta/models/fake-gemini-2.0-flash:streamGenerateContent?alt=sse"),
                             jstr(reqs.get(), "[2].path"));
    }

    // Everything fails: 2 attempts at flaky, 3 at gemini (retries 2); the
    // unknown fallback "nosuch/model" is skipped.
    void testFallbackExhausted() {
        fake::script(times(5, R"({"status":500})"));
        Response r = chatPost(chatPath("flaky"), seedChatBody("gpt-3.5-turbo"));
        ASSERT_OPENAI_ERROR(502, "upstream_error", nullptr, r);
        JsonPtr reqs = requestsCounted(5);
        const char* protocols[] = {"openai", "openai", "gemini", "gemini", "gemini"};
        for (size_t i = 0; i < 5; ++i)
            CPPUNIT_ASSERT_EQUAL(std::string(protocols[i]), jstr(reqs.get(), "[" + std::to_string(i) + "].protocol"));
    }

    // A 4xx is the client's doing: no other provider would do better.
    void testNoFallbackForClientErrors() {
        fake::script(R"({"status":400})");
        Response r = chatPost(chatPath("flaky"), seedChatBody("gpt-3.5-turbo"));
        ASSERT_OPENAI_ERROR(400, "invalid_request_error", nullptr, r);
        requestsCounted(1);
    }

    // slow: timeout_s 2, idle 1, no retries, no fallback; the provider hangs 4 s.
    // Twice each way: a worker thread's kept-alive connection to the provider
    // may be reused or not, and a timeout must be a timeout either way.
    void testTimeout() {
        for (bool stream : {false, false, true, true}) {
            fake::reset();
            fake::script(R"({"hang_ms":4000})");
            const auto start = std::chrono::steady_clock::now();
            Response r;
            if (stream) {
                StreamResponse s = chatStream(chatPath("slow"), seedChatBody("gpt-3.5-turbo", true));
                r.status = s.status;
                r.headers = s.headers;
                r.body = s.body;
            } else {
                r = chatPost(chatPath("slow"), seedChatBody("gpt-3.5-turbo"));
            }
            const double took = secondsSince(start);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(stream ? "streamed: " : "not streamed: ") + r.body, 504L, r.status);
            JsonPtr err = ASSERT_OPENAI_ERROR(504, "upstream_timeout", nullptr, r);
            CPPUNIT_ASSERT_EQUAL(std::string("upstream_timeout"), jstr(err.get(), "code"));
            CPPUNIT_ASSERT_MESSAGE("answered after " + std::to_string(took) + " s", took < 3.0);
            requestsCounted(1);  // a timed-out attempt is not retried
        }
    }

    // The provider stops sending mid-stream: the chunks so far, then the timeout as an event.
    void testTimeoutMidStream() {
        fake::script(R"({"chunk_delay_ms":1500})");
        const auto start = std::chrono::steady_clock::now();
        StreamResponse s = chatStream(chatPath("slow"), seedChatBody("gpt-3.5-turbo", true));
        const double took = secondsSince(start);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, 200L, s.status);
        CPPUNIT_ASSERT_MESSAGE("took " + std::to_string(took) + " s", took < 3.5);
        CPPUNIT_ASSERT_MESSAGE(s.body, s.events.size() >= 3);
        CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), s.events.back().data);
        std::vector<JsonPtr> chunks = streamChunks(s);
        CPPUNIT_ASSERT_EQUAL(std::string("chat.completion.chunk"), jstr(chunks.front().get(), "object"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, std::string("upstream_timeout"), jstr(chunks.back().get(), "error.type"));
        requestsCounted(1);
    }

    // idle_timeout_s bounds the silence, well before the total timeout: the
    // `idle` provider has timeout_s 30 and idle_timeout_s 1.
    void testIdleTimeout() {
        fake::script(R"({"hang_ms":5000})");
        auto start = std::chrono::steady_clock::now();
        Response r = chatPost(chatPath("idle"), seedChatBody("gpt-3.5-turbo"));
        double took = secondsSince(start);
        ASSERT_OPENAI_ERROR(504, "upstream_timeout", nullptr, r);
        CPPUNIT_ASSERT_MESSAGE("silent provider cut after " + std::to_string(took) + " s", took >= 0.9 && took < 2.5);

        fake::reset();
        fake::script(R"({"chunk_delay_ms":3000})");
        start = std::chrono::steady_clock::now();
        StreamResponse s = chatStream(chatPath("idle"), seedChatBody("gpt-3.5-turbo", true));
        took = secondsSince(start);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, 200L, s.status);
        CPPUNIT_ASSERT_MESSAGE("stalled stream cut after " + std::to_string(took) + " s", took < 2.5);
        std::vector<JsonPtr> chunks = streamChunks(s);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, std::string("upstream_timeout"), jstr(chunks.back().get(), "error.type"));
    }

    // Nothing listens at down's address: 502 after its retry, nothing reached the fake.
    void testProviderDown() {
        const auto start = std::chrono::steady_clock::now();
        Response r = chatPost(chatPath("down"), seedChatBody("gpt-3.5-turbo"));
        JsonPtr err = ASSERT_OPENAI_ERROR(502, "upstream_error", nullptr, r);
        CPPUNIT_ASSERT_MESSAGE("took " + std::to_string(secondsSince(start)) + " s", secondsSince(start) < 5.0);
        CPPUNIT_ASSERT_MESSAGE(messageOf(err.get()), messageOf(err.get()).find("down") != std::string::npos);
        requestsCounted(0);
    }

    // A connection reset before any byte is retried; when every attempt is reset, 502.
    // Counting: openai has retries = 2, so 3 attempts. libcurl itself resends a
    // request once when a kept-alive connection it reused dies before any byte
    // of the answer (its stale-connection rule); the connection is fresh after
    // a reset, so that adds at most one request, to the first attempt.
    void testResetBeforeAnyByte() {
        fake::script(R"({"reset":true})");
        ASSERT_STATUS(200, chatPost(chatPath("openai"), seedChatBody("gpt-3.5-turbo")));
        JsonPtr reqs = requestsCounted(2);
        CPPUNIT_ASSERT_EQUAL(std::string("reset_by_fake"), jstr(reqs.get(), "[0].response_end"));

        for (bool stream : {false, true}) {
            fake::reset();
            fake::script(times(6, R"({"reset":true})"));
            Response r;
            if (stream) {  // nothing sent yet: the JSON error, not an event stream
                StreamResponse s = chatStream(chatPath("openai"), seedChatBody("gpt-3.5-turbo", true));
                r.status = s.status;
                r.headers = s.headers;
                r.body = s.body;
            } else {
                r = chatPost(chatPath("openai"), seedChatBody("gpt-3.5-turbo"));
            }
            ASSERT_OPENAI_ERROR(502, "upstream_error", nullptr, r);
            reqs = fake::requests();
            const size_t n = json_array_size(reqs.get());
            CPPUNIT_ASSERT_MESSAGE(std::to_string(n) + " requests: " + dumpJson(reqs.get()), n == 3 || n == 4);
            CPPUNIT_ASSERT_EQUAL(6 - n, fake::queued());
            for (size_t i = 0; i < n; ++i)
                CPPUNIT_ASSERT_EQUAL(std::string("reset_by_fake"), jstr(reqs.get(), "[" + std::to_string(i) + "].response_end"));
        }
    }

    // A reply cut in the middle of its body (Content-Length not reached) is retried.
    void testTruncatedReplyRetried() {
        fake::script(R"({"reset_after_chunks":0})");
        Response r = chatPost(chatPath("openai"), seedChatBody("gpt-3.5-turbo"));
        ASSERT_STATUS(200, r);
        CPPUNIT_ASSERT_EQUAL(std::string("chat.completion"), jstr(r.json().get(), "object"));
        requestsCounted(2);

        // A stream whose provider hangs up after its headers, before any event:
        // nothing reached the client yet, so it is retried and the client sees one clean stream.
        fake::reset();
        fake::script(R"({"reset_after_chunks":0})");
        StreamResponse s = chatStream(chatPath("openai"), seedChatBody("gpt-3.5-turbo", true));
        std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
        CPPUNIT_ASSERT_EQUAL(std::string("This is a fake reply from fake-openai to: ") + kSeedQuestion, deltaText(chunks));
        requestsCounted(2);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReliabilityTest);
