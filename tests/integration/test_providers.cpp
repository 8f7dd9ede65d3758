// Providers through the whole stack (nginx → worker → fake provider): the seed
// README's chat and models requests for openai, gemini and inhouse, the exact
// requests each provider receives, the /v1 aliases, and the errors answered
// before any upstream call (API.md sections 1-4 and 7).
#include <cppunit/extensions/HelperMacros.h>

#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "json_path.h"

using namespace it;

namespace {

const char* kOpenAiKey = "sk-fake-openai-key-0123456789";
const char* kGeminiKey = "fake-gemini-key-0123456789";
const char* kGeminiModel = "fake-gemini-2.0-flash";

std::string openAiReply(const std::string& question) { return "This is a fake reply from fake-openai to: " + question; }
std::string geminiReply(const std::string& question) { return "This is a fake reply from fake-gemini to: " + question; }

// The fake's models: two on the OpenAI side; six on the Gemini side, one of
// which (fake-embedding-001) cannot generate content.
const std::vector<std::string> kOpenAiModels{"fake-gpt-4o", "fake-gpt-4o-mini"};
const std::vector<std::string> kGeminiModels{"fake-gemini-2.0-flash", "fake-gemini-2.5-pro",
                                             "fake-gemini-2.5-flash-thinking", "fake-gemini-1.5-flash-8b",
                                             "fake-gemini-3-pro-preview"};
// Its embedding model (embedContent only): in /v1/models and ?task=embeddings, not in chat lists.
const std::vector<std::string> kGeminiEmbeddingModels{"fake-embedding-001"};

std::string jsonList(const std::vector<std::string>& items) {
    JsonPtr list(json_array());
    for (const auto& i : items) json_array_append_new(list.get(), json_string(i.c_str()));
    return dumpJson(list.get());
}

// The recorded request `i`, after checking how many there are.
json_t* onlyRequest(const JsonPtr& list, size_t expectedCount = 1) {
    CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(list.get()), expectedCount, json_array_size(list.get()));
    return json_array_get(list.get(), 0);
}

const char* kMessages = R"([{"role":"user","content":"How is the weather on Venus?"}])";

}  // namespace

class ProvidersTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ProvidersTest);
    CPPUNIT_TEST(testSeedChatOpenAi);
    CPPUNIT_TEST(testSeedChatInhouse);
    CPPUNIT_TEST(testSeedChatGemini);
    CPPUNIT_TEST(testSupportedModelsOpenAiCompatible);
    CPPUNIT_TEST(testSupportedModelsGemini);
    CPPUNIT_TEST(testSupportedModelsDefaultProvider);
    CPPUNIT_TEST(testOpenAiGetsTheBodyAsSent);
    CPPUNIT_TEST(testOpenAiProviderPrefixRemoved);
    CPPUNIT_TEST(testOpenAiStreamAlwaysAsksForUsage);
    CPPUNIT_TEST(testInhouseGetsNoAuthorization);
    CPPUNIT_TEST(testGeminiRequestHeadersAndPaths);
    CPPUNIT_TEST(testOpenAiExtrasPassedBack);
    CPPUNIT_TEST(testV1ChatPrefixRouting);
    CPPUNIT_TEST(testV1ChatQueryProvider);
    CPPUNIT_TEST(testV1ChatDefaultProvider);
    CPPUNIT_TEST(testV1ModelsEveryProvider);
    CPPUNIT_TEST(testV1ModelsOneProvider);
    CPPUNIT_TEST_SUITE_END();

    // The seed README's chat request to `provider`, non-streamed then
    // streamed: one chat.completion, then chunks whose deltas add up to it.
    void checkSeedChat(const std::string& provider, const std::string& model, const std::string& expectedContent,
                       const std::string& expectedUsage) {
        const std::string path = "/api/chat/completions/?provider=" + provider;
        Response r = chatPost(path, seedChatBody(model, false));
        ASSERT_STATUS(200, r);
        CPPUNIT_ASSERT_EQUAL(std::string("application/json"), r.header("Content-Type").substr(0, 16));
        JsonPtr c = r.json();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("chat.completion"), jstr(c.get(), "object"));
        CPPUNIT_ASSERT_MESSAGE(r.body, !jstr(c.get(), "id").empty() && !jstr(c.get(), "model").empty());
        CPPUNIT_ASSERT_MESSAGE(r.body, json_is_integer(jpath(c.get(), "created")));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, size_t{1}, jsize(c.get(), "choices"));
        CPPUNIT_ASSERT_EQUAL(json_int_t{0}, jint(c.get(), "choices[0].index"));
        CPPUNIT_ASSERT_EQUAL(std::string("assistant"), jstr(c.get(), "choices[0].message.role"));
        const std::string content = jstr(c.get(), "choices[0].message.content");
        CPPUNIT_ASSERT_MESSAGE(content, content.find("fake") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(expectedContent, content);
        CPPUNIT_ASSERT_EQUAL(std::string("stop"), jstr(c.get(), "choices[0].finish_reason"));
        JsonPtr usage(json_incref(jpath(c.get(), "usage")));
        for (const char* count : {"prompt_tokens", "completion_tokens", "total_tokens"})
            CPPUNIT_ASSERT_MESSAGE(r.body + " lacks usage." + count, jint(usage.get(), count) >= 0);
        JsonPtr expected = parseJson(expectedUsage);
        for (const char* count : {"prompt_tokens", "completion_tokens", "total_tokens"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(count, jint(expected.get(), count), jint(usage.get(), count));

        StreamResponse s = chatStream(path, seedChatBody(model, true));
        std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, content, deltaText(chunks));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, std::string("assistant"), jstr(chunks.front().get(), "choices[0].delta.role"));
        std::string finish;
        for (const auto& ch : chunks) {
            // The client did not ask for usage: no usage key, no usage-only chunk.
            CPPUNIT_ASSERT_MESSAGE(dumpJson(ch.get()), !jpath(ch.get(), "usage"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(ch.get()), size_t{1}, jsize(ch.get(), "choices"));
            if (json_is_string(jpath(ch.get(), "choices[0].finish_reason"))) {
                CPPUNIT_ASSERT_MESSAGE("two finish reasons: " + s.body, finish.empty());
                finish = jstr(ch.get(), "choices[0].finish_reason");
            }
        }
        CPPUNIT_ASSERT_EQUAL(std::string("stop"), finish);
        CPPUNIT_ASSERT_MESSAGE("the finish_reason is not in the last chunk",
                               json_is_string(jpath(chunks.back().get(), "choices[0].finish_reason")));
    }

public:
    void setUp() override { fake::reset(); }

    void testSeedChatOpenAi() {
        checkSeedChat("openai", "gpt-3.5-turbo", openAiReply(kSeedQuestion),
                      R"({"prompt_tokens":6,"completion_tokens":14,"total_tokens":20})");
    }

    void testSeedChatInhouse() {
        checkSeedChat("inhouse", "gpt-3.5-turbo", openAiReply(kSeedQuestion),
                      R"({"prompt_tokens":6,"completion_tokens":14,"total_tokens":20})");
    }

    void testSeedChatGemini() {
        checkSeedChat("gemini", kGeminiModel, geminiReply(kSeedQuestion),
                      R"({"prompt_tokens":6,"completion_tokens":14,"total_tokens":20})");
    }

    void testSupportedModelsOpenAiCompatible() {
        for (const char* provider : {"openai", "inhouse"}) {
            // The seed README's request, with and without its trailing slash.
            for (const char* path : {"/api/supported-models/?provider=", "/api/supported-models?provider="}) {
                fake::reset();
                ASSERT_RESPONSE(200, R"({"models":)" + jsonList(kOpenAiModels) + "}", apiGet(path + std::string(provider)));
                JsonPtr reqs = fake::requests();
                json_t* req = onlyRequest(reqs);
                CPPUNIT_ASSERT_EQUAL(std::string("GET"), jstr(req, "method"));
                CPPUNIT_ASSERT_EQUAL(std::string("/v1/models"), jstr(req, "path"));
                if (std::string(provider) == "openai")
                    CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + kOpenAiKey, jstr(req, "headers.authorization"));
                else
                    CPPUNIT_ASSERT_MESSAGE(jdump(req, "headers"), !jpath(req, "headers.authorization"));
            }
        }
    }

    // Ids without "models/", every page followed, the embedding-only model left out.
    void testSupportedModelsGemini() {
        ASSERT_RESPONSE(200, R"({"models":)" + jsonList(kGeminiModels) + "}",
                        apiGet("/api/supported-models/?provider=gemini"));
        JsonPtr reqs = fake::requests();
        CPPUNIT_ASSERT_MESSAGE(dumpJson(reqs.get()), json_array_size(reqs.get()) >= 1);
        size_t i;
        json_t* req;
        json_array_foreach(reqs.get(), i, req) {
            CPPUNIT_ASSERT_EQUAL(std::string("gemini"), jstr(req, "protocol"));
            CPPUNIT_ASSERT_EQUAL(std::string("/v1beta/models"), jstr(req, "path").substr(0, 14));
            CPPUNIT_ASSERT_EQUAL(std::string(kGeminiKey), jstr(req, "headers.x-goog-api-key"));
            CPPUNIT_ASSERT_MESSAGE(jstr(req, "path"), json_is_false(jpath(req, "key_in_url")));
        }
    }

    void testSupportedModelsDefaultProvider() {
        // API.md 1: without ?provider=, the configured default (openai here).
        ASSERT_RESPONSE(200, R"({"models":)" + jsonList(kOpenAiModels) + "}", apiGet("/api/supported-models/"));
        JsonPtr reqs = fake::requests();
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + kOpenAiKey, jstr(onlyRequest(reqs), "headers.authorization"));
    }

    // Every field is forwarded untouched, those the gateway does not know included.
    void testOpenAiGetsTheBodyAsSent() {
        const std::string body = R"({"model":"fake-gpt-4o","messages":[{"role":"system","content":"Be brief."},)"
                                 R"({"role":"user","content":[{"type":"text","text":"What is this?"},)"
                                 R"({"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}],)"
                                 R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":)"
                                 R"({"type":"object","properties":{"city":{"type":"string"}}}}}],)"
                                 R"("tool_choice":"auto","logprobs":true,"top_logprobs":2,"user":"x",)"
                                 R"("temperature":0.7,"max_completion_tokens":50,"seed":7,"stop":["END"],)"
                                 R"("response_format":{"type":"json_object"},"metadata":{"k":"v"},"stream":false})";
        ASSERT_STATUS(200, chatPost("/api/chat/completions/?provider=openai", body));
        JsonPtr reqs = fake::requests();
        json_t* req = onlyRequest(reqs);
        CPPUNIT_ASSERT_EQUAL(std::string("openai"), jstr(req, "protocol"));
        CPPUNIT_ASSERT_EQUAL(std::string("POST"), jstr(req, "method"));
        CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), jstr(req, "path"));
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + kOpenAiKey, jstr(req, "headers.authorization"));
        CPPUNIT_ASSERT_EQUAL(std::string("application/json"), jstr(req, "headers.content-type"));
        ASSERT_JSON_EQ(body, jdump(req, "body"));
    }

    void testOpenAiProviderPrefixRemoved() {
        const std::string sent = R"({"model":"openai/fake-gpt-4o","messages":)" + std::string(kMessages) + "}";
        Response r = chatPost("/api/chat/completions/?provider=openai", sent);
        ASSERT_STATUS(200, r);
        JsonPtr reqs = fake::requests();
        ASSERT_JSON_EQ(R"({"model":"fake-gpt-4o","messages":)" + std::string(kMessages) + "}",
                       jdump(onlyRequest(reqs), "body"));
    }

    // Upstream streams always carry stream_options.include_usage (API.md 2),
    // whatever the client asked, and nothing else of the body changes.
    void testOpenAiStreamAlwaysAsksForUsage() {
        const std::string base = R"({"model":"fake-gpt-4o","messages":)" + std::string(kMessages) + R"(,"stream":true)";
        const std::pair<std::string, std::string> cases[] = {
            {base + "}", base + R"(,"stream_options":{"include_usage":true}})"},
            {base + R"(,"stream_options":{"include_usage":false}})", base + R"(,"stream_options":{"include_usage":true}})"},
            {base + R"(,"stream_options":{"include_usage":true}})", base + R"(,"stream_options":{"include_usage":true}})"},
        };
        for (const auto& [sent, forwarded] : cases) {
            fake::reset();
            ASSERT_CHAT_STREAM(chatStream("/api/chat/completions/?provider=openai", sent));
            JsonPtr reqs = fake::requests();
            ASSERT_JSON_EQ(forwarded, jdump(onlyRequest(reqs), "body"));
        }
    }

    void testInhouseGetsNoAuthorization() {
        for (bool stream : {false, true}) {
            fake::reset();
            const std::string body = seedChatBody("gpt-3.5-turbo", stream);
            if (stream)
                ASSERT_CHAT_STREAM(chatStream("/api/chat/completions/?provider=inhouse", body));
            else
                ASSERT_STATUS(200, chatPost("/api/chat/completions/?provider=inhouse", body));
            JsonPtr reqs = fake::requests();
            json_t* req = onlyRequest(reqs);
            CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), jstr(req, "path"));
            CPPUNIT_ASSERT_MESSAGE(jdump(req, "headers"), !jpath(req, "headers.authorization"));
            JsonPtr forwarded = parseJson(body);
            if (stream)
                json_object_set_new(forwarded.get(), "stream_options", json_pack("{s:b}", "include_usage", 1));
            ASSERT_JSON_EQ(dumpJson(forwarded.get()), jdump(req, "body"));
        }
    }

    // x-goog-api-key, never a key in the URL, the native paths.
    void testGeminiRequestHeadersAndPaths() {
        for (bool stream : {false, true}) {
            fake::reset();
            const std::string body = seedChatBody(kGeminiModel, stream);
            if (stream)
                ASSERT_CHAT_STREAM(chatStream("/api/chat/completions/?provider=gemini", body));
            else
                ASSERT_STATUS(200, chatPost("/api/chat/completions/?provider=gemini", body));
            JsonPtr reqs = fake::requests();
            json_t* req = onlyRequest(reqs);
            CPPUNIT_ASSERT_EQUAL(std::string("gemini"), jstr(req, "protocol"));
            CPPUNIT_ASSERT_EQUAL(std::string("POST"), jstr(req, "method"));
            CPPUNIT_ASSERT_EQUAL(std::string("/v1beta/models/") + kGeminiModel +
                                     (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"),
                                 jstr(req, "path"));
            CPPUNIT_ASSERT_EQUAL(std::string(kGeminiKey), jstr(req, "headers.x-goog-api-key"));
            CPPUNIT_ASSERT_MESSAGE(jdump(req, "headers"), !jpath(req, "headers.authorization"));
            CPPUNIT_ASSERT(json_is_false(jpath(req, "key_in_url")));
            CPPUNIT_ASSERT_EQUAL(std::string::npos, jstr(req, "path").find("key="));
            ASSERT_JSON_EQ(R"({"contents":[{"role":"user","parts":[{"text":"How is the weather on Venus?"}]}]})",
                           jdump(req, "body"));
        }
        JsonPtr st = fake::stats();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(st.get()), json_int_t{0}, jint(st.get(), "key_in_url"));
    }

    // OpenAI-compatible answers pass through as received (API.md 2).
    void testOpenAiExtrasPassedBack() {
        Response r = chatPost("/api/chat/completions/?provider=openai", seedChatBody("fake-gpt-4o"));
        ASSERT_STATUS(200, r);
        JsonPtr c = r.json();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("fp_fake"), jstr(c.get(), "system_fingerprint"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("chatcmpl-fake"), jstr(c.get(), "id").substr(0, 13));
        CPPUNIT_ASSERT_MESSAGE(r.body, json_is_null(jpath(c.get(), "choices[0].message.refusal")));
        CPPUNIT_ASSERT_MESSAGE(r.body, json_is_null(jpath(c.get(), "choices[0].logprobs")));
    }

    // ---- /v1 aliases (API.md 4) ----------------------------------------------

    void testV1ChatPrefixRouting() {
        const std::string body = R"({"model":"gemini/fake-gemini-2.0-flash","messages":)" + std::string(kMessages) + "}";
        Response r = chatPost("/v1/chat/completions", body);
        ASSERT_STATUS(200, r);
        JsonPtr c = r.json();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("chat.completion"), jstr(c.get(), "object"));
        CPPUNIT_ASSERT_EQUAL(geminiReply(kSeedQuestion), jstr(c.get(), "choices[0].message.content"));
        JsonPtr reqs = fake::requests();
        CPPUNIT_ASSERT_EQUAL(std::string("/v1beta/models/fake-gemini-2.0-flash:generateContent"),
                             jstr(onlyRequest(reqs), "path"));

        // "inhouse/llama3": the prefix routes and is removed from the forwarded model.
        fake::reset();
        ASSERT_STATUS(200, chatPost("/v1/chat/completions",
                                    R"({"model":"inhouse/llama3","messages":)" + std::string(kMessages) + "}"));
        reqs = fake::requests();
        json_t* req = onlyRequest(reqs);
        CPPUNIT_ASSERT_EQUAL(std::string("llama3"), jstr(req, "body.model"));
        CPPUNIT_ASSERT_MESSAGE(jdump(req, "headers"), !jpath(req, "headers.authorization"));
    }

    void testV1ChatQueryProvider() {
        Response r = chatPost("/v1/chat/completions?provider=inhouse", seedChatBody("gpt-3.5-turbo"));
        ASSERT_STATUS(200, r);
        CPPUNIT_ASSERT_EQUAL(openAiReply(kSeedQuestion), jstr(r.json().get(), "choices[0].message.content"));
        JsonPtr reqs = fake::requests();
        json_t* req = onlyRequest(reqs);
        CPPUNIT_ASSERT_EQUAL(std::string("openai"), jstr(req, "protocol"));
        CPPUNIT_ASSERT_MESSAGE(jdump(req, "headers"), !jpath(req, "headers.authorization"));
        CPPUNIT_ASSERT_EQUAL(std::string("gpt-3.5-turbo"), jstr(req, "body.model"));
    }

    void testV1ChatDefaultProvider() {
        for (const char* path : {"/v1/chat/completions", "/v1/chat/completions/", "/api/chat/completions/"}) {
            fake::reset();
            Response r = chatPost(path, seedChatBody("gpt-3.5-turbo"));
            ASSERT_STATUS(200, r);
            JsonPtr reqs = fake::requests();
            json_t* req = onlyRequest(reqs);
            CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + kOpenAiKey, jstr(req, "headers.authorization"));
            CPPUNIT_ASSERT_EQUAL(std::string("gpt-3.5-turbo"), jstr(req, "body.model"));
        }
    }

    // Every configured provider's models as "provider/model" ids. The test
    // stack's `down` provider is configured but unreachable: its models are
    // unknown, and the others must still be listed.
    void testV1ModelsEveryProvider() {
        Response r = apiGet("/v1/models");
        ASSERT_STATUS(200, r);
        ASSERT_KEYS((std::set<std::string>{"object", "data"}), r);
        JsonPtr body = r.json();
        CPPUNIT_ASSERT_EQUAL(std::string("list"), jstr(body.get(), "object"));
        std::set<std::string> ids;
        size_t i;
        json_t* m;
        json_array_foreach(jpath(body.get(), "data"), i, m) {
            std::set<std::string> keys;
            const char* key;
            json_t* value;
            json_object_foreach(m, key, value) keys.insert(key);
            CPPUNIT_ASSERT_MESSAGE(dumpJson(m), (keys == std::set<std::string>{"id", "object", "created", "owned_by"}));
            CPPUNIT_ASSERT_EQUAL(std::string("model"), jstr(m, "object"));
            CPPUNIT_ASSERT_MESSAGE(dumpJson(m), json_is_integer(jpath(m, "created")) && json_is_string(jpath(m, "owned_by")));
            CPPUNIT_ASSERT_MESSAGE("duplicate " + jstr(m, "id"), ids.insert(jstr(m, "id")).second);
        }
        std::set<std::string> expected;
        for (const char* p : {"openai", "inhouse", "flaky", "slow", "idle"})
            for (const auto& id : kOpenAiModels) expected.insert(std::string(p) + "/" + id);
        for (const auto& id : kGeminiModels) expected.insert("gemini/" + id);
        for (const auto& id : kGeminiEmbeddingModels) expected.insert("gemini/" + id);
        std::string got;
        for (const auto& id : ids) got += id + " ";
        CPPUNIT_ASSERT_MESSAGE("ids: " + got, ids == expected);
    }

    void testV1ModelsOneProvider() {
        Response r = apiGet("/v1/models?provider=gemini");
        ASSERT_STATUS(200, r);
        JsonPtr body = r.json();
        CPPUNIT_ASSERT_EQUAL(std::string("list"), jstr(body.get(), "object"));
        std::vector<std::string> ids;
        size_t i;
        json_t* m;
        json_array_foreach(jpath(body.get(), "data"), i, m) {
            CPPUNIT_ASSERT_EQUAL(std::string("model"), jstr(m, "object"));
            ids.push_back(jstr(m, "id"));
        }
        std::vector<std::string> both = kGeminiModels;
        both.insert(both.end(), kGeminiEmbeddingModels.begin(), kGeminiEmbeddingModels.end());
        CPPUNIT_ASSERT_EQUAL(jsonList(both), jsonList(ids));
        // The seed's list stays chat models; ?task=embeddings gives the others.
        ASSERT_RESPONSE(200, R"({"models":)" + jsonList(kGeminiEmbeddingModels) + "}",
                        apiGet("/api/supported-models/?provider=gemini&task=embeddings"));
        ASSERT_RESPONSE(200, R"({"models":)" + jsonList(kGeminiModels) + "}",
                        apiGet("/api/supported-models/?provider=gemini&task=chat"));
        ASSERT_OPENAI_ERROR(400, "invalid_request_error", "task", apiGet("/api/supported-models/?provider=gemini&task=x"));

        r = apiGet("/v1/models?provider=inhouse");
        ASSERT_STATUS(200, r);
        ids.clear();
        body = r.json();
        json_array_foreach(jpath(body.get(), "data"), i, m) ids.push_back(jstr(m, "id"));
        CPPUNIT_ASSERT_EQUAL(jsonList(kOpenAiModels), jsonList(ids));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProvidersTest);

// ---- errors answered by the gateway itself (API.md 3) --------------------------

class ChatErrorsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChatErrorsTest);
    CPPUNIT_TEST(testUnknownProvider);
    CPPUNIT_TEST(testUnconfiguredProvider);
    CPPUNIT_TEST(testValidationBeforeAnyUpstreamCall);
    CPPUNIT_TEST(testBodyNotJson);
    CPPUNIT_TEST(testBodyTooLarge);
    CPPUNIT_TEST(testNoToken);
    CPPUNIT_TEST_SUITE_END();

    static void assertNothingSentUpstream() {
        JsonPtr reqs = fake::requests();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(reqs.get()), size_t{0}, json_array_size(reqs.get()));
    }

public:
    void setUp() override { fake::reset(); }

    void testUnknownProvider() {
        const Response answers[] = {
            chatPost("/api/chat/completions/?provider=nosuch", seedChatBody("gpt-3.5-turbo")),
            chatPost("/v1/chat/completions?provider=nosuch", seedChatBody("gpt-3.5-turbo")),
            apiGet("/api/supported-models/?provider=nosuch"),
            apiGet("/v1/models?provider=nosuch"),
        };
        for (const Response& r : answers) {
            JsonPtr err = ASSERT_OPENAI_ERROR(400, "invalid_request_error", "provider", r);
            const std::string message = jstr(err.get(), "message");
            CPPUNIT_ASSERT_MESSAGE(message, message.find("nosuch") != std::string::npos);
            for (const char* p : {"openai", "gemini", "inhouse", "flaky", "slow", "down", "unconfigured"})
                CPPUNIT_ASSERT_MESSAGE(std::string(p) + " not listed in: " + message, message.find(p) != std::string::npos);
        }
        assertNothingSentUpstream();
    }

    void testUnconfiguredProvider() {
        const Response answers[] = {
            chatPost("/api/chat/completions/?provider=unconfigured", seedChatBody("gpt-3.5-turbo")),
            chatPost("/v1/chat/completions", R"({"model":"unconfigured/x","messages":)" + std::string(kMessages) + "}"),
            apiGet("/api/supported-models/?provider=unconfigured"),
        };
        for (const Response& r : answers) {
            JsonPtr err = ASSERT_OPENAI_ERROR(503, "provider_not_configured", nullptr, r);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("provider_not_configured"), jstr(err.get(), "code"));
        }
        assertNothingSentUpstream();
    }

    // Each bad body → 400 whose param names the field; the provider never sees it.
    void testValidationBeforeAnyUpstreamCall() {
        const std::string msgs = kMessages;
        const std::pair<std::string, const char*> cases[] = {
            {R"({"messages":)" + msgs + "}", "model"},
            {R"({"model":42,"messages":)" + msgs + "}", "model"},
            {R"({"model":"","messages":)" + msgs + "}", "model"},
            {R"({"model":"gpt-3.5-turbo"})", "messages"},
            {R"({"model":"gpt-3.5-turbo","messages":[]})", "messages"},
            {R"({"model":"gpt-3.5-turbo","messages":"How is the weather on Venus?"})", "messages"},
            {R"({"model":"gpt-3.5-turbo","messages":{"role":"user","content":"hi"}})", "messages"},
            {R"({"model":"gpt-3.5-turbo","messages":["hi"]})", "messages[0]"},
            {R"({"model":"gpt-3.5-turbo","messages":[{"role":"wizard","content":"hi"}]})", "messages[0].role"},
            {R"({"model":"gpt-3.5-turbo","messages":[{"content":"hi"}]})", "messages[0].role"},
            {R"({"model":"gpt-3.5-turbo","messages":[{"role":"user","content":"hi"},{"role":"user"}]})", "messages[1].content"},
            {R"({"model":"gpt-3.5-turbo","messages":[{"role":"user","content":5}]})", "messages[0].content"},
            {R"({"model":"gpt-3.5-turbo","messages":[{"role":"user","content":{"text":"hi"}}]})", "messages[0].content"},
            {R"({"model":"gpt-3.5-turbo","messages":[{"role":"user","content":[{"type":"text"}]}]})", "messages[0].content[0].text"},
            {R"({"model":"gpt-3.5-turbo","messages":[{"role":"user","content":["hi"]}]})", "messages[0].content[0]"},
            {R"({"model":"gpt-3.5-turbo","messages":)" + msgs + R"(,"temperature":3})", "temperature"},
            {R"({"model":"gpt-3.5-turbo","messages":)" + msgs + R"(,"temperature":"warm"})", "temperature"},
            {R"({"model":"gpt-3.5-turbo","messages":)" + msgs + R"(,"top_p":1.5})", "top_p"},
            {R"({"model":"gpt-3.5-turbo","messages":)" + msgs + R"(,"n":0})", "n"},
            {R"({"model":"gpt-3.5-turbo","messages":)" + msgs + R"(,"max_tokens":-1})", "max_tokens"},
            {R"({"model":"gpt-3.5-turbo","messages":)" + msgs + R"(,"stream":"yes"})", "stream"},
            {R"({"model":"gpt-3.5-turbo","messages":)" + msgs + R"(,"stop":[1,2]})", "stop"},
        };
        for (const char* provider : {"openai", "gemini"}) {
            for (const auto& [body, param] : cases) {
                Response r = chatPost(std::string("/api/chat/completions/?provider=") + provider, body);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(body + " → " + r.body, 400L, r.status);
                ASSERT_OPENAI_ERROR(400, "invalid_request_error", param, r);
            }
            // The same through the OpenAI alias, streamed: a JSON error, not an event stream.
            Response r = chatPost("/v1/chat/completions", R"({"model":"gpt-3.5-turbo","stream":true,"messages":[]})");
            ASSERT_OPENAI_ERROR(400, "invalid_request_error", "messages", r);
        }
        assertNothingSentUpstream();
    }

    void testBodyNotJson() {
        std::string deep = std::string(100, '[') + std::string(100, ']');
        for (const std::string& body :
             {std::string("not json"), std::string("{\"model\":"), std::string("[1,2]"), std::string("\"text\""),
              std::string("42"), std::string(R"({"model":"gpt-3.5-turbo","messages":)") + deep + "}",
              std::string("{\"model\":\"\xff\xfe\"}")}) {
            for (const char* path : {"/api/chat/completions/?provider=openai", "/v1/chat/completions"})
                ASSERT_OPENAI_ERROR(400, "invalid_request_error", nullptr, chatPost(path, body));
        }
        assertNothingSentUpstream();
    }

    void testBodyTooLarge() {
        // A valid request just over the 1 MiB limit.
        std::string body = R"({"model":"gpt-3.5-turbo","messages":[{"role":"user","content":")";
        const std::string tail = R"("}]})";
        body += std::string(1048576 + 1 - body.size() - tail.size(), 'a') + tail;
        CPPUNIT_ASSERT_EQUAL(size_t{1048577}, body.size());
        for (const char* path : {"/api/chat/completions/?provider=openai", "/v1/chat/completions"})
            ASSERT_OPENAI_ERROR(413, "invalid_request_error", nullptr, chatPost(path, body));
        assertNothingSentUpstream();
    }

    void testNoToken() {
        const std::string denied = R"({"detail":"Authentication credentials were not provided."})";
        ASSERT_RESPONSE(401, denied, postJson("/api/chat/completions/?provider=openai", seedChatBody("gpt-3.5-turbo")));
        ASSERT_RESPONSE(401, denied, request("GET", "/api/supported-models/?provider=openai"));
        ASSERT_STATUS(401, postJson("/v1/chat/completions", seedChatBody("gpt-3.5-turbo")));
        ASSERT_STATUS(401, request("GET", "/v1/models"));
        ASSERT_STATUS(401, postJson("/api/chat/completions/?provider=openai", seedChatBody("gpt-3.5-turbo"),
                                    {"Authorization: Bearer not-a-token"}));
        assertNothingSentUpstream();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChatErrorsTest);
