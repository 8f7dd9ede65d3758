// Tools, images, audio and files through the whole stack with Gemini (API.md
// section 9): what the fake Gemini server received (functionDeclarations,
// toolConfig, functionCall/functionResponse parts with their signatures and
// ids, inlineData), the OpenAI-format answers, and the refusals that never
// reach the provider. The multi-step agent loops through the official SDK
// are in tests/sdk.
#include <cppunit/extensions/HelperMacros.h>

#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "json_path.h"

using namespace it;

namespace {

const char* kGemini = "/v1/chat/completions?provider=gemini";
const char* kTools = R"([{"type":"function","function":{"name":"get_weather","description":"The weather",
    "parameters":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
    "properties":{"q":{"type":"string"}},"required":["q"],"additionalProperties":false},"strict":true}},
    {"type":"function","function":{"name":"get_time"}}])";

std::string body(const std::string& model, const std::string& messages, const std::string& extra = "") {
    return R"({"model":")" + model + R"(","messages":)" + messages + R"(,"tools":)" + kTools +
           (extra.empty() ? "" : "," + extra) + "}";
}
const char* kAsk = R"([{"role":"user","content":"please call get_weather and get_time"}])";

JsonPtr lastRequestBody() {
    JsonPtr reqs = fake::requests();
    CPPUNIT_ASSERT(json_array_size(reqs.get()) > 0);
    return JsonPtr(json_incref(jpath(json_array_get(reqs.get(), json_array_size(reqs.get()) - 1), "body")));
}

// The assistant message of a 200 answer.
JsonPtr assistantOf(const Response& r) {
    ASSERT_STATUS(200, r);
    JsonPtr c = r.json();
    return JsonPtr(json_incref(jpath(c.get(), "choices[0].message")));
}

// The history after the first step: the assistant message as received, and
// a tool message answering each call.
std::string historyWithResults(const json_t* assistant) {
    std::string out = std::string(R"([{"role":"user","content":"please call get_weather and get_time"},)") +
                      dumpJson(assistant);
    size_t i;
    json_t* call;
    json_array_foreach(jpath(assistant, "tool_calls"), i, call) {
        out += R"(,{"role":"tool","tool_call_id":")" + jstr(call, "id") + R"(","content":"{\"result\":\")" +
               jstr(call, "function.name") + R"( ok\"}"})";
    }
    return out + "]";
}

}  // namespace

class ToolsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ToolsTest);
    CPPUNIT_TEST(testDeclarationsAndToolConfigSent);
    CPPUNIT_TEST(testCallsAnsweredAndResultsSentBack);
    CPPUNIT_TEST(testGemini3SignaturesAndIdsRoundTrip);
    CPPUNIT_TEST(testStreamedParallelCallsIndexedAcrossFrames);
    CPPUNIT_TEST(testRefusalsNeverReachTheProvider);
    CPPUNIT_TEST(testImagesAudioAndFilesInline);
    CPPUNIT_TEST(testOpenAiCompatibleProvidersGetToolsUntouched);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { fake::reset(); }

    void testDeclarationsAndToolConfigSent() {
        ASSERT_STATUS(200, chatPost(kGemini, body("fake-gemini-2.0-flash", kAsk,
                                                   R"("tool_choice":{"type":"function","function":{"name":"get_time"}},"parallel_tool_calls":false)")));
        JsonPtr sent = lastRequestBody();
        ASSERT_JSON_EQ(R"([{"functionDeclarations":[{"name":"get_weather","description":"The weather",
            "parametersJsonSchema":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"],
            "additionalProperties":false}},{"name":"get_time"}]}])",
                       jdump(sent.get(), "tools"));
        ASSERT_JSON_EQ(R"({"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_time"]}})",
                       jdump(sent.get(), "toolConfig"));
    }

    void testCallsAnsweredAndResultsSentBack() {
        Response first = chatPost(kGemini, body("fake-gemini-2.5-pro", kAsk));
        JsonPtr c = first.json();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(first.body, std::string("tool_calls"), jstr(c.get(), "choices[0].finish_reason"));
        JsonPtr a = assistantOf(first);
        CPPUNIT_ASSERT(json_is_null(jpath(a.get(), "content")));
        CPPUNIT_ASSERT_EQUAL(size_t{2}, jsize(a.get(), "tool_calls"));
        CPPUNIT_ASSERT_EQUAL(std::string("get_weather"), jstr(a.get(), "tool_calls[0].function.name"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"q":"please call get_weather and get_time"})"),
                             jstr(a.get(), "tool_calls[0].function.arguments"));
        CPPUNIT_ASSERT_EQUAL(std::string("get_time"), jstr(a.get(), "tool_calls[1].function.name"));
        CPPUNIT_ASSERT(jstr(a.get(), "tool_calls[0].id") != jstr(a.get(), "tool_calls[1].id"));
        // Step two: the results go back as functionResponse parts of one user turn.
        Response second = chatPost(kGemini, R"({"model":"fake-gemini-2.5-pro","messages":)" + historyWithResults(a.get()) +
                                                R"(,"tools":)" + kTools + "}");
        ASSERT_STATUS(200, second);
        CPPUNIT_ASSERT_MESSAGE(second.body, jstr(second.json().get(), "choices[0].message.content")
                                                    .find("to tool results: {\"result\":\"get_weather ok\"}; {\"result\":\"get_time ok\"}") !=
                                                std::string::npos);
        JsonPtr sent = lastRequestBody();
        CPPUNIT_ASSERT_EQUAL(size_t{3}, jsize(sent.get(), "contents"));
        CPPUNIT_ASSERT_EQUAL(std::string("model"), jstr(sent.get(), "contents[1].role"));
        CPPUNIT_ASSERT_EQUAL(std::string("get_weather"), jstr(sent.get(), "contents[1].parts[0].functionCall.name"));
        CPPUNIT_ASSERT(!jstr(sent.get(), "contents[1].parts[0].thoughtSignature").empty());  // 2.5 signs: restored
        CPPUNIT_ASSERT_EQUAL(std::string("user"), jstr(sent.get(), "contents[2].role"));
        ASSERT_JSON_EQ(R"({"name":"get_time","response":{"result":"get_time ok"}})",
                       jdump(sent.get(), "contents[2].parts[1].functionResponse"));
    }

    // Gemini 3 refuses a turn whose calls lost their signatures; ids must come back too.
    void testGemini3SignaturesAndIdsRoundTrip() {
        JsonPtr a = assistantOf(chatPost(kGemini, body("fake-gemini-3-pro-preview", kAsk)));
        Response second = chatPost(kGemini, R"({"model":"fake-gemini-3-pro-preview","messages":)" +
                                                historyWithResults(a.get()) + R"(,"tools":)" + kTools + "}");
        ASSERT_STATUS(200, second);
        JsonPtr sent = lastRequestBody();
        const std::string id = jstr(sent.get(), "contents[1].parts[0].functionCall.id");
        CPPUNIT_ASSERT_MESSAGE(dumpJson(sent.get()), id.rfind("fc_", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(id, jstr(sent.get(), "contents[2].parts[0].functionResponse.id"));
        // The same history written by another provider (plain ids): no
        // signature to restore, and Gemini 3 says so; the 400 is passed on.
        std::string foreign = historyWithResults(a.get());
        for (size_t i = 0; i < 2; ++i) {
            const std::string old = jstr(a.get(), "tool_calls[" + std::to_string(i) + "].id");
            for (size_t p; (p = foreign.find(old)) != std::string::npos;)
                foreign.replace(p, old.size(), "call_other" + std::to_string(i));
        }
        Response refused = chatPost(kGemini, R"({"model":"fake-gemini-3-pro-preview","messages":)" + foreign +
                                                 R"(,"tools":)" + kTools + "}");
        ASSERT_STATUS(400, refused);  // the provider's 4xx, its message and type (INVALID_ARGUMENT)
        CPPUNIT_ASSERT_MESSAGE(refused.body, jstr(refused.json().get(), "error.message").find("thought_signature") !=
                                                 std::string::npos);
    }

    void testStreamedParallelCallsIndexedAcrossFrames() {
        StreamResponse s = chatStream(kGemini, body("fake-gemini-3-pro-preview", kAsk, R"("stream":true)"));
        const auto chunks = ASSERT_CHAT_STREAM(s);
        std::vector<std::string> names;
        std::vector<json_int_t> indexes;
        std::string finish;
        for (const auto& c : chunks) {
            size_t i;
            json_t* tc;
            json_array_foreach(jpath(c.get(), "choices[0].delta.tool_calls"), i, tc) {
                names.push_back(jstr(tc, "function.name"));
                indexes.push_back(jint(tc, "index"));
                CPPUNIT_ASSERT(jstr(tc, "id").rfind("call_", 0) == 0);
            }
            if (json_is_string(jpath(c.get(), "choices[0].finish_reason"))) finish = jstr(c.get(), "choices[0].finish_reason");
        }
        CPPUNIT_ASSERT_EQUAL(std::string("get_weather,get_time"), names.size() == 2 ? names[0] + "," + names[1] : "?");
        CPPUNIT_ASSERT(indexes == (std::vector<json_int_t>{0, 1}));  // the fake sent each at part 0 of its frame
        CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), finish);
    }

    void testRefusalsNeverReachTheProvider() {
        const std::vector<std::pair<std::string, std::string>> cases = {
            {R"({"model":"fake-gemini-2.0-flash","messages":[{"role":"user","content":"x"}],"tools":[{"type":"web_search"}]})",
             "tools[0].type"},
            {R"({"model":"fake-gemini-2.0-flash","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"bad name"}}]})",
             "tools[0].function.name"},
            {R"({"model":"fake-gemini-2.0-flash","messages":[{"role":"user","content":"x"}],"tool_choice":"required"})",
             "tool_choice"},
            {R"({"model":"fake-gemini-2.0-flash","messages":[{"role":"user","content":"x"}],"web_search_options":{}})",
             "web_search_options"},
            {R"({"model":"fake-gemini-2.0-flash","messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"nobody","content":"y"}]})",
             "messages[1].tool_call_id"},
            {R"({"model":"fake-gemini-2.0-flash","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:text/html;base64,PGI+"}}]}]})",
             "messages[0].content[0].image_url.url"},
            {R"({"model":"fake-gemini-2.0-flash","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-1"}}]}]})",
             "messages[0].content[0].file.file_id"},
        };
        for (const auto& [b, param] : cases) {
            JsonPtr e = ASSERT_OPENAI_ERROR(400, "invalid_request_error", param.c_str(), chatPost(kGemini, b));
            (void)e;
        }
        CPPUNIT_ASSERT_EQUAL(size_t{0}, json_array_size(fake::requests().get()));
        ASSERT_SERVING();
    }

    void testImagesAudioAndFilesInline() {
        const std::string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        Response r = chatPost(kGemini, R"({"model":"fake-gemini-2.0-flash","messages":[{"role":"user","content":[
            {"type":"text","text":"what is in these?"},
            {"type":"image_url","image_url":{"url":"data:image/png;base64,)" + png + R"("}},
            {"type":"input_audio","input_audio":{"data":"UklGRiQAAABXQVZF","format":"wav"}},
            {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjQK"}}]}]})");
        ASSERT_STATUS(200, r);
        JsonPtr sent = lastRequestBody();
        ASSERT_JSON_EQ(R"({"mimeType":"image/png","data":")" + png + R"("})", jdump(sent.get(), "contents[0].parts[1].inlineData"));
        ASSERT_JSON_EQ(R"({"mimeType":"audio/wav","data":"UklGRiQAAABXQVZF"})", jdump(sent.get(), "contents[0].parts[2].inlineData"));
        ASSERT_JSON_EQ(R"({"mimeType":"application/pdf","data":"JVBERi0xLjQK"})",
                       jdump(sent.get(), "contents[0].parts[3].inlineData"));
    }

    void testOpenAiCompatibleProvidersGetToolsUntouched() {
        const std::string b = body("fake-gpt-4o", kAsk, R"("tool_choice":"auto","parallel_tool_calls":false)");
        chatPost("/v1/chat/completions?provider=openai", b);  // the fake's answer is its business
        JsonPtr sent = lastRequestBody();
        JsonPtr mine(json_loads(b.c_str(), 0, nullptr));
        CPPUNIT_ASSERT(json_equal(json_object_get(mine.get(), "tools"), jpath(sent.get(), "tools")));
        CPPUNIT_ASSERT_EQUAL(std::string("auto"), jstr(sent.get(), "tool_choice"));
        CPPUNIT_ASSERT(json_is_false(jpath(sent.get(), "parallel_tool_calls")));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ToolsTest);
