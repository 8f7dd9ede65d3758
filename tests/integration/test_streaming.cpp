// Streams through the whole stack: the usage chunk only when asked, chunks
// delivered as the provider sends them (nothing buffers), a provider failing
// mid-stream, and a client hanging up (API.md 2, 3 and 7).
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>

#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "json_path.h"
#include "wait.h"

using namespace it;

namespace {

const char* kChat = "/api/chat/completions/?provider=";

struct ProviderCase {
    const char* provider;
    const char* model;
};
const ProviderCase kProviders[] = {{"openai", "gpt-3.5-turbo"}, {"inhouse", "gpt-3.5-turbo"}, {"gemini", "fake-gemini-2.0-flash"}};

// The seed request, streamed, with `extra` JSON members added.
std::string streamBody(const std::string& model, const std::string& extra = "") {
    std::string body = seedChatBody(model, true);
    body.erase(body.rfind('}'));
    return body + (extra.empty() ? "" : ", " + extra) + "}";
}

bool isUsageChunk(const json_t* chunk) {
    return json_is_array(jpath(chunk, "choices")) && jsize(chunk, "choices") == 0 &&
           json_is_object(jpath(chunk, "usage"));
}

double secondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The recorded requests show one that the gateway closed mid-stream.
bool oneClosedEarly(const json_t* list) {
    return json_array_size(list) == 1 && json_is_true(jpath(list, "[0].closed_early"));
}

}  // namespace

class StreamingTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StreamingTest);
    CPPUNIT_TEST(testUsageChunkWhenAsked);
    CPPUNIT_TEST(testNoUsageUnlessAsked);
    CPPUNIT_TEST(testOpenAiChunksPassedThrough);
    CPPUNIT_TEST(testIncrementalDelivery);
    CPPUNIT_TEST(testResetMidStream);
    CPPUNIT_TEST(testClientDisconnectCancelsUpstream);
    CPPUNIT_TEST(testThreadsFreedAfterDisconnects);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { fake::reset(); }

    // stream_options.include_usage: a last chunk with "choices":[] and usage, before [DONE].
    void testUsageChunkWhenAsked() {
        for (const auto& p : kProviders) {
            StreamResponse s = chatStream(kChat + std::string(p.provider),
                                          streamBody(p.model, R"("stream_options": {"include_usage": true})"));
            std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
            const json_t* last = chunks.back().get();
            CPPUNIT_ASSERT_MESSAGE(std::string(p.provider) + ": " + s.body, isUsageChunk(last));
            CPPUNIT_ASSERT_EQUAL(json_int_t{6}, jint(last, "usage.prompt_tokens"));
            CPPUNIT_ASSERT_EQUAL(json_int_t{14}, jint(last, "usage.completion_tokens"));
            CPPUNIT_ASSERT_EQUAL(json_int_t{20}, jint(last, "usage.total_tokens"));
            for (size_t i = 0; i + 1 < chunks.size(); ++i) {
                const json_t* c = chunks[i].get();
                CPPUNIT_ASSERT_MESSAGE(dumpJson(c), jsize(c, "choices") == 1);
                // OpenAI sends "usage": null on the other chunks; no counts there.
                CPPUNIT_ASSERT_MESSAGE(dumpJson(c), !json_is_object(jpath(c, "usage")));
            }
            CPPUNIT_ASSERT_EQUAL(std::string("This is a fake reply from fake-") + (p.provider == std::string("gemini") ? "gemini" : "openai") +
                                     " to: " + kSeedQuestion,
                                 deltaText(chunks));
        }
    }

    // Without it (or with include_usage:false): no usage chunk and no usage key,
    // although the gateway asked OpenAI-compatible providers for usage.
    void testNoUsageUnlessAsked() {
        for (const auto& p : kProviders) {
            for (const std::string& extra : {std::string(), std::string(R"("stream_options": {"include_usage": false})")}) {
                StreamResponse s = chatStream(kChat + std::string(p.provider), streamBody(p.model, extra));
                std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
                for (const auto& c : chunks) {
                    CPPUNIT_ASSERT_MESSAGE(std::string(p.provider) + ": " + dumpJson(c.get()), !jpath(c.get(), "usage"));
                    CPPUNIT_ASSERT_MESSAGE(std::string(p.provider) + ": " + dumpJson(c.get()), jsize(c.get(), "choices") == 1);
                }
            }
        }
    }

    // Chunks from OpenAI-compatible providers are passed on as received.
    void testOpenAiChunksPassedThrough() {
        StreamResponse s = chatStream(kChat + std::string("openai"), streamBody("fake-gpt-4o"));
        std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
        CPPUNIT_ASSERT_EQUAL(size_t{16}, chunks.size());  // role, 14 words, finish
        for (const auto& c : chunks) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(c.get()), std::string("fp_fake"), jstr(c.get(), "system_fingerprint"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(c.get()), std::string("chatcmpl-fake"), jstr(c.get(), "id").substr(0, 13));
            CPPUNIT_ASSERT_MESSAGE(dumpJson(c.get()), json_is_null(jpath(c.get(), "choices[0].logprobs")));
        }
    }

    // With 300 ms between the provider's events, the client gets the first
    // chunk at once and the others spread over the seconds that follow.
    void testIncrementalDelivery() {
        for (const auto& p : {kProviders[0], kProviders[2]}) {
            fake::reset();
            fake::script(R"({"chunk_delay_ms":300})");
            StreamResponse s = chatStream(kChat + std::string(p.provider), streamBody(p.model));
            std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
            CPPUNIT_ASSERT_EQUAL(std::string("This is a fake reply from fake-") +
                                     (p.provider == std::string("gemini") ? "gemini" : "openai") + " to: " + kSeedQuestion,
                                 deltaText(chunks));
            const double first = s.events.front().at, total = s.seconds;
            std::string times;
            int spread = 0;  // events that came >= 200 ms after the previous one
            for (size_t i = 0; i < s.events.size(); ++i) {
                times += std::to_string(s.events[i].at) + " ";
                if (i > 0 && s.events[i].at - s.events[i - 1].at >= 0.2) ++spread;
            }
            CPPUNIT_ASSERT_MESSAGE(std::string(p.provider) + " took only " + std::to_string(total) + " s", total >= 3.0);
            CPPUNIT_ASSERT_MESSAGE(std::string(p.provider) + ": first chunk at " + std::to_string(first) + " s of " +
                                       std::to_string(total) + " s",
                                   first < total / 2 && first < 1.0);
            CPPUNIT_ASSERT_MESSAGE(std::string(p.provider) + ": arrival times " + times, spread >= 12);
        }
    }

    // The provider drops the connection after 2 events: the client keeps them,
    // then gets an error event and [DONE]; nothing is retried past the first byte.
    void testResetMidStream() {
        for (const auto& p : {kProviders[0], kProviders[2]}) {
            fake::reset();
            fake::script(R"({"reset_after_chunks":2})");
            StreamResponse s = chatStream(kChat + std::string(p.provider), streamBody(p.model));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, 200L, s.status);
            CPPUNIT_ASSERT_MESSAGE(s.body, s.events.size() >= 4);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, std::string("[DONE]"), s.events.back().data);
            std::vector<JsonPtr> chunks = streamChunks(s);
            JsonPtr error = std::move(chunks.back());
            chunks.pop_back();
            CPPUNIT_ASSERT_MESSAGE(s.body, chunks.size() >= 2);
            for (const auto& c : chunks)
                CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, std::string("chat.completion.chunk"), jstr(c.get(), "object"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, size_t{1}, jsize(error.get(), ""));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, size_t{4}, jsize(error.get(), "error"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, std::string("upstream_error"), jstr(error.get(), "error.type"));
            CPPUNIT_ASSERT_MESSAGE(s.body, !jstr(error.get(), "error.message").empty());
            CPPUNIT_ASSERT_MESSAGE(s.body, deltaText(chunks).find("This") == 0);

            JsonPtr reqs = fake::requests();
            CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(reqs.get()), size_t{1}, json_array_size(reqs.get()));
            CPPUNIT_ASSERT_EQUAL(std::string("reset_by_fake"), jstr(reqs.get(), "[0].response_end"));
        }
    }

    // The client hangs up after the first chunk: the gateway cancels the
    // upstream request at once (the fake sees its connection closed early),
    // then goes on serving.
    void testClientDisconnectCancelsUpstream() {
        for (const auto& p : {kProviders[0], kProviders[2]}) {
            fake::reset();
            fake::script(R"({"chunk_delay_ms":500})");
            StreamResponse s = chatStream(kChat + std::string(p.provider), streamBody(p.model), 1);
            CPPUNIT_ASSERT_MESSAGE(s.body, s.hungUp);
            CPPUNIT_ASSERT_EQUAL(200L, s.status);
            const auto hungUp = std::chrono::steady_clock::now();

            JsonPtr reqs = fake::waitForRequests(oneClosedEarly, 5);
            const double after = secondsSince(hungUp);
            CPPUNIT_ASSERT_MESSAGE(std::string(p.provider) + ": " + dumpJson(reqs.get()), oneClosedEarly(reqs.get()));
            CPPUNIT_ASSERT_EQUAL(std::string("client_closed"), jstr(reqs.get(), "[0].response_end"));
            // The fake notices on its second write after the close (500 ms apart).
            CPPUNIT_ASSERT_MESSAGE(std::string(p.provider) + ": upstream closed " + std::to_string(after) + " s after the client left",
                                   after < 3.0);
            JsonPtr st = fake::stats();
            CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(st.get()), json_int_t{0}, jint(st.get(), "in_flight"));

            fake::reset();
            Response r = chatPost(kChat + std::string(p.provider), seedChatBody(p.model));
            ASSERT_STATUS(200, r);
        }
    }

    // More hung-up streams than the stack has threads (2 workers x 16): each
    // must be released when its client leaves, not when the provider's
    // 8-second stream would have ended, or the later ones would wait for a
    // thread. (Each next stream waits for fewer than 16 at the provider, so
    // the host's 24 chat seats and the user's 20 are never the limit; if
    // streams were not released, that wait would outlast the 8 s below.)
    void testThreadsFreedAfterDisconnects() {
        const int kStreams = 40;
        std::string script = "[";
        for (int i = 0; i < kStreams; ++i) script += std::string(i ? "," : "") + R"({"chunk_delay_ms":500})";
        fake::script(script + "]");
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < kStreams; ++i) {
            pollUntil(8, [] { return fake::inFlight() < 16; });
            StreamResponse s = chatStream(kChat + std::string("openai"), streamBody("fake-gpt-4o"), 1, 5);
            CPPUNIT_ASSERT_MESSAGE("stream " + std::to_string(i) + ": " + s.body, s.hungUp && s.status == 200);
            CPPUNIT_ASSERT_MESSAGE("stream " + std::to_string(i) + " waited " + std::to_string(s.events.front().at) + " s",
                                   s.events.front().at < 3.0);
        }
        CPPUNIT_ASSERT_MESSAGE(std::to_string(kStreams) + " streams took " + std::to_string(secondsSince(start)) + " s",
                               secondsSince(start) < 8.0);
        // Every upstream stream is cancelled well before its natural end (8 s).
        JsonPtr st;
        pollUntil(4, [&] {
            st = fake::stats();
            return jint(st.get(), "in_flight") == 0;
        });
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(st.get()), json_int_t{0}, jint(st.get(), "in_flight"));
        JsonPtr reqs = fake::waitForRequests(
            [&](const json_t* list) {
                size_t i, closed = 0;
                json_t* r;
                json_array_foreach(list, i, r) closed += json_is_true(jpath(r, "closed_early"));
                return closed == static_cast<size_t>(kStreams);
            },
            3);
        CPPUNIT_ASSERT_EQUAL(static_cast<size_t>(kStreams), json_array_size(reqs.get()));

        const auto before = std::chrono::steady_clock::now();
        ASSERT_STATUS(200, chatPost(kChat + std::string("openai"), seedChatBody("gpt-3.5-turbo")));
        CPPUNIT_ASSERT_MESSAGE("a plain request took " + std::to_string(secondsSince(before)) + " s", secondsSince(before) < 2.0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StreamingTest);
