// OpenAI <-> Gemini translation, on JSON fixtures embedded below. Gemini shapes
// follow https://ai.google.dev/api/generate-content (request body,
// GenerateContentResponse, streamGenerateContent?alt=sse frames).
#include "providers/gemini_tools.h"
#include "providers/gemini_translate.h"
#include "upstream/sse.h"

#include <cppunit/extensions/HelperMacros.h>

#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

using llmapi::JsonPtr;
using llmapi::json_to_string;
using namespace llmapi::providers::gemini;

namespace {

JsonPtr parse(const std::string& text) {
    json_error_t error;
    JsonPtr j(json_loads(text.c_str(), 0, &error));
    if (!j) CPPUNIT_FAIL("bad fixture JSON: " + std::string(error.text) + " in " + text);
    return j;
}

void assert_json(const std::string& expected, const json_t* actual) {
    JsonPtr want = parse(expected);
    CPPUNIT_ASSERT_MESSAGE("expected " + json_to_string(want.get()) + "\n     got " + json_to_string(actual),
                           actual && json_equal(want.get(), actual));
}

JsonPtr translate(const std::string& body) {
    TranslateError err;
    JsonPtr out = to_gemini_request(parse(body).get(), err);
    CPPUNIT_ASSERT_MESSAGE("unexpected error: " + err.message + " (" + err.param + ")", out != nullptr);
    return out;
}

TranslateError translate_error(const std::string& body) {
    TranslateError err;
    JsonPtr out = to_gemini_request(parse(body).get(), err);
    CPPUNIT_ASSERT_MESSAGE("expected an error, got " + json_to_string(out.get()), out == nullptr);
    CPPUNIT_ASSERT(!err.message.empty());
    return err;
}

// A request with one user message "hi" plus the given top-level fields.
std::string hi_with(const std::string& fields) {
    return R"({"model":"gemini-2.0-flash","messages":[{"role":"user","content":"hi"}],)" + fields + "}";
}

const json_t* generation_config(const JsonPtr& req) { return json_object_get(req.get(), "generationConfig"); }

JsonPtr completion(const std::string& gemini) {
    return to_openai_completion(parse(gemini).get(), "gemini-x", "chatcmpl-1", 1700000000);
}

const json_t* first_choice(const JsonPtr& c) { return json_array_get(json_object_get(c.get(), "choices"), 0); }

std::string first_content(const JsonPtr& c) {
    return json_string_value(json_object_get(json_object_get(first_choice(c), "message"), "content"));
}

StreamState new_stream() {
    StreamState st;
    st.id = "chatcmpl-s";
    st.model = "gemini-x";
    st.created = 1700000001;
    return st;
}

std::vector<JsonPtr> frame(const std::string& gemini, StreamState& st) {
    return to_openai_chunks(parse(gemini).get(), st);
}

const json_t* chunk_choice(const JsonPtr& chunk) {
    return json_array_get(json_object_get(chunk.get(), "choices"), 0);
}
const json_t* chunk_delta(const JsonPtr& chunk) { return json_object_get(chunk_choice(chunk), "delta"); }

}  // namespace

// ----------------------------------------------------------------- requests

class GeminiRequestTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GeminiRequestTest);
    CPPUNIT_TEST(testSystemAndDeveloperBecomeSystemInstruction);
    CPPUNIT_TEST(testRolesMapped);
    CPPUNIT_TEST(testConsecutiveSameRoleTurnsMerged);
    CPPUNIT_TEST(testFirstTurnModelAllowed);
    CPPUNIT_TEST(testTextPartsArrays);
    CPPUNIT_TEST(testNonTextPartsRejectedWithParam);
    CPPUNIT_TEST(testMalformedContentRejected);
    CPPUNIT_TEST(testNullAndEmptyAssistantSkipped);
    CPPUNIT_TEST(testNoConversationLeftIsAnError);
    CPPUNIT_TEST(testUnknownRoleRejected);
    CPPUNIT_TEST(testEverySamplingField);
    CPPUNIT_TEST(testMaxCompletionTokensWins);
    CPPUNIT_TEST(testStopStringAndArray);
    CPPUNIT_TEST(testResponseFormatVariants);
    CPPUNIT_TEST(testDroppedFieldsAbsent);
    CPPUNIT_TEST(testNullFieldsOmitted);
    CPPUNIT_TEST(testWrongTypesNameTheParam);
    CPPUNIT_TEST(testStripModelsPrefix);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSystemAndDeveloperBecomeSystemInstruction() {
        JsonPtr req = translate(R"({"model":"m","messages":[
            {"role":"system","content":"Be brief."},
            {"role":"developer","content":"Answer in French."},
            {"role":"user","content":"hi"},
            {"role":"system","content":"Late rule."}]})");
        assert_json(R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],
                        "systemInstruction":{"parts":[{"text":"Be brief."},{"text":"Answer in French."},
                                                      {"text":"Late rule."}]}})",
                    req.get());
    }

    void testRolesMapped() {
        JsonPtr req = translate(R"({"model":"m","messages":[
            {"role":"user","content":"1"},{"role":"assistant","content":"2"},{"role":"user","content":"3"}]})");
        assert_json(R"({"contents":[{"role":"user","parts":[{"text":"1"}]},
                                    {"role":"model","parts":[{"text":"2"}]},
                                    {"role":"user","parts":[{"text":"3"}]}]})",
                    req.get());
    }

    void testConsecutiveSameRoleTurnsMerged() {
        // A system message between two user messages leaves them adjacent: merged too.
        JsonPtr req = translate(R"({"model":"m","messages":[
            {"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"b"}]},
            {"role":"system","content":"s"},{"role":"user","content":"c"},
            {"role":"assistant","content":"d"},{"role":"assistant","content":"e"},
            {"role":"user","content":"f"}]})");
        assert_json(R"({"contents":[{"role":"user","parts":[{"text":"a"},{"text":"b"},{"text":"c"}]},
                                    {"role":"model","parts":[{"text":"d"},{"text":"e"}]},
                                    {"role":"user","parts":[{"text":"f"}]}],
                        "systemInstruction":{"parts":[{"text":"s"}]}})",
                    req.get());
    }

    void testFirstTurnModelAllowed() {
        JsonPtr req = translate(R"({"model":"m","messages":[
            {"role":"system","content":"s"},{"role":"assistant","content":"Hello, how can I help?"},
            {"role":"user","content":"hi"}]})");
        assert_json(R"({"contents":[{"role":"model","parts":[{"text":"Hello, how can I help?"}]},
                                    {"role":"user","parts":[{"text":"hi"}]}],
                        "systemInstruction":{"parts":[{"text":"s"}]}})",
                    req.get());
    }

    void testTextPartsArrays() {
        JsonPtr req = translate(R"({"model":"m","messages":[
            {"role":"system","content":[{"type":"text","text":"s1"},{"type":"text","text":"s2"}]},
            {"role":"user","content":[{"type":"text","text":"look:"},{"type":"text","text":"", "x":1},
                                      {"type":"text","text":"here","cache_control":{"type":"ephemeral"}}]},
            {"role":"assistant","content":[{"type":"text","text":"ok"}]}]})");
        assert_json(R"({"contents":[{"role":"user","parts":[{"text":"look:"},{"text":"here"}]},
                                    {"role":"model","parts":[{"text":"ok"}]}],
                        "systemInstruction":{"parts":[{"text":"s1"},{"text":"s2"}]}})",
                    req.get());
    }

    void testNonTextPartsRejectedWithParam() {
        // Images, audio and files are GeminiMediaTest's; other part types are refused, naming the part.
        TranslateError err = translate_error(R"({"model":"m","messages":[{"role":"system","content":"s"},
            {"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"refusal","refusal":"no"}]}]})");
        CPPUNIT_ASSERT_EQUAL(std::string("messages[1].content[1].type"), err.param);
        CPPUNIT_ASSERT_MESSAGE(err.message, err.message.find("'refusal'") != std::string::npos);
    }

    void testMalformedContentRejected() {
        CPPUNIT_ASSERT_EQUAL(std::string("messages[0].content"),
                             translate_error(R"({"model":"m","messages":[{"role":"user","content":42}]})").param);
        CPPUNIT_ASSERT_EQUAL(std::string("messages[0].content"),
                             translate_error(R"({"model":"m","messages":[{"role":"user","content":["hi"]}]})").param);
        CPPUNIT_ASSERT_EQUAL(
            std::string("messages[0].content"),
            translate_error(R"({"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]})").param);
        CPPUNIT_ASSERT_EQUAL(
            std::string("messages[0].content"),
            translate_error(R"({"model":"m","messages":[{"role":"user","content":[{"text":"no type"}]}]})").param);
        CPPUNIT_ASSERT_EQUAL(std::string("messages[1]"),
                             translate_error(R"({"model":"m","messages":[{"role":"user","content":"a"},"b"]})").param);
    }

    void testNullAndEmptyAssistantSkipped() {
        // Empty assistant turns say nothing (tool-calling ones are GeminiToolsTest's).
        JsonPtr req = translate(R"({"model":"m","messages":[
            {"role":"user","content":"a"},
            {"role":"assistant"},
            {"role":"assistant","content":""},
            {"role":"assistant","content":[]},
            {"role":"user","content":"b"},
            {"role":"user","content":""}]})");
        assert_json(R"({"contents":[{"role":"user","parts":[{"text":"a"},{"text":"b"}]}]})", req.get());
    }

    void testNoConversationLeftIsAnError() {
        CPPUNIT_ASSERT_EQUAL(std::string("messages"),
                             translate_error(R"({"model":"m","messages":[{"role":"system","content":"s"}]})").param);
        CPPUNIT_ASSERT_EQUAL(std::string("messages"),
                             translate_error(R"({"model":"m","messages":[{"role":"user","content":""}]})").param);
    }

    void testUnknownRoleRejected() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("messages[1].role"),
            translate_error(R"({"model":"m","messages":[{"role":"user","content":"a"},
                                {"role":"function","content":"42","name":"f"}]})")
                .param);
    }

    void testEverySamplingField() {
        JsonPtr req = translate(hi_with(R"("temperature":0.7,"top_p":0.9,"max_tokens":100,"stop":["END","STOP"],
            "n":2,"presence_penalty":0.5,"frequency_penalty":-0.25,"seed":42,
            "response_format":{"type":"json_object"})"));
        assert_json(R"({"temperature":0.7,"topP":0.9,"maxOutputTokens":100,"candidateCount":2,
                        "presencePenalty":0.5,"frequencyPenalty":-0.25,"seed":42,
                        "stopSequences":["END","STOP"],"responseMimeType":"application/json"})",
                    generation_config(req));
        // Integers are numbers too.
        assert_json(R"({"temperature":1,"topP":1})",
                    generation_config(translate(hi_with(R"("temperature":1,"top_p":1)"))));
    }

    void testMaxCompletionTokensWins() {
        assert_json(R"({"maxOutputTokens":50})",
                    generation_config(translate(hi_with(R"("max_tokens":100,"max_completion_tokens":50)"))));
        assert_json(R"({"maxOutputTokens":50})",
                    generation_config(translate(hi_with(R"("max_completion_tokens":50,"max_tokens":100)"))));
        assert_json(R"({"maxOutputTokens":50})",
                    generation_config(translate(hi_with(R"("max_completion_tokens":50)"))));
        assert_json(R"({"maxOutputTokens":100})",
                    generation_config(translate(hi_with(R"("max_tokens":100,"max_completion_tokens":null)"))));
    }

    void testStopStringAndArray() {
        assert_json(R"({"stopSequences":["\n\n"]})", generation_config(translate(hi_with(R"("stop":"\n\n")"))));
        assert_json(R"({"stopSequences":["a","b","c","d"]})",
                    generation_config(translate(hi_with(R"("stop":["a","b","c","d"])"))));
        CPPUNIT_ASSERT(generation_config(translate(hi_with(R"("stop":[])"))) == nullptr);
    }

    void testResponseFormatVariants() {
        assert_json(R"({"responseMimeType":"application/json"})",
                    generation_config(translate(hi_with(R"("response_format":{"type":"json_object"})"))));
        CPPUNIT_ASSERT(generation_config(translate(hi_with(R"("response_format":{"type":"text"})"))) == nullptr);

        // What the OpenAI SDKs send for a strict schema: copied whole, name/strict dropped.
        const std::string schema = R"({"type":"object","properties":{"answer":{"type":"string"},
            "steps":{"type":"array","items":{"$ref":"#/$defs/Step"}}},"required":["answer","steps"],
            "additionalProperties":false,
            "$defs":{"Step":{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"],
                             "additionalProperties":false}}})";
        JsonPtr req = translate(hi_with(R"("response_format":{"type":"json_schema","json_schema":
            {"name":"Answer","strict":true,"description":"d","schema":)" + schema + "}}"));
        assert_json(R"({"responseMimeType":"application/json","responseJsonSchema":)" + schema + "}",
                    generation_config(req));

        assert_json(R"({"responseMimeType":"application/json"})",
                    generation_config(translate(
                        hi_with(R"("response_format":{"type":"json_schema","json_schema":{"name":"x"}})"))));
    }

    void testDroppedFieldsAbsent() {
        JsonPtr req = translate(R"({"model":"gemini-2.0-flash","stream":true,"stream_options":{"include_usage":true},
            "user":"u-1","logit_bias":{"50256":-100},"logprobs":true,"top_logprobs":3,"metadata":{"k":"v"},
            "store":true,"parallel_tool_calls":false,"service_tier":"auto","reasoning_effort":"low",
            "modalities":["text"],"prediction":{"type":"content","content":"x"},
            "messages":[{"role":"user","name":"alice","content":"hi"}]})");
        assert_json(R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})", req.get());
    }

    void testNullFieldsOmitted() {
        JsonPtr req = translate(hi_with(R"("temperature":null,"top_p":null,"max_tokens":null,"stop":null,"n":null,
            "presence_penalty":null,"frequency_penalty":null,"seed":null,"response_format":null)"));
        CPPUNIT_ASSERT(generation_config(req) == nullptr);
    }

    void testWrongTypesNameTheParam() {
        const std::pair<const char*, const char*> cases[] = {
            {R"("temperature":"hot")", "temperature"},
            {R"("top_p":true)", "top_p"},
            {R"("max_tokens":10.5)", "max_tokens"},
            {R"("max_completion_tokens":"10")", "max_completion_tokens"},
            {R"("n":1.5)", "n"},
            {R"("presence_penalty":[])", "presence_penalty"},
            {R"("frequency_penalty":{})", "frequency_penalty"},
            {R"("seed":"42")", "seed"},
            {R"("stop":7)", "stop"},
            {R"("stop":["a",7])", "stop"},
            {R"("response_format":"json")", "response_format"},
            {R"("response_format":{"type":"xml"})", "response_format.type"},
            {R"("response_format":{"type":"json_schema"})", "response_format.json_schema"},
            {R"("response_format":{"type":"json_schema","json_schema":{"name":"x","schema":"{}"}})",
             "response_format.json_schema.schema"},
        };
        for (const auto& c : cases)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.first, std::string(c.second), translate_error(hi_with(c.first)).param);
    }

    void testStripModelsPrefix() {
        CPPUNIT_ASSERT_EQUAL(std::string("gemini-2.0-flash"), strip_models_prefix("models/gemini-2.0-flash"));
        CPPUNIT_ASSERT_EQUAL(std::string("gemini-2.0-flash"), strip_models_prefix("gemini-2.0-flash"));
        CPPUNIT_ASSERT_EQUAL(std::string("tunedModels/x"), strip_models_prefix("tunedModels/x"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), strip_models_prefix("models/"));
        CPPUNIT_ASSERT_EQUAL(std::string("model"), strip_models_prefix("model"));
    }
};

// ---------------------------------------------------------------- responses

class GeminiResponseTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GeminiResponseTest);
    CPPUNIT_TEST(testTextCompletion);
    CPPUNIT_TEST(testMultiPartTextConcatenated);
    CPPUNIT_TEST(testThoughtPartsExcluded);
    CPPUNIT_TEST(testMultipleCandidates);
    CPPUNIT_TEST(testEachFinishReason);
    CPPUNIT_TEST(testCandidateWithoutContent);
    CPPUNIT_TEST(testBlockedPrompt);
    CPPUNIT_TEST(testNoCandidatesNoBlock);
    CPPUNIT_TEST(testUsageWithoutThoughts);
    CPPUNIT_TEST(testUsageWithThoughts);
    CPPUNIT_TEST(testUsageAbsent);
    CPPUNIT_TEST_SUITE_END();

public:
    void testTextCompletion() {
        JsonPtr c = completion(R"({"candidates":[{"content":{"parts":[{"text":"Hello!"}],"role":"model"},
            "finishReason":"STOP","avgLogprobs":-0.1}],
            "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"totalTokenCount":7,
                             "promptTokensDetails":[{"modality":"TEXT","tokenCount":5}]},
            "modelVersion":"gemini-2.0-flash","responseId":"abc"})");
        assert_json(R"({"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gemini-x",
            "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop",
                        "logprobs":null}],
            "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,
                     "completion_tokens_details":{"reasoning_tokens":0}}})",
                    c.get());
    }

    void testMultiPartTextConcatenated() {
        JsonPtr c = completion(R"({"candidates":[{"content":{"parts":[{"text":"Hel"},{"text":"lo "},
            {"inlineData":{"mimeType":"image/png","data":"AAAA"}},{"text":"world"}],"role":"model"},
            "finishReason":"STOP"}]})");
        CPPUNIT_ASSERT_EQUAL(std::string("Hello world"), first_content(c));
    }

    void testThoughtPartsExcluded() {
        JsonPtr c = completion(R"({"candidates":[{"content":{"parts":[
            {"text":"Let me think about this...","thought":true},{"text":"42"},{"text":"!","thought":false}],
            "role":"model"},"finishReason":"STOP"}]})");
        CPPUNIT_ASSERT_EQUAL(std::string("42!"), first_content(c));
    }

    void testMultipleCandidates() {
        // proto3 JSON omits index 0.
        JsonPtr c = completion(R"({"candidates":[
            {"content":{"parts":[{"text":"A"}],"role":"model"},"finishReason":"STOP"},
            {"content":{"parts":[{"text":"B"}],"role":"model"},"finishReason":"MAX_TOKENS","index":1}]})");
        assert_json(R"([{"index":0,"message":{"role":"assistant","content":"A"},"finish_reason":"stop",
                         "logprobs":null},
                        {"index":1,"message":{"role":"assistant","content":"B"},"finish_reason":"length",
                         "logprobs":null}])",
                    json_object_get(c.get(), "choices"));
    }

    void testEachFinishReason() {
        const std::pair<const char*, const char*> cases[] = {
            {"STOP", "stop"},
            {"MAX_TOKENS", "length"},
            {"SAFETY", "content_filter"},
            {"RECITATION", "content_filter"},
            {"LANGUAGE", "content_filter"},
            {"OTHER", "content_filter"},
            {"BLOCKLIST", "content_filter"},
            {"PROHIBITED_CONTENT", "content_filter"},
            {"SPII", "content_filter"},
            {"IMAGE_SAFETY", "content_filter"},
            {"MALFORMED_FUNCTION_CALL", "content_filter"},
            {"FINISH_REASON_UNSPECIFIED", "content_filter"},
            {"SOMETHING_NEW", "content_filter"},
        };
        for (const auto& c : cases) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.first, std::string(c.second), std::string(finish_reason(c.first)));
            JsonPtr out = completion(
                std::string(R"({"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":")") + c.first +
                "\"}]}");
            const char* mapped = json_string_value(json_object_get(first_choice(out), "finish_reason"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.first, std::string(c.second), std::string(mapped));
        }
        CPPUNIT_ASSERT(finish_reason(nullptr) == nullptr);
        JsonPtr out = completion(R"({"candidates":[{"content":{"parts":[{"text":"x"}]}}]})");
        CPPUNIT_ASSERT(json_is_null(json_object_get(first_choice(out), "finish_reason")));
    }

    void testCandidateWithoutContent() {
        JsonPtr c = completion(R"({"candidates":[{"finishReason":"SAFETY","safetyRatings":[
            {"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH","blocked":true}]}]})");
        assert_json(R"({"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter",
                        "logprobs":null})",
                    first_choice(c));
    }

    void testBlockedPrompt() {
        JsonPtr c = completion(R"({"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]},
            "usageMetadata":{"promptTokenCount":8,"totalTokenCount":8}})");
        assert_json(R"({"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gemini-x",
            "choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter",
                        "logprobs":null}],
            "usage":{"prompt_tokens":8,"completion_tokens":0,"total_tokens":8,
                     "completion_tokens_details":{"reasoning_tokens":0}}})",
                    c.get());
    }

    void testNoCandidatesNoBlock() {
        JsonPtr c = completion(R"({"candidates":[]})");
        CPPUNIT_ASSERT_EQUAL(size_t(1), json_array_size(json_object_get(c.get(), "choices")));
        CPPUNIT_ASSERT_EQUAL(std::string(""), first_content(c));
        CPPUNIT_ASSERT(json_is_null(json_object_get(first_choice(c), "finish_reason")));
    }

    void testUsageWithoutThoughts() {
        JsonPtr u = to_openai_usage(parse(R"({"promptTokenCount":10,"candidatesTokenCount":20,"totalTokenCount":30,
            "cachedContentTokenCount":4})").get());
        assert_json(R"({"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,
                        "completion_tokens_details":{"reasoning_tokens":0}})",
                    u.get());
    }

    void testUsageWithThoughts() {
        // Gemini's total also counts thoughts; completion includes them like OpenAI's reasoning tokens.
        JsonPtr u = to_openai_usage(parse(R"({"promptTokenCount":10,"candidatesTokenCount":20,
            "thoughtsTokenCount":100,"totalTokenCount":130})").get());
        assert_json(R"({"prompt_tokens":10,"completion_tokens":120,"total_tokens":130,
                        "completion_tokens_details":{"reasoning_tokens":100}})",
                    u.get());
    }

    void testUsageAbsent() {
        const std::string zeros = R"({"prompt_tokens":0,"completion_tokens":0,"total_tokens":0,
                                      "completion_tokens_details":{"reasoning_tokens":0}})";
        assert_json(zeros, to_openai_usage(nullptr).get());
        assert_json(zeros, to_openai_usage(parse("{}").get()).get());
        assert_json(zeros, json_object_get(completion(R"({"candidates":[{"content":{"parts":[{"text":"x"}]}}]})").get(),
                                           "usage"));
    }
};

// ---------------------------------------------------------------- streaming

class GeminiStreamTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GeminiStreamTest);
    CPPUNIT_TEST(testRoleOnlyInFirstChunkFinishOnLast);
    CPPUNIT_TEST(testTextAndFinishInOneChunk);
    CPPUNIT_TEST(testFinishOnlyFrame);
    CPPUNIT_TEST(testFrameWithNothingToSay);
    CPPUNIT_TEST(testNothingAfterFinish);
    CPPUNIT_TEST(testMultipleCandidates);
    CPPUNIT_TEST(testUsageIsLastFramesTotals);
    CPPUNIT_TEST(testUsageChunkWithoutUsage);
    CPPUNIT_TEST(testBlockedPromptStream);
    CPPUNIT_TEST(testSafetyStopMidStream);
    CPPUNIT_TEST(testFromRawSseBytes);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRoleOnlyInFirstChunkFinishOnLast() {
        StreamState st = new_stream();
        std::vector<JsonPtr> c1 = frame(R"({"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"}}],
            "usageMetadata":{"promptTokenCount":3,"totalTokenCount":3},"modelVersion":"gemini-2.0-flash"})", st);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c1.size());
        assert_json(R"({"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000001,"model":"gemini-x",
            "choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null,
                        "logprobs":null}]})",
                    c1[0].get());
        CPPUNIT_ASSERT(!st.finished);

        std::vector<JsonPtr> c2 = frame(R"({"candidates":[{"content":{"parts":[{"text":"lo"}],"role":"model"}}]})", st);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c2.size());
        assert_json(R"({"content":"lo"})", chunk_delta(c2[0]));
        CPPUNIT_ASSERT(json_is_null(json_object_get(chunk_choice(c2[0]), "finish_reason")));
        CPPUNIT_ASSERT(!st.finished);

        std::vector<JsonPtr> c3 = frame(R"({"candidates":[{"content":{"parts":[{"text":"!"}],"role":"model"},
            "finishReason":"STOP"}]})", st);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c3.size());
        assert_json(R"({"content":"!"})", chunk_delta(c3[0]));
        CPPUNIT_ASSERT_EQUAL(std::string("stop"),
                             std::string(json_string_value(json_object_get(chunk_choice(c3[0]), "finish_reason"))));
        CPPUNIT_ASSERT(st.finished);
    }

    void testTextAndFinishInOneChunk() {
        StreamState st = new_stream();
        std::vector<JsonPtr> c = frame(R"({"candidates":[{"content":{"parts":[{"text":"All at once."}],"role":"model"},
            "finishReason":"MAX_TOKENS","index":0}]})", st);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.size());
        assert_json(R"({"index":0,"delta":{"role":"assistant","content":"All at once."},"finish_reason":"length",
                        "logprobs":null})",
                    chunk_choice(c[0]));
        CPPUNIT_ASSERT(st.finished);
    }

    void testFinishOnlyFrame() {
        StreamState st = new_stream();
        frame(R"({"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"}}]})", st);
        std::vector<JsonPtr> c = frame(R"({"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},
            "finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1}})", st);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.size());
        assert_json(R"({"index":0,"delta":{},"finish_reason":"stop","logprobs":null})", chunk_choice(c[0]));
        CPPUNIT_ASSERT(st.finished);
    }

    void testFrameWithNothingToSay() {
        StreamState st = new_stream();
        CPPUNIT_ASSERT(frame(R"({"candidates":[{"content":{"parts":[{"text":"thinking...","thought":true}],
            "role":"model"}}]})", st).empty());
        CPPUNIT_ASSERT(frame(R"({"usageMetadata":{"promptTokenCount":3}})", st).empty());
        CPPUNIT_ASSERT(frame(R"({})", st).empty());
        CPPUNIT_ASSERT(!st.finished);
        // The role still goes with the first delta that is sent.
        std::vector<JsonPtr> c = frame(R"({"candidates":[{"content":{"parts":[{"text":"A"}]}}]})", st);
        assert_json(R"({"role":"assistant","content":"A"})", chunk_delta(c[0]));
    }

    void testNothingAfterFinish() {
        StreamState st = new_stream();
        frame(R"({"candidates":[{"content":{"parts":[{"text":"done"}]},"finishReason":"STOP"}]})", st);
        CPPUNIT_ASSERT(frame(R"({"candidates":[{"content":{"parts":[{"text":"late"}]},"finishReason":"STOP"}],
            "usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":2}})", st).empty());
        CPPUNIT_ASSERT(st.finished);
        assert_json(R"({"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,
                        "completion_tokens_details":{"reasoning_tokens":0}})",
                    st.usage.get());
    }

    void testMultipleCandidates() {
        StreamState st = new_stream();
        std::vector<JsonPtr> c1 = frame(R"({"candidates":[{"content":{"parts":[{"text":"a"}]}},
                                                          {"content":{"parts":[{"text":"b"}]},"index":1}]})", st);
        CPPUNIT_ASSERT_EQUAL(size_t(2), c1.size());
        assert_json(R"({"index":0,"delta":{"role":"assistant","content":"a"},"finish_reason":null,"logprobs":null})",
                    chunk_choice(c1[0]));
        assert_json(R"({"index":1,"delta":{"role":"assistant","content":"b"},"finish_reason":null,"logprobs":null})",
                    chunk_choice(c1[1]));

        std::vector<JsonPtr> c2 = frame(R"({"candidates":[{"content":{"parts":[{"text":"a2"}]},"finishReason":"STOP"},
                                                          {"content":{"parts":[{"text":"b2"}]},"index":1}]})", st);
        assert_json(R"({"content":"a2"})", chunk_delta(c2[0]));
        assert_json(R"({"content":"b2"})", chunk_delta(c2[1]));
        CPPUNIT_ASSERT(!st.finished);  // candidate 1 still open

        std::vector<JsonPtr> c3 = frame(R"({"candidates":[{"content":{"parts":[{"text":""}]},"index":1,
                                                           "finishReason":"STOP"}]})", st);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c3.size());
        assert_json(R"({"index":1,"delta":{},"finish_reason":"stop","logprobs":null})", chunk_choice(c3[0]));
        CPPUNIT_ASSERT(st.finished);
    }

    void testUsageIsLastFramesTotals() {
        StreamState st = new_stream();
        frame(R"({"candidates":[{"content":{"parts":[{"text":"a"}]}}],
                  "usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":1,"totalTokenCount":8}})", st);
        frame(R"({"candidates":[{"content":{"parts":[{"text":"b"}]}}],
                  "usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":5,"totalTokenCount":12}})", st);
        frame(R"({"candidates":[{"content":{"parts":[{"text":"c"}]},"finishReason":"STOP"}],
                  "usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":9,"thoughtsTokenCount":30,
                                   "totalTokenCount":46}})", st);
        assert_json(R"({"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000001,"model":"gemini-x",
            "choices":[],"usage":{"prompt_tokens":7,"completion_tokens":39,"total_tokens":46,
                                  "completion_tokens_details":{"reasoning_tokens":30}}})",
                    usage_chunk(st).get());
    }

    void testUsageChunkWithoutUsage() {
        StreamState st = new_stream();
        frame(R"({"candidates":[{"content":{"parts":[{"text":"a"}]},"finishReason":"STOP"}]})", st);
        assert_json(R"({"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000001,"model":"gemini-x",
            "choices":[],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0,
                                  "completion_tokens_details":{"reasoning_tokens":0}}})",
                    usage_chunk(st).get());
    }

    void testBlockedPromptStream() {
        StreamState st = new_stream();
        std::vector<JsonPtr> c = frame(R"({"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},
            "usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.0-flash"})", st);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.size());
        assert_json(R"({"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000001,"model":"gemini-x",
            "choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"content_filter",
                        "logprobs":null}]})",
                    c[0].get());
        CPPUNIT_ASSERT(st.finished);
        CPPUNIT_ASSERT_EQUAL(json_int_t(9), json_integer_value(json_object_get(st.usage.get(), "prompt_tokens")));
        CPPUNIT_ASSERT(frame(R"({"promptFeedback":{"blockReason":"SAFETY"}})", st).empty());
    }

    void testSafetyStopMidStream() {
        StreamState st = new_stream();
        frame(R"({"candidates":[{"content":{"parts":[{"text":"Once upon"}]}}]})", st);
        std::vector<JsonPtr> c = frame(R"({"candidates":[{"finishReason":"SAFETY","safetyRatings":[]}]})", st);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.size());
        assert_json(R"({"index":0,"delta":{},"finish_reason":"content_filter","logprobs":null})", chunk_choice(c[0]));
    }

    // Bytes as streamGenerateContent?alt=sse sends them -> SSE events -> chunks.
    void testFromRawSseBytes() {
        const std::string body =
            "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"The\"}],\"role\": \"model\"}}],"
            "\"usageMetadata\": {\"promptTokenCount\": 4,\"totalTokenCount\": 4},"
            "\"modelVersion\": \"gemini-2.0-flash\","
            "\"responseId\": \"r1\"}\r\n\r\n"
            "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" end.\"}],\"role\": \"model\"},"
            "\"finishReason\": \"STOP\"}],\"usageMetadata\": {\"promptTokenCount\": 4,\"candidatesTokenCount\": 2,"
            "\"totalTokenCount\": 6},\"modelVersion\": \"gemini-2.0-flash\",\"responseId\": \"r1\"}\r\n\r\n";
        StreamState st = new_stream();
        std::string text;
        std::vector<std::string> finishes;
        llmapi::upstream::SseParser parser;
        auto on_event = [&](const std::string& data) {
            for (JsonPtr& c : frame(data, st)) {
                const json_t* content = json_object_get(chunk_delta(c), "content");
                if (content) text += json_string_value(content);
                const char* f = json_string_value(json_object_get(chunk_choice(c), "finish_reason"));
                if (f) finishes.push_back(f);
            }
            return true;
        };
        CPPUNIT_ASSERT(parser.feed(body.data(), 37, on_event));
        CPPUNIT_ASSERT(parser.feed(body.data() + 37, body.size() - 37, on_event));
        CPPUNIT_ASSERT(parser.finish(on_event));
        CPPUNIT_ASSERT_EQUAL(std::string("The end."), text);
        CPPUNIT_ASSERT_EQUAL(size_t(1), finishes.size());
        CPPUNIT_ASSERT_EQUAL(std::string("stop"), finishes[0]);
        CPPUNIT_ASSERT(st.finished);
        CPPUNIT_ASSERT_EQUAL(json_int_t(6), json_integer_value(json_object_get(st.usage.get(), "total_tokens")));
    }
};


// ------------------------------------------------------------ tool calling

namespace {

const char* kWeatherTool = R"({"type":"function","function":{"name":"get_weather","description":"Weather now",
    "strict":true,"parameters":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
    "properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}})";

std::string with_tools(const std::string& fields) {
    return hi_with(std::string(R"("tools":[)") + kWeatherTool + R"(,{"type":"function","function":{"name":"now"}}])" +
                   (fields.empty() ? "" : "," + fields));
}

const json_t* contents(const JsonPtr& req) { return json_object_get(req.get(), "contents"); }

// The call ids in a completion's first choice.
std::vector<std::string> call_ids(const JsonPtr& c) {
    std::vector<std::string> ids;
    size_t i;
    json_t* call;
    json_array_foreach(json_object_get(json_object_get(first_choice(c), "message"), "tool_calls"), i, call)
        ids.emplace_back(json_string_value(json_object_get(call, "id")));
    return ids;
}

}  // namespace

class GeminiToolsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GeminiToolsTest);
    CPPUNIT_TEST(testToolsBecomeFunctionDeclarations);
    CPPUNIT_TEST(testToolChoiceModes);
    CPPUNIT_TEST(testToolChoiceRefusals);
    CPPUNIT_TEST(testUnsupportedToolsNameTheParam);
    CPPUNIT_TEST(testHistoryCallsAndResponses);
    CPPUNIT_TEST(testHistoryRefusals);
    CPPUNIT_TEST(testSignatureAndIdRoundTrip);
    CPPUNIT_TEST(testForeignIdsCarryNothing);
    CPPUNIT_TEST(testCompletionWithParallelCalls);
    CPPUNIT_TEST(testCompletionWithTextAndCall);
    CPPUNIT_TEST(testStreamIndexCountsAcrossFrames);
    CPPUNIT_TEST(testStreamCallsInOneFrameWithFinish);
    CPPUNIT_TEST(testStreamSignatureSurvives);
    CPPUNIT_TEST_SUITE_END();

public:
    void testToolsBecomeFunctionDeclarations() {
        JsonPtr req = translate(with_tools(""));
        assert_json(R"([{"functionDeclarations":[
            {"name":"get_weather","description":"Weather now","parametersJsonSchema":{"type":"object",
             "properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}},
            {"name":"now"}]}])", json_object_get(req.get(), "tools"));
        CPPUNIT_ASSERT(json_object_get(req.get(), "toolConfig") == nullptr);  // no tool_choice: Gemini's AUTO
        // An empty list is no tools at all.
        CPPUNIT_ASSERT(json_object_get(translate(hi_with(R"("tools":[])")).get(), "tools") == nullptr);
    }

    void testToolChoiceModes() {
        const std::pair<const char*, const char*> cases[] = {
            {R"("none")", R"({"mode":"NONE"})"},
            {R"("auto")", R"({"mode":"AUTO"})"},
            {R"("required")", R"({"mode":"ANY"})"},
            {R"({"type":"function","function":{"name":"now"}})", R"({"mode":"ANY","allowedFunctionNames":["now"]})"},
        };
        for (const auto& [choice, config] : cases) {
            JsonPtr req = translate(with_tools(std::string(R"("tool_choice":)") + choice));
            assert_json(std::string(R"({"functionCallingConfig":)") + config + "}",
                        json_object_get(req.get(), "toolConfig"));
        }
        // "none" without tools is fine (and sends nothing).
        JsonPtr none = translate(hi_with(R"("tool_choice":"none")"));
        CPPUNIT_ASSERT(!json_object_get(none.get(), "toolConfig") && !json_object_get(none.get(), "tools"));
    }

    void testToolChoiceRefusals() {
        CPPUNIT_ASSERT_EQUAL(std::string("tool_choice"), translate_error(hi_with(R"("tool_choice":"auto")")).param);
        CPPUNIT_ASSERT_EQUAL(std::string("tool_choice"), translate_error(with_tools(R"("tool_choice":"always")")).param);
        CPPUNIT_ASSERT_EQUAL(std::string("tool_choice"),
                             translate_error(with_tools(R"("tool_choice":{"type":"function","function":{"name":"nope"}})"))
                                 .param);
        CPPUNIT_ASSERT_EQUAL(std::string("tool_choice"), translate_error(with_tools(R"("tool_choice":3)")).param);
    }

    void testUnsupportedToolsNameTheParam() {
        CPPUNIT_ASSERT_EQUAL(std::string("tools[1].type"),
                             translate_error(hi_with(std::string(R"("tools":[)") + kWeatherTool +
                                                     R"(,{"type":"web_search"}])"))
                                 .param);
        for (const char* bad : {"1abc", "has space", "", "x23456789012345678901234567890123456789012345678901234567890123456"})
            CPPUNIT_ASSERT_EQUAL(std::string("tools[0].function.name"),
                                 translate_error(hi_with(std::string(R"("tools":[{"type":"function","function":{"name":")") +
                                                         bad + R"("}}])"))
                                     .param);
        CPPUNIT_ASSERT_EQUAL(std::string("tools[0].function.parameters"),
                             translate_error(hi_with(R"("tools":[{"type":"function","function":{"name":"f","parameters":[]}}])"))
                                 .param);
        CPPUNIT_ASSERT_EQUAL(std::string("web_search_options"),
                             translate_error(hi_with(R"("web_search_options":{})")).param);
        CPPUNIT_ASSERT_EQUAL(std::string("tools"), translate_error(hi_with(R"("tools":{"type":"function"})")).param);
        // Names Gemini takes: dots and dashes, up to 64.
        translate(hi_with(R"("tools":[{"type":"function","function":{"name":"ns.get-x_1"}}])"));
    }

    void testHistoryCallsAndResponses() {
        JsonPtr req = translate(R"({"model":"m","messages":[
            {"role":"user","content":"Weather in Paris and Rome?"},
            {"role":"assistant","content":"Checking.","tool_calls":[
                {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"call_b","type":"function","function":{"name":"get_weather","arguments":""}}]},
            {"role":"tool","tool_call_id":"call_a","content":"{\"temp\":21}"},
            {"role":"tool","tool_call_id":"call_b","content":[{"type":"text","text":"sunny, "},{"type":"text","text":"25"}]},
            {"role":"assistant","content":"Paris 21, Rome 25."},
            {"role":"user","content":"thanks"}]})");
        assert_json(R"([
            {"role":"user","parts":[{"text":"Weather in Paris and Rome?"}]},
            {"role":"model","parts":[{"text":"Checking."},
                {"functionCall":{"name":"get_weather","args":{"city":"Paris"}}},
                {"functionCall":{"name":"get_weather","args":{}}}]},
            {"role":"user","parts":[
                {"functionResponse":{"name":"get_weather","response":{"temp":21}}},
                {"functionResponse":{"name":"get_weather","response":{"content":"sunny, 25"}}}]},
            {"role":"model","parts":[{"text":"Paris 21, Rome 25."}]},
            {"role":"user","parts":[{"text":"thanks"}]}])", contents(req));
        // A tool answer in plain text.
        JsonPtr plain = translate(R"({"model":"m","messages":[{"role":"user","content":"t?"},
            {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"now","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":"c1","content":"12:00"}]})");
        assert_json(R"({"functionResponse":{"name":"now","response":{"content":"12:00"}}})",
                    json_array_get(json_object_get(json_array_get(contents(plain), 2), "parts"), 0));
    }

    void testHistoryRefusals() {
        CPPUNIT_ASSERT_EQUAL(std::string("messages[1].tool_call_id"),
                             translate_error(R"({"model":"m","messages":[{"role":"user","content":"a"},
                                 {"role":"tool","tool_call_id":"nobody","content":"x"}]})").param);
        CPPUNIT_ASSERT_EQUAL(std::string("messages[1].tool_calls[0].function.arguments"),
                             translate_error(R"({"model":"m","messages":[{"role":"user","content":"a"},
                                 {"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1]"}}]}]})")
                                 .param);
        CPPUNIT_ASSERT_EQUAL(std::string("messages[1].tool_calls[0].function.arguments"),
                             translate_error(R"({"model":"m","messages":[{"role":"user","content":"a"},
                                 {"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{oops"}}]}]})")
                                 .param);
        CPPUNIT_ASSERT_EQUAL(std::string("messages[0].tool_calls"),
                             translate_error(R"({"model":"m","messages":[{"role":"user","content":"a","tool_calls":[]}]})").param);
    }

    void testSignatureAndIdRoundTrip() {
        const std::string id = encode_call_id(0, "gem-id-7", "c2lnbmF0dXJl+/=");
        CPPUNIT_ASSERT_MESSAGE(id, std::regex_match(id, std::regex("call_[A-Za-z0-9_-]+")));
        const CallIdExtras x = decode_call_id(id);
        CPPUNIT_ASSERT(x.ours);
        CPPUNIT_ASSERT_EQUAL(std::string("gem-id-7"), x.gemini_id);
        CPPUNIT_ASSERT_EQUAL(std::string("c2lnbmF0dXJl+/="), x.signature);
        JsonPtr req = translate(std::string(R"({"model":"m","messages":[{"role":"user","content":"a"},
            {"role":"assistant","tool_calls":[{"id":")") + id + R"(","type":"function","function":{"name":"now","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":")" + id + R"(","content":"noon"}]})");
        assert_json(R"({"functionCall":{"name":"now","args":{},"id":"gem-id-7"},"thoughtSignature":"c2lnbmF0dXJl+/="})",
                    json_array_get(json_object_get(json_array_get(contents(req), 1), "parts"), 0));
        assert_json(R"({"functionResponse":{"name":"now","response":{"content":"noon"},"id":"gem-id-7"}})",
                    json_array_get(json_object_get(json_array_get(contents(req), 2), "parts"), 0));
        // Neither extra: an id that still is ours.
        const CallIdExtras bare = decode_call_id(encode_call_id(3, "", ""));
        CPPUNIT_ASSERT(bare.ours && bare.gemini_id.empty() && bare.signature.empty());
    }

    void testForeignIdsCarryNothing() {
        for (const std::string& foreign : {std::string("call_abc123"), std::string("toolu_01A09q90qw90lq917835lq9"),
                                           std::string("call_gx1"), std::string("call_gx1!!!"),
                                           std::string(kCallIdMark) + "eyJ4IjoxfQ",  // {"x":1}: no "n"
                                           std::string(kCallIdMark) + "WzFd"}) {       // [1]
            CPPUNIT_ASSERT_MESSAGE(foreign, !decode_call_id(foreign).ours);
        }
        JsonPtr req = translate(R"({"model":"m","messages":[{"role":"user","content":"a"},
            {"role":"assistant","tool_calls":[{"id":"call_abc123","type":"function","function":{"name":"now","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":"call_abc123","content":"noon"}]})");
        assert_json(R"({"functionCall":{"name":"now","args":{}}})",
                    json_array_get(json_object_get(json_array_get(contents(req), 1), "parts"), 0));
    }

    void testCompletionWithParallelCalls() {
        JsonPtr c = completion(R"({"candidates":[{"content":{"role":"model","parts":[
            {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"sig1"},
            {"functionCall":{"name":"get_weather","args":{"city":"Rome"}}}]},"finishReason":"STOP"}]})");
        const json_t* msg = json_object_get(first_choice(c), "message");
        CPPUNIT_ASSERT(json_is_null(json_object_get(msg, "content")));
        CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"),
                             std::string(json_string_value(json_object_get(first_choice(c), "finish_reason"))));
        const json_t* calls = json_object_get(msg, "tool_calls");
        CPPUNIT_ASSERT_EQUAL(size_t{2}, json_array_size(calls));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"city":"Paris"})"),
                             std::string(json_string_value(json_object_get(json_object_get(json_array_get(calls, 0), "function"), "arguments"))));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"city":"Rome"})"),
                             std::string(json_string_value(json_object_get(json_object_get(json_array_get(calls, 1), "function"), "arguments"))));
        const auto ids = call_ids(c);
        CPPUNIT_ASSERT(ids[0] != ids[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("sig1"), decode_call_id(ids[0]).signature);
        CPPUNIT_ASSERT(decode_call_id(ids[1]).signature.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("function"),
                             std::string(json_string_value(json_object_get(json_array_get(calls, 0), "type"))));
    }

    void testCompletionWithTextAndCall() {
        JsonPtr c = completion(R"({"candidates":[{"content":{"parts":[{"text":"Let me check."},
            {"functionCall":{"name":"now","id":"g-1"}}]},"finishReason":"STOP"}]})");
        CPPUNIT_ASSERT_EQUAL(std::string("Let me check."), first_content(c));
        CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"),
                             std::string(json_string_value(json_object_get(first_choice(c), "finish_reason"))));
        CPPUNIT_ASSERT_EQUAL(std::string("g-1"), decode_call_id(call_ids(c)[0]).gemini_id);
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), std::string(json_string_value(
                                                    jpath_args(json_object_get(first_choice(c), "message")))));
    }

    // Parallel calls arrive in separate frames, each at part 0: the index
    // counts calls across the stream.
    void testStreamIndexCountsAcrossFrames() {
        StreamState st = new_stream();
        auto a = frame(R"({"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]}}]})", st);
        auto b = frame(R"({"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Rome"}}}]}}]})", st);
        auto end = frame(R"({"candidates":[{"content":{"role":"model","parts":[{"text":""}]},"finishReason":"STOP"}],
                             "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":7}})", st);
        CPPUNIT_ASSERT_EQUAL(size_t{1}, a.size());
        CPPUNIT_ASSERT_EQUAL(size_t{1}, b.size());
        CPPUNIT_ASSERT_EQUAL(size_t{1}, end.size());
        const json_t* ca = json_array_get(json_object_get(chunk_delta(a[0]), "tool_calls"), 0);
        const json_t* cb = json_array_get(json_object_get(chunk_delta(b[0]), "tool_calls"), 0);
        CPPUNIT_ASSERT_EQUAL(json_int_t{0}, json_integer_value(json_object_get(ca, "index")));
        CPPUNIT_ASSERT_EQUAL(json_int_t{1}, json_integer_value(json_object_get(cb, "index")));
        CPPUNIT_ASSERT_EQUAL(std::string("assistant"), std::string(json_string_value(json_object_get(chunk_delta(a[0]), "role"))));
        CPPUNIT_ASSERT(json_object_get(chunk_delta(b[0]), "role") == nullptr);
        CPPUNIT_ASSERT(std::string(json_string_value(json_object_get(ca, "id"))) !=
                       json_string_value(json_object_get(cb, "id")));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"city":"Rome"})"),
                             std::string(json_string_value(json_object_get(json_object_get(cb, "function"), "arguments"))));
        CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"),
                             std::string(json_string_value(json_object_get(chunk_choice(end[0]), "finish_reason"))));
        CPPUNIT_ASSERT(st.finished);
    }

    void testStreamCallsInOneFrameWithFinish() {
        StreamState st = new_stream();
        auto chunks = frame(R"({"candidates":[{"content":{"parts":[{"text":"On it."},
            {"functionCall":{"name":"a"}},{"functionCall":{"name":"b","args":{"x":1}}}]},"finishReason":"STOP"}]})", st);
        CPPUNIT_ASSERT_EQUAL(size_t{3}, chunks.size());  // the text, then one chunk per call
        CPPUNIT_ASSERT_EQUAL(std::string("On it."), std::string(json_string_value(json_object_get(chunk_delta(chunks[0]), "content"))));
        CPPUNIT_ASSERT(json_is_null(json_object_get(chunk_choice(chunks[0]), "finish_reason")));
        CPPUNIT_ASSERT(json_is_null(json_object_get(chunk_choice(chunks[1]), "finish_reason")));
        CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"),
                             std::string(json_string_value(json_object_get(chunk_choice(chunks[2]), "finish_reason"))));
        std::set<json_int_t> indexes;
        for (size_t k = 1; k < 3; ++k)
            indexes.insert(json_integer_value(json_object_get(
                json_array_get(json_object_get(chunk_delta(chunks[k]), "tool_calls"), 0), "index")));
        CPPUNIT_ASSERT(indexes == (std::set<json_int_t>{0, 1}));
        CPPUNIT_ASSERT(frame(R"({"candidates":[{"content":{"parts":[{"text":"late"}]}}]})", st).empty());  // nothing after the finish
    }

    void testStreamSignatureSurvives() {
        StreamState st = new_stream();
        auto chunks = frame(R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"now","id":"g9"},"thoughtSignature":"SiG=="}]}}]})", st);
        const std::string id = json_string_value(
            json_object_get(json_array_get(json_object_get(chunk_delta(chunks[0]), "tool_calls"), 0), "id"));
        CPPUNIT_ASSERT_EQUAL(std::string("SiG=="), decode_call_id(id).signature);
        CPPUNIT_ASSERT_EQUAL(std::string("g9"), decode_call_id(id).gemini_id);
    }

private:
    static const json_t* jpath_args(const json_t* message) {
        return json_object_get(json_object_get(json_array_get(json_object_get(message, "tool_calls"), 0), "function"),
                               "arguments");
    }
};

// ------------------------------------------------------------ media

namespace {

std::string user_parts(const std::string& part) {
    return std::string(R"({"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},)") +
           part + "]}]}";
}

const json_t* second_part(const JsonPtr& req) {
    return json_array_get(json_object_get(json_array_get(json_object_get(req.get(), "contents"), 0), "parts"), 1);
}

TranslateError media_error(const std::string& part, const FetchedMedia* fetched = nullptr) {
    TranslateError err;
    RequestOptions opt;
    opt.fetched = fetched;
    JsonPtr out = to_gemini_request(parse(user_parts(part)).get(), err, opt);
    CPPUNIT_ASSERT_MESSAGE("expected an error, got " + json_to_string(out.get()), out == nullptr);
    return err;
}

}  // namespace

class GeminiMediaTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GeminiMediaTest);
    CPPUNIT_TEST(testDataUrlImage);
    CPPUNIT_TEST(testBadDataUrls);
    CPPUNIT_TEST(testRemoteImages);
    CPPUNIT_TEST(testAudio);
    CPPUNIT_TEST(testFiles);
    CPPUNIT_TEST(testInlineCap);
    CPPUNIT_TEST(testBase64);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDataUrlImage() {
        JsonPtr req = translate(user_parts(R"({"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}})"));
        assert_json(R"({"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}})", second_part(req));
    }

    void testBadDataUrls() {
        const std::string p = "messages[0].content[1].image_url.url";
        CPPUNIT_ASSERT_EQUAL(p, media_error(R"({"type":"image_url","image_url":{"url":"data:text/html;base64,PGI+"}})").param);
        CPPUNIT_ASSERT_EQUAL(p, media_error(R"({"type":"image_url","image_url":{"url":"data:image/png;base64,@@@"}})").param);
        CPPUNIT_ASSERT_EQUAL(p, media_error(R"({"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}})").param);
        CPPUNIT_ASSERT_EQUAL(p, media_error(R"({"type":"image_url","image_url":{"url":"ftp://example.com/a.png"}})").param);
        CPPUNIT_ASSERT_EQUAL(p, media_error(R"({"type":"image_url","image_url":{"url":"file:///etc/passwd"}})").param);
        CPPUNIT_ASSERT_EQUAL(p, media_error(R"({"type":"image_url","image_url":{}})").param);
    }

    void testRemoteImages() {
        const std::string part = R"({"type":"image_url","image_url":{"url":"https://example.com/cat.png"}})";
        // Not fetched (fetch_remote_media = false, or not handed in): refused.
        TranslateError err = media_error(part);
        CPPUNIT_ASSERT_EQUAL(std::string("messages[0].content[1].image_url.url"), err.param);
        FetchedMedia fetched{{"https://example.com/cat.png", InlineData{"image/jpeg", "/9j/4AAQ"}}};
        TranslateError none;
        RequestOptions opt;
        opt.fetched = &fetched;
        JsonPtr req = to_gemini_request(parse(user_parts(part)).get(), none, opt);
        CPPUNIT_ASSERT_MESSAGE(none.message, req != nullptr);
        assert_json(R"({"inlineData":{"mimeType":"image/jpeg","data":"/9j/4AAQ"}})", second_part(req));
        // The URLs a provider must fetch: http(s) images only, each once, in order.
        JsonPtr body = parse(R"({"messages":[{"role":"user","content":[
            {"type":"image_url","image_url":{"url":"https://a.example/1.png"}},
            {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
            {"type":"image_url","image_url":{"url":"http://b.example/2.png"}},
            {"type":"image_url","image_url":{"url":"https://a.example/1.png"}}]},{"role":"user","content":"x"}]})");
        const auto urls = remote_image_urls(body.get());
        CPPUNIT_ASSERT_EQUAL(size_t{2}, urls.size());
        CPPUNIT_ASSERT_EQUAL(std::string("https://a.example/1.png"), urls[0].url);
        CPPUNIT_ASSERT_EQUAL(std::string("messages[0].content[0].image_url.url"), urls[0].param);
        CPPUNIT_ASSERT_EQUAL(std::string("http://b.example/2.png"), urls[1].url);
        CPPUNIT_ASSERT_EQUAL(std::string("messages[0].content[2].image_url.url"), urls[1].param);
    }

    void testAudio() {
        JsonPtr wav = translate(user_parts(R"({"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}})"));
        assert_json(R"({"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}})", second_part(wav));
        JsonPtr mp3 = translate(user_parts(R"({"type":"input_audio","input_audio":{"data":"SUQz","format":"mp3"}})"));
        assert_json(R"({"inlineData":{"mimeType":"audio/mpeg","data":"SUQz"}})", second_part(mp3));
        CPPUNIT_ASSERT_EQUAL(std::string("messages[0].content[1].input_audio.format"),
                             media_error(R"({"type":"input_audio","input_audio":{"data":"SUQz","format":"flac"}})").param);
        CPPUNIT_ASSERT_EQUAL(std::string("messages[0].content[1].input_audio.data"),
                             media_error(R"({"type":"input_audio","input_audio":{"data":"not base64!","format":"wav"}})").param);
    }

    void testFiles() {
        JsonPtr pdf = translate(user_parts(R"({"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}})"));
        assert_json(R"({"inlineData":{"mimeType":"application/pdf","data":"JVBERi0x"}})", second_part(pdf));
        CPPUNIT_ASSERT_EQUAL(std::string("messages[0].content[1].file.file_id"),
                             media_error(R"({"type":"file","file":{"file_id":"file-abc"}})").param);
        CPPUNIT_ASSERT_EQUAL(std::string("messages[0].content[1].file.file_data"),
                             media_error(R"({"type":"file","file":{"file_data":"JVBERi0x"}})").param);
    }

    void testInlineCap() {
        // 21 MiB of base64 ("AAAA" = 3 bytes) in two parts of one request.
        const std::string half(14u << 20, 'A');
        const std::string part = R"({"type":"image_url","image_url":{"url":"data:image/png;base64,)" + half + R"("}})";
        TranslateError err;
        JsonPtr out = to_gemini_request(
            parse(std::string(R"({"model":"m","messages":[{"role":"user","content":[)") + part + "," + part + "]}]}").get(),
            err);
        CPPUNIT_ASSERT(out == nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("messages"), err.param);
        translate(user_parts(part));  // one alone (10.5 MiB) passes
    }

    void testBase64() {
        CPPUNIT_ASSERT(valid_base64("AAAA") && valid_base64("AAA=") && valid_base64("AA==") && valid_base64("AAA"));
        CPPUNIT_ASSERT(valid_base64("+/+/"));
        CPPUNIT_ASSERT(!valid_base64("") && !valid_base64("A") && !valid_base64("AA=A") && !valid_base64("-_-_") &&
                       !valid_base64("AAA==") && !valid_base64("AA AA"));
        CPPUNIT_ASSERT_EQUAL(size_t{3}, base64_decoded_size("AAAA"));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, base64_decoded_size("AA=="));
        std::string mime, b64;
        CPPUNIT_ASSERT(parse_data_url("data:image/webp;base64,UklG", mime, b64));
        CPPUNIT_ASSERT_EQUAL(std::string("image/webp"), mime);
        CPPUNIT_ASSERT_EQUAL(std::string("UklG"), b64);
        CPPUNIT_ASSERT(!parse_data_url("data:;base64,UklG", mime, b64));
        CPPUNIT_ASSERT(!parse_data_url("data:image/png;charset=x;base64,UklG", mime, b64));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GeminiRequestTest);
CPPUNIT_TEST_SUITE_REGISTRATION(GeminiResponseTest);
CPPUNIT_TEST_SUITE_REGISTRATION(GeminiStreamTest);
CPPUNIT_TEST_SUITE_REGISTRATION(GeminiToolsTest);
CPPUNIT_TEST_SUITE_REGISTRATION(GeminiMediaTest);
