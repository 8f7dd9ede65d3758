// The relay's retry, backoff and fallback rules with a scripted fake
// Provider and a fake StreamOut under the real HttpChatSink: no network, no
// database, no sleeping (the backoff's sleep is recorded instead).
#include "relay/relay.h"

#include <cppunit/extensions/HelperMacros.h>

#include "vector_traits.h"

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

using namespace llmapi;
using providers::UpstreamError;

namespace {

// What one call to the fake provider does.
struct Step {
    UpstreamError error;          // returned (None = success)
    int chunks_before_error = 0;  // streamed chunks delivered before returning
};

UpstreamError status_error(long status, long retry_after_s = -1) {
    UpstreamError e;
    e.kind = UpstreamError::Status;
    e.status = status;
    e.message = "scripted " + std::to_string(status);
    e.retry_after_s = retry_after_s;
    return e;
}

UpstreamError kind_error(UpstreamError::Kind k) {
    UpstreamError e;
    e.kind = k;
    e.message = "scripted";
    return e;
}

// A provider that plays a script, one Step per call, and logs each call as
// "name:model" into a log shared by every fake of a test.
class FakeProvider : public providers::Provider {
public:
    FakeProvider(const std::string& name, int retries, const std::string& fallback, std::vector<std::string>& log)
        : Provider(make_config(name, retries, fallback)), log_(log) {}
    std::deque<Step> script;

    std::vector<std::string> list_models(upstream::HttpClient&, UpstreamError&, providers::ModelTask) override {
        return {};
    }
    UpstreamError embeddings(upstream::HttpClient&, const providers::EmbeddingsCall&, providers::Embeddings&) override {
        return {};
    }

    UpstreamError chat(upstream::HttpClient&, const providers::ChatCall& call, providers::ChatSink& sink) override {
        log_.push_back(name() + ":" + call.model);
        Step s = script.empty() ? Step{} : script.front();
        if (!script.empty()) script.pop_front();
        for (int i = 0; i < s.chunks_before_error; ++i) {
            JsonPtr chunk(json_pack("{s:s,s:s,s:[{s:i,s:{s:s}}]}", "object", "chat.completion.chunk", "model",
                                    call.model.c_str(), "choices", "index", 0, "delta", "content", "hello"));
            if (!sink.chunk(chunk.get())) return kind_error(UpstreamError::Cancelled);
        }
        if (s.error) return s.error;
        if (call.stream) {
            JsonPtr chunk(json_pack("{s:s,s:s,s:[{s:i,s:{s:s}}],s:{s:i,s:i}}", "object", "chat.completion.chunk",
                                    "model", call.model.c_str(), "choices", "index", 0, "delta", "content", "hi",
                                    "usage", "prompt_tokens", 3, "completion_tokens", 2));
            sink.chunk(chunk.get());
        } else {
            JsonPtr c(json_pack("{s:s,s:s,s:{s:i,s:i}}", "object", "chat.completion", "model", call.model.c_str(),
                                "usage", "prompt_tokens", 5, "completion_tokens", 7));
            sink.completion(c.get(), "");
        }
        return {};
    }

private:
    std::string auth_header() const override { return ""; }
    static config::ProviderConfig make_config(const std::string& name, int retries, const std::string& fallback) {
        config::ProviderConfig c;
        c.name = name;
        c.kind = "fake";
        c.auth = "none";
        c.retries = retries;
        c.fallback = fallback;
        return c;
    }
    std::vector<std::string>& log_;
};

class FakeOut : public http::StreamOut {
public:
    bool gone = false;
    bool started_ = false;
    std::string written;
    bool start(int, const std::vector<std::pair<std::string, std::string>>&) override {
        started_ = true;
        return !gone;
    }
    bool write(const std::string& data) override {
        if (gone) return false;
        written += data;
        return true;
    }
    bool client_gone() override { return gone; }
    bool started() const override { return started_; }
};

// One test's world: providers a (primary), b, c; the recorded sleeps.
struct World {
    std::vector<std::string> calls;
    std::vector<long> sleeps_ms;
    FakeProvider* a;
    FakeProvider* b;
    FakeProvider* c;
    std::unique_ptr<providers::ProviderSet> set;
    upstream::HttpClient http;
    metrics::Metrics metrics{nullptr};
    FakeOut out;

    World(int a_retries, const std::string& a_fallback, int other_retries = 0) {
        std::vector<std::unique_ptr<providers::Provider>> ps;
        auto pa = std::make_unique<FakeProvider>("a", a_retries, a_fallback, calls);
        auto pb = std::make_unique<FakeProvider>("b", other_retries, "", calls);
        auto pc = std::make_unique<FakeProvider>("c", other_retries, "", calls);
        a = pa.get(), b = pb.get(), c = pc.get();
        ps.push_back(std::move(pa));
        ps.push_back(std::move(pb));
        ps.push_back(std::move(pc));
        set = std::make_unique<providers::ProviderSet>(std::move(ps), "a");
    }

    relay::Outcome run(bool stream = false) {
        JsonPtr body(json_pack("{s:s,s:[{s:s,s:s}],s:b}", "model", "m0", "messages", "role", "user", "content",
                               "hello there", "stream", stream));
        relay::HttpChatSink sink(out, false, metrics);
        relay::Backoff backoff;
        backoff.sleep = [this](std::chrono::milliseconds d) { sleeps_ms.push_back(static_cast<long>(d.count())); };
        const relay::Deps deps{*set, http, metrics, backoff};
        return relay::relay_chat(deps, {body.get(), "req-1", 42, 0, {}, {}}, providers::Target{a, "m0"}, sink);
    }
};

std::string error_code_of(const std::string& body) {
    JsonPtr j(json_loads(body.c_str(), 0, nullptr));
    const json_t* code = json_object_get(json_object_get(j.get(), "error"), "code");
    return json_is_string(code) ? json_string_value(code) : "";
}

}  // namespace

class RelayTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RelayTest);
    CPPUNIT_TEST(testSuccessFirstTry);
    CPPUNIT_TEST(testRetriesCounted);
    CPPUNIT_TEST(testRetryThenSuccess);
    CPPUNIT_TEST(testBackoffBounded);
    CPPUNIT_TEST(testRetryAfterHonoured);
    CPPUNIT_TEST(testLongRetryAfterGoesToFallback);
    CPPUNIT_TEST(testFallbackOrder);
    CPPUNIT_TEST(testClientErrorNotRetried);
    CPPUNIT_TEST(testTimeoutIs504NotRetried);
    CPPUNIT_TEST(testMidStreamFailureEndsWithErrorEvent);
    CPPUNIT_TEST(testCancelledClientStopsTheLoop);
    CPPUNIT_TEST(testClientGoneBeforeSendingIsNotSent);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSuccessFirstTry() {
        World w(2, "b/m1");
        relay::Outcome o = w.run();
        CPPUNIT_ASSERT_EQUAL(200, o.response.status);
        CPPUNIT_ASSERT_EQUAL(std::vector<std::string>{"a:m0"}, w.calls);
        CPPUNIT_ASSERT(w.sleeps_ms.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("a"), o.event.provider);
        CPPUNIT_ASSERT_EQUAL(42L, static_cast<long>(o.event.user_id));
        CPPUNIT_ASSERT_EQUAL(5L, o.event.prompt_tokens);
        CPPUNIT_ASSERT_EQUAL(7L, o.event.completion_tokens);
        CPPUNIT_ASSERT_EQUAL(size_t(32), o.event.event_id.size());
    }

    void testRetriesCounted() {
        World w(2, "");
        for (int i = 0; i < 5; ++i) w.a->script.push_back({status_error(503)});
        relay::Outcome o = w.run();
        CPPUNIT_ASSERT_EQUAL(std::vector<std::string>({"a:m0", "a:m0", "a:m0"}), w.calls);  // 1 + 2 retries
        CPPUNIT_ASSERT_EQUAL(size_t(2), w.sleeps_ms.size());
        CPPUNIT_ASSERT_EQUAL(502, o.response.status);
        CPPUNIT_ASSERT_EQUAL(std::string("upstream_error"), error_code_of(o.response.body));
        CPPUNIT_ASSERT_EQUAL(502, o.event.status);
    }

    void testRetryThenSuccess() {
        World w(2, "");
        w.a->script.push_back({kind_error(UpstreamError::Reset)});
        w.a->script.push_back({status_error(429)});
        relay::Outcome o = w.run();
        CPPUNIT_ASSERT_EQUAL(size_t(3), w.calls.size());
        CPPUNIT_ASSERT_EQUAL(200, o.response.status);
    }

    void testBackoffBounded() {
        World w(10, "");
        for (int i = 0; i < 11; ++i) w.a->script.push_back({status_error(500)});
        w.run();
        CPPUNIT_ASSERT_EQUAL(size_t(10), w.sleeps_ms.size());
        for (size_t i = 0; i < w.sleeps_ms.size(); ++i) {
            const long cap = std::min(5000L, 200L << i);
            CPPUNIT_ASSERT_MESSAGE("attempt " + std::to_string(i) + " slept " + std::to_string(w.sleeps_ms[i]),
                                   w.sleeps_ms[i] >= cap / 4 && w.sleeps_ms[i] <= cap);
        }
    }

    void testRetryAfterHonoured() {
        World w(1, "");
        w.a->script.push_back({status_error(429, 7)});
        relay::Outcome o = w.run();
        CPPUNIT_ASSERT_EQUAL(std::vector<long>{7000}, w.sleeps_ms);
        CPPUNIT_ASSERT_EQUAL(200, o.response.status);
    }

    void testLongRetryAfterGoesToFallback() {
        World w(3, "b/m1");
        w.a->script.push_back({status_error(429, 31)});  // above the 30 s bound: no wait
        relay::Outcome o = w.run();
        CPPUNIT_ASSERT(w.sleeps_ms.empty());
        CPPUNIT_ASSERT_EQUAL(std::vector<std::string>({"a:m0", "b:m1"}), w.calls);
        CPPUNIT_ASSERT_EQUAL(std::string("b"), o.event.provider);
        CPPUNIT_ASSERT_EQUAL(std::string("m1"), o.event.model_requested);
    }

    void testFallbackOrder() {
        World w(0, "b/m1, c/m2");
        w.a->script.push_back({kind_error(UpstreamError::Connect)});
        w.b->script.push_back({status_error(500)});
        relay::Outcome o = w.run();
        CPPUNIT_ASSERT_EQUAL(std::vector<std::string>({"a:m0", "b:m1", "c:m2"}), w.calls);
        CPPUNIT_ASSERT_EQUAL(200, o.response.status);
        CPPUNIT_ASSERT_EQUAL(std::string("c"), o.event.provider);
        CPPUNIT_ASSERT_EQUAL(std::string("m2"), o.event.model_requested);
    }

    void testClientErrorNotRetried() {
        World w(3, "b/m1");
        w.a->script.push_back({status_error(400)});
        relay::Outcome o = w.run();
        CPPUNIT_ASSERT_EQUAL(std::vector<std::string>{"a:m0"}, w.calls);  // no retry, no fallback
        CPPUNIT_ASSERT(w.sleeps_ms.empty());
        CPPUNIT_ASSERT_EQUAL(400, o.response.status);
    }

    void testTimeoutIs504NotRetried() {
        World w(3, "");
        w.a->script.push_back({kind_error(UpstreamError::Timeout)});
        relay::Outcome o = w.run();
        CPPUNIT_ASSERT_EQUAL(size_t(1), w.calls.size());
        CPPUNIT_ASSERT_EQUAL(504, o.response.status);
        CPPUNIT_ASSERT_EQUAL(std::string("upstream_timeout"), error_code_of(o.response.body));
    }

    void testMidStreamFailureEndsWithErrorEvent() {
        World w(3, "b/m1");
        w.a->script.push_back({kind_error(UpstreamError::Reset), 2});
        relay::Outcome o = w.run(true);
        CPPUNIT_ASSERT_EQUAL(std::vector<std::string>{"a:m0"}, w.calls);  // past the first byte: no retry, no fallback
        CPPUNIT_ASSERT(o.response.sent);
        CPPUNIT_ASSERT_EQUAL(502, o.event.status);
        const std::string& s = w.out.written;
        const size_t error_at = s.find("data: {\"error\":");
        CPPUNIT_ASSERT_MESSAGE(s, s.find("\"content\":\"hello\"") < error_at);
        CPPUNIT_ASSERT_MESSAGE(s, error_at != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(s, s.size() >= 14 && s.compare(s.size() - 14, 14, "data: [DONE]\n\n") == 0);
        CPPUNIT_ASSERT(o.event.estimated);  // no usage from the provider: counted from what was sent
        CPPUNIT_ASSERT(o.event.completion_tokens > 0);
    }

    // The client leaves during the transfer (the HTTP client reports Cancelled).
    void testCancelledClientStopsTheLoop() {
        World w(3, "b/m1");
        w.a->script.push_back({kind_error(UpstreamError::Cancelled)});
        relay::Outcome o = w.run(true);
        CPPUNIT_ASSERT_EQUAL(std::vector<std::string>{"a:m0"}, w.calls);
        CPPUNIT_ASSERT(w.sleeps_ms.empty());
        CPPUNIT_ASSERT(o.response.sent);
        CPPUNIT_ASSERT(o.event.client_disconnected);
    }

    // The client left while the request waited for a thread: nothing is sent
    // upstream, and nothing is to be recorded.
    void testClientGoneBeforeSendingIsNotSent() {
        World w(3, "b/m1");
        w.out.gone = true;
        relay::Outcome o = w.run(true);
        CPPUNIT_ASSERT(w.calls.empty());
        CPPUNIT_ASSERT(!o.sent_upstream);
        CPPUNIT_ASSERT_EQUAL(relay::kClientClosedRequest, o.response.status);
        CPPUNIT_ASSERT(w.out.written.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RelayTest);
