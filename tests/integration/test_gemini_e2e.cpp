// Gemini through the whole stack: every mapping rule of API.md section 2,
// checked on the body the fake Gemini server received and on the OpenAI-format
// answer the client got, streamed and not.
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <tuple>

#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "json_path.h"

using namespace it;

namespace {

const char* kGemini = "/api/chat/completions/?provider=gemini";
const char* kModel = "fake-gemini-2.0-flash";
const char* kVenus = R"([{"role":"user","content":"How is the weather on Venus?"}])";
const char* kVenusContents = R"([{"role":"user","parts":[{"text":"How is the weather on Venus?"}]}])";
const std::string kReply = "This is a fake reply from fake-gemini to: How is the weather on Venus?";

// {"model":model,"messages":messages[, extra]}
std::string chatBody(const std::string& model, const std::string& messages, const std::string& extra = "") {
    return R"({"model":")" + model + R"(","messages":)" + messages + (extra.empty() ? "" : "," + extra) + "}";
}

// The single request the fake received, after checking there was exactly one.
JsonPtr onlyRequest() {
    JsonPtr reqs = fake::requests();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(reqs.get()), size_t{1}, json_array_size(reqs.get()));
    CPPUNIT_ASSERT_EQUAL(std::string("gemini"), jstr(reqs.get(), "[0].protocol"));
    return JsonPtr(json_incref(json_array_get(reqs.get(), 0)));
}

// The answer to `body`, asserted 200 and a chat.completion.
JsonPtr completion(const std::string& body) {
    Response r = chatPost(kGemini, body);
    ASSERT_STATUS(200, r);
    JsonPtr c = r.json();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("chat.completion"), jstr(c.get(), "object"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("chatcmpl-"), jstr(c.get(), "id").substr(0, 9));
    return c;
}

// The finish_reason of each choice index, checking that each comes once, last.
std::map<json_int_t, std::string> finishReasons(const std::vector<JsonPtr>& chunks) {
    std::map<json_int_t, std::string> out;
    for (const auto& c : chunks) {
        size_t i;
        json_t* choice;
        json_array_foreach(jpath(c.get(), "choices"), i, choice) {
            const json_int_t index = jint(choice, "index");
            CPPUNIT_ASSERT_MESSAGE("a chunk after the finish_reason: " + dumpJson(c.get()), !out.count(index));
            if (json_is_string(jpath(choice, "finish_reason"))) out[index] = jstr(choice, "finish_reason");
        }
    }
    return out;
}

std::string usageOf(const json_t* obj) {
    return "{\"prompt_tokens\":" + std::to_string(jint(obj, "usage.prompt_tokens")) +
           ",\"completion_tokens\":" + std::to_string(jint(obj, "usage.completion_tokens")) +
           ",\"total_tokens\":" + std::to_string(jint(obj, "usage.total_tokens")) + "}";
}

}  // namespace

class GeminiE2ETest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GeminiE2ETest);
    CPPUNIT_TEST(testRolesAndTurns);
    CPPUNIT_TEST(testGenerationConfig);
    CPPUNIT_TEST(testGenerationConfigVariants);
    CPPUNIT_TEST(testStreamRequest);
    CPPUNIT_TEST(testFinishReasons);
    CPPUNIT_TEST(testFinishReasonsStreamed);
    CPPUNIT_TEST(testStreamCutShort);
    CPPUNIT_TEST(testBlockedPrompt);
    CPPUNIT_TEST(testBlockedPromptStreamed);
    CPPUNIT_TEST(testUsageWithThoughts);
    CPPUNIT_TEST(testUsageWithThoughtsStreamed);
    CPPUNIT_TEST(testTwoChoices);
    CPPUNIT_TEST(testTwoChoicesStreamed);
    CPPUNIT_TEST(testModelsPrefixAccepted);
    CPPUNIT_TEST(testSseFraming);
    CPPUNIT_TEST(testProviderErrors);
    CPPUNIT_TEST(testNothingGeminiCanTakeIsRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { fake::reset(); }

    // system + developer → systemInstruction; assistant → model; consecutive
    // turns of one role merged; arrays of text parts kept part by part.
    void testRolesAndTurns() {
        const std::string messages = R"([{"role":"system","content":"Be brief."},)"
                                     R"({"role":"developer","content":[{"type":"text","text":"Answer in English."}]},)"
                                     R"({"role":"user","content":"Hi"},)"
                                     R"({"role":"assistant","content":"Hello!"},)"
                                     R"({"role":"assistant","content":[{"type":"text","text":"How can I help?"}]},)"
                                     R"({"role":"user","content":"Tell me"},)"
                                     R"({"role":"user","content":[{"type":"text","text":"about Venus"},{"type":"text","text":"and Mars"}]}])";
        JsonPtr c = completion(chatBody(kModel, messages));
        const std::string content = jstr(c.get(), "choices[0].message.content");
        CPPUNIT_ASSERT_MESSAGE(content, content.find("fake-gemini") != std::string::npos);
        JsonPtr req = onlyRequest();
        ASSERT_JSON_EQ(R"({"systemInstruction":{"parts":[{"text":"Be brief."},{"text":"Answer in English."}]},)"
                       R"("contents":[{"role":"user","parts":[{"text":"Hi"}]},)"
                       R"({"role":"model","parts":[{"text":"Hello!"},{"text":"How can I help?"}]},)"
                       R"({"role":"user","parts":[{"text":"Tell me"},{"text":"about Venus"},{"text":"and Mars"}]}]})",
                       jdump(req.get(), "body"));
    }

    // Sampling fields → generationConfig; fields Gemini has no equivalent for are dropped.
    void testGenerationConfig() {
        completion(chatBody(kModel, kVenus,
                            R"("temperature":0.5,"top_p":0.9,"max_tokens":100,"stop":["END","STOP"],"n":1,)"
                            R"("presence_penalty":0.25,"frequency_penalty":0.5,"seed":42,)"
                            R"("response_format":{"type":"json_object"},)"
                            R"("user":"x","logit_bias":{"50256":-100},"logprobs":true,"top_logprobs":2,)"
                            R"("metadata":{"k":"v"},"store":true,"service_tier":"auto","stream":false)"));
        JsonPtr req = onlyRequest();
        ASSERT_JSON_EQ(std::string(R"({"contents":)") + kVenusContents +
                           R"(,"generationConfig":{"temperature":0.5,"topP":0.9,"maxOutputTokens":100,)"
                           R"("stopSequences":["END","STOP"],"candidateCount":1,"presencePenalty":0.25,)"
                           R"("frequencyPenalty":0.5,"seed":42,"responseMimeType":"application/json"}})",
                       jdump(req.get(), "body"));
    }

    void testGenerationConfigVariants() {
        const std::pair<std::string, std::string> cases[] = {
            // One stop string; max_completion_tokens (OpenAI's newer name) wins over max_tokens.
            {R"("stop":"END","max_tokens":100,"max_completion_tokens":64)",
             R"({"stopSequences":["END"],"maxOutputTokens":64})"},
            // "text" is Gemini's default: no generationConfig at all.
            {R"("response_format":{"type":"text"})", ""},
            // Nulls mean "the default" in OpenAI's API.
            {R"("temperature":null,"stop":null,"seed":null)", ""},
        };
        for (const auto& [extra, config] : cases) {
            fake::reset();
            completion(chatBody(kModel, kVenus, extra));
            JsonPtr req = onlyRequest();
            ASSERT_JSON_EQ(std::string(R"({"contents":)") + kVenusContents +
                               (config.empty() ? "" : R"(,"generationConfig":)" + config) + "}",
                           jdump(req.get(), "body"));
        }
        // A JSON schema: JSON output asked for; OpenAI's name and strict have no Gemini field.
        fake::reset();
        completion(chatBody(kModel, kVenus,
                            R"("response_format":{"type":"json_schema","json_schema":{"name":"weather","strict":true,)"
                            R"("schema":{"type":"object","properties":{"temp":{"type":"number"}},"required":["temp"]}}})"));
        JsonPtr req = onlyRequest();
        json_t* cfg = jpath(req.get(), "body.generationConfig");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(cfg), std::string("application/json"), jstr(cfg, "responseMimeType"));
        const std::string dumped = dumpJson(cfg);
        CPPUNIT_ASSERT_MESSAGE(dumped, dumped.find("weather") == std::string::npos && dumped.find("strict") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(dumped, dumped.find(R"("required":["temp"])") != std::string::npos);
    }

    // A streamed request maps the same way; stream and stream_options stay ours.
    void testStreamRequest() {
        StreamResponse s = chatStream(kGemini, chatBody(kModel, kVenus,
                                                         R"("stream":true,"stream_options":{"include_usage":true},)"
                                                         R"("temperature":0.2,"stop":"END")"));
        ASSERT_CHAT_STREAM(s);
        JsonPtr req = onlyRequest();
        CPPUNIT_ASSERT_EQUAL(std::string("/v1beta/models/fake-gemini-2.0-flash:streamGenerateContent?alt=sse"),
                             jstr(req.get(), "path"));
        ASSERT_JSON_EQ(std::string(R"({"contents":)") + kVenusContents +
                           R"(,"generationConfig":{"temperature":0.2,"stopSequences":["END"]}})",
                       jdump(req.get(), "body"));
    }

    // STOP → stop, MAX_TOKENS → length, SAFETY → content_filter (the fake
    // answers by model name; a SAFETY candidate there carries no content).
    void testFinishReasons() {
        const std::tuple<const char*, const char*, std::string> cases[] = {
            {"fake-gemini-2.0-flash", "stop", kReply},
            {"fake-gemini-maxtokens", "length", kReply},
            {"fake-gemini-safety", "content_filter", ""},
        };
        for (const auto& [model, finish, content] : cases) {
            JsonPtr c = completion(chatBody(model, kVenus));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(model, size_t{1}, jsize(c.get(), "choices"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(model, std::string(finish), jstr(c.get(), "choices[0].finish_reason"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(model, std::string("assistant"), jstr(c.get(), "choices[0].message.role"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(model, content, jstr(c.get(), "choices[0].message.content"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(model, std::string(model), jstr(c.get(), "model"));
        }
    }

    void testFinishReasonsStreamed() {
        const std::pair<const char*, const char*> cases[] = {
            {"fake-gemini-2.0-flash", "stop"}, {"fake-gemini-maxtokens", "length"}, {"fake-gemini-safety", "content_filter"}};
        for (const auto& [model, finish] : cases) {
            StreamResponse s = chatStream(kGemini, chatBody(model, kVenus, R"("stream":true)"));
            std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, kReply, deltaText(chunks));
            auto reasons = finishReasons(chunks);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, size_t{1}, reasons.size());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, std::string(finish), reasons[0]);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, std::string("assistant"), jstr(chunks.front().get(), "choices[0].delta.role"));
        }
    }

    // A stream that ends cleanly before its finishReason frame was cut short:
    // after some chunks, the SSE error event and [DONE]; with no frame at
    // all, a 502 (nothing was sent yet). Not retried: the answer was not an
    // error status the provider may fix by itself.
    void testStreamCutShort() {
        fake::script(R"({"end_after_chunks":2})");
        StreamResponse s = chatStream(kGemini, chatBody("fake-gemini-2.0-flash", kVenus, R"("stream":true)"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, 200L, s.status);
        CPPUNIT_ASSERT_MESSAGE(s.body, s.events.size() == 4);  // 2 chunks, the error, [DONE]
        CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), s.events.back().data);
        std::vector<JsonPtr> chunks = streamChunks(s);
        CPPUNIT_ASSERT_EQUAL(std::string("chat.completion.chunk"), jstr(chunks.front().get(), "object"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, std::string("upstream_error"), jstr(chunks.back().get(), "error.code"));
        CPPUNIT_ASSERT_MESSAGE(s.body, jstr(chunks.back().get(), "error.message").find("ended early") != std::string::npos);
        CPPUNIT_ASSERT(finishReasons(chunks).empty());

        fake::script(R"({"end_after_chunks":0})");
        StreamResponse empty = chatStream(kGemini, chatBody("fake-gemini-2.0-flash", kVenus, R"("stream":true)"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(empty.body, 502L, empty.status);
        JsonPtr err(json_loads(empty.body.c_str(), 0, nullptr));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(empty.body, std::string("upstream_error"), jstr(err.get(), "error.code"));
    }

    // promptFeedback.blockReason without candidates → content_filter, empty content.
    void testBlockedPrompt() {
        JsonPtr c = completion(chatBody("fake-gemini-blocked", kVenus));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(c.get()), size_t{1}, jsize(c.get(), "choices"));
        CPPUNIT_ASSERT_EQUAL(json_int_t{0}, jint(c.get(), "choices[0].index"));
        ASSERT_JSON_EQ(R"({"role":"assistant","content":""})", jdump(c.get(), "choices[0].message"));
        CPPUNIT_ASSERT_EQUAL(std::string("content_filter"), jstr(c.get(), "choices[0].finish_reason"));
        ASSERT_JSON_EQ(R"({"prompt_tokens":3,"completion_tokens":0,"total_tokens":3})", usageOf(c.get()));
    }

    void testBlockedPromptStreamed() {
        StreamResponse s = chatStream(kGemini, chatBody("fake-gemini-blocked", kVenus,
                                                         R"("stream":true,"stream_options":{"include_usage":true})"));
        std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, size_t{2}, chunks.size());  // the verdict, then usage
        CPPUNIT_ASSERT_EQUAL(std::string("assistant"), jstr(chunks[0].get(), "choices[0].delta.role"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), deltaText(chunks));
        CPPUNIT_ASSERT_EQUAL(std::string("content_filter"), jstr(chunks[0].get(), "choices[0].finish_reason"));
        CPPUNIT_ASSERT_EQUAL(size_t{0}, jsize(chunks[1].get(), "choices"));
        ASSERT_JSON_EQ(R"({"prompt_tokens":3,"completion_tokens":0,"total_tokens":3})", usageOf(chunks[1].get()));
    }

    // completion_tokens = candidates + thoughts; reasoning_tokens = thoughts (7 at the fake).
    void testUsageWithThoughts() {
        JsonPtr c = completion(chatBody("fake-gemini-2.5-flash-thinking", kVenus));
        CPPUNIT_ASSERT_EQUAL(kReply, jstr(c.get(), "choices[0].message.content"));
        ASSERT_JSON_EQ(R"({"prompt_tokens":6,"completion_tokens":21,"total_tokens":27})", usageOf(c.get()));
        CPPUNIT_ASSERT_EQUAL(json_int_t{7}, jint(c.get(), "usage.completion_tokens_details.reasoning_tokens"));

        fake::reset();
        c = completion(chatBody(kModel, kVenus));
        ASSERT_JSON_EQ(R"({"prompt_tokens":6,"completion_tokens":14,"total_tokens":20})", usageOf(c.get()));
    }

    // Only the last frame's running totals count (summing frames would give 105 completion tokens).
    void testUsageWithThoughtsStreamed() {
        const std::pair<const char*, std::string> cases[] = {
            {"fake-gemini-2.5-flash-thinking", R"({"prompt_tokens":6,"completion_tokens":21,"total_tokens":27})"},
            {"fake-gemini-2.0-flash", R"({"prompt_tokens":6,"completion_tokens":14,"total_tokens":20})"},
        };
        for (const auto& [model, usage] : cases) {
            StreamResponse s = chatStream(kGemini, chatBody(model, kVenus, R"("stream":true,"stream_options":{"include_usage":true})"));
            std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, kReply, deltaText(chunks));
            const json_t* last = chunks.back().get();
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, size_t{0}, jsize(last, "choices"));
            ASSERT_JSON_EQ(usage, usageOf(last));
            CPPUNIT_ASSERT_EQUAL(json_int_t{std::string(model).find("thinking") != std::string::npos ? 7 : 0},
                                 jint(last, "usage.completion_tokens_details.reasoning_tokens"));
        }
    }

    // n:2 → candidateCount 2 → two choices.
    void testTwoChoices() {
        JsonPtr c = completion(chatBody(kModel, kVenus, R"("n":2)"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(c.get()), size_t{2}, jsize(c.get(), "choices"));
        for (json_int_t i = 0; i < 2; ++i) {
            const std::string at = "choices[" + std::to_string(i) + "]";
            CPPUNIT_ASSERT_EQUAL(i, jint(c.get(), at + ".index"));
            CPPUNIT_ASSERT_EQUAL(kReply, jstr(c.get(), at + ".message.content"));
            CPPUNIT_ASSERT_EQUAL(std::string("stop"), jstr(c.get(), at + ".finish_reason"));
        }
        ASSERT_JSON_EQ(R"({"prompt_tokens":6,"completion_tokens":28,"total_tokens":34})", usageOf(c.get()));
        JsonPtr req = onlyRequest();
        CPPUNIT_ASSERT_EQUAL(json_int_t{2}, jint(req.get(), "body.generationConfig.candidateCount"));
    }

    void testTwoChoicesStreamed() {
        StreamResponse s = chatStream(kGemini, chatBody(kModel, kVenus, R"("n":2,"stream":true)"));
        std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, kReply, deltaText(chunks, 0));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, kReply, deltaText(chunks, 1));
        auto reasons = finishReasons(chunks);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, size_t{2}, reasons.size());
        CPPUNIT_ASSERT_EQUAL(std::string("stop"), reasons[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("stop"), reasons[1]);
    }

    // Model ids are accepted with "models/" (as Gemini's own API lists them) and shown without it.
    void testModelsPrefixAccepted() {
        const std::pair<std::string, std::string> cases[] = {
            {kGemini, "models/fake-gemini-2.0-flash"},
            {"/v1/chat/completions", "gemini/models/fake-gemini-2.0-flash"},
            {"/v1/chat/completions?provider=gemini", "models/fake-gemini-2.0-flash"},
        };
        for (const auto& [path, model] : cases) {
            for (bool stream : {false, true}) {
                fake::reset();
                const std::string body = chatBody(model, kVenus, stream ? R"("stream":true)" : "");
                std::string shownModel;
                if (stream) {
                    std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(chatStream(path, body));
                    CPPUNIT_ASSERT_EQUAL(kReply, deltaText(chunks));
                    shownModel = jstr(chunks.front().get(), "model");
                } else {
                    Response r = chatPost(path, body);
                    ASSERT_STATUS(200, r);
                    CPPUNIT_ASSERT_EQUAL(kReply, jstr(r.json().get(), "choices[0].message.content"));
                    shownModel = jstr(r.json().get(), "model");
                }
                CPPUNIT_ASSERT_EQUAL(std::string(kModel), shownModel);
                JsonPtr req = onlyRequest();
                CPPUNIT_ASSERT_EQUAL(std::string("/v1beta/models/fake-gemini-2.0-flash:") +
                                         (stream ? "streamGenerateContent?alt=sse" : "generateContent"),
                                     jstr(req.get(), "path"));
            }
        }
    }

    // Frames split across writes mid-JSON, and frames ending in "\n\n" instead
    // of Gemini's "\r\n\r\n", parse all the same.
    void testSseFraming() {
        for (const char* behaviour : {R"({"split_frames":true})", R"({"crlf":false})", R"({"crlf":true})",
                                      R"({"split_frames":true,"crlf":false})"}) {
            fake::reset();
            fake::script(behaviour);
            StreamResponse s = chatStream(kGemini, chatBody(kModel, kVenus, R"("stream":true,"stream_options":{"include_usage":true})"));
            std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(behaviour, kReply, deltaText(chunks));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(behaviour, std::string("stop"), finishReasons(chunks)[0]);
            ASSERT_JSON_EQ(R"({"prompt_tokens":6,"completion_tokens":14,"total_tokens":20})", usageOf(chunks.back().get()));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(behaviour, size_t{15}, chunks.size());  // a chunk per frame (14), then usage
            JsonPtr req = onlyRequest();
            ASSERT_JSON_EQ(behaviour, jdump(req.get(), "behaviour"));
        }
    }

    // Gemini's own errors: a 4xx passed on with Gemini's message; its refusal
    // of our key is a 502, never the user's 401/403.
    void testProviderErrors() {
        Response r = chatPost(kGemini, chatBody("fake-gemini-nonexistent", kVenus));
        JsonPtr err = ASSERT_OPENAI_ERROR(404, jstr(r.json().get(), "error.type"), nullptr, r);
        std::string message = jstr(err.get(), "message");
        CPPUNIT_ASSERT_MESSAGE(message, message.find("models/fake-gemini-nonexistent is not found") != std::string::npos);

        fake::reset();
        fake::script(R"({"status":400,"body":{"error":{"code":400,"message":"Invalid value at 'generation_config.top_k'","status":"INVALID_ARGUMENT"}}})");
        r = chatPost(kGemini, chatBody(kModel, kVenus));
        err = ASSERT_OPENAI_ERROR(400, jstr(r.json().get(), "error.type"), nullptr, r);
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid value at 'generation_config.top_k'"), jstr(err.get(), "message"));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, json_array_size(fake::requests().get()));  // a 4xx is not retried

        for (int status : {401, 403}) {
            fake::reset();
            fake::script(R"({"status":)" + std::to_string(status) + "}");
            r = chatPost(kGemini, chatBody(kModel, kVenus));
            err = ASSERT_OPENAI_ERROR(502, "upstream_error", nullptr, r);
            message = jstr(err.get(), "message");
            CPPUNIT_ASSERT_MESSAGE(message, message.find("rejected the gateway's credentials") != std::string::npos);
        }
    }

    // A conversation with no user or assistant text has no Gemini form: 400, nothing sent.
    void testNothingGeminiCanTakeIsRefused() {
        Response r = chatPost(kGemini, chatBody(kModel, R"([{"role":"system","content":"Be brief."}])"));
        ASSERT_OPENAI_ERROR(400, "invalid_request_error", "messages", r);
        CPPUNIT_ASSERT_EQUAL(size_t{0}, json_array_size(fake::requests().get()));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GeminiE2ETest);
