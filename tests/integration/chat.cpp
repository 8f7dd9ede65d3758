#include "chat.h"

#include <cppunit/Asserter.h>

#include <chrono>
#include <mutex>
#include <set>

#include "accounts.h"
#include "assertions.h"
#include "json_path.h"

namespace it {

std::string apiToken() {
    static std::mutex mu;
    static std::string token;
    static std::chrono::steady_clock::time_point issued;
    std::lock_guard<std::mutex> lock(mu);
    // Access tokens live 300 s in the test stack: renew well before that.
    if (token.empty() || std::chrono::steady_clock::now() - issued > std::chrono::seconds(200)) {
        token = login(createUser()).access;
        issued = std::chrono::steady_clock::now();
    }
    return token;
}

Response chatPost(const std::string& path, const std::string& body) {
    Response r = postJson(path, body, {"Authorization: Bearer " + apiToken()});
    assertNoProviderKeys(r.body, CPPUNIT_SOURCELINE());
    return r;
}

Response apiGet(const std::string& path) {
    Response r = getWithBearer(path, apiToken());
    assertNoProviderKeys(r.body, CPPUNIT_SOURCELINE());
    return r;
}

StreamResponse chatStream(const std::string& path, const std::string& body, size_t stopAfterEvents, long timeoutS) {
    StreamResponse s = streamRequest("POST", path, body,
                                     {"Content-Type: application/json", "Authorization: Bearer " + apiToken()},
                                     stopAfterEvents, timeoutS);
    assertNoProviderKeys(s.body, CPPUNIT_SOURCELINE());
    return s;
}

const char* const kSeedQuestion = "How is the weather on Venus?";

std::string seedChatBody(const std::string& model, bool stream) {
    // The seed README's body, spacing included.
    return "{\n  \"model\": \"" + model +
           "\",\n  \"messages\": [\n    {\"role\": \"user\", \"content\": \"How is the weather on Venus?\"}\n  ],\n"
           "  \"stream\": " +
           (stream ? "true" : "false") + "\n}";
}

std::vector<JsonPtr> streamChunks(const StreamResponse& s) {
    std::vector<JsonPtr> out;
    for (const auto& e : s.events)
        if (e.data != "[DONE]") out.push_back(parseJson(e.data));
    return out;
}

std::string deltaText(const std::vector<JsonPtr>& chunks, json_int_t index) {
    std::string text;
    for (const auto& c : chunks) {
        size_t i;
        json_t* choice;
        json_array_foreach(json_object_get(c.get(), "choices"), i, choice) {
            if (jint(choice, "index") == index) text += jstr(choice, "delta.content");
        }
    }
    return text;
}

const std::vector<std::string>& providerKeys() {
    static const std::vector<std::string> keys{"sk-fake-openai-key-0123456789", "fake-gemini-key-0123456789",
                                               "sk-fake-flaky-key-0123456789", "sk-fake-slow-key-0123456789",
                                               "sk-fake-down-key-0123456789"};
    return keys;
}

void assertNoProviderKeys(const std::string& text, const CppUnit::SourceLine& at) {
    for (const auto& key : providerKeys())
        if (text.find(key) != std::string::npos)
            CppUnit::Asserter::fail(CppUnit::Message("a response leaks the provider key " + key, excerpt(text)), at);
    // A key cut short is a leak too (e.g. a message truncated by the gateway).
    for (const auto& key : providerKeys())
        if (text.find(key.substr(0, 16)) != std::string::npos)
            CppUnit::Asserter::fail(CppUnit::Message("a response leaks part of the provider key " + key, excerpt(text)),
                                    at);
}

JsonPtr assertOpenAiError(long status, const std::string& type, const char* param, const Response& r,
                          const CppUnit::SourceLine& at) {
    assertStatus(status, r, at);
    assertNoProviderKeys(r.body, at);
    assertJsonContentType(r, at);
    assertKeys({"error"}, r, at);
    JsonPtr body = r.json();
    json_t* err = json_object_get(body.get(), "error");
    std::set<std::string> keys;
    const char* key;
    json_t* value;
    json_object_foreach(err, key, value) keys.insert(key);
    if (keys != std::set<std::string>{"message", "type", "param", "code"})
        failResponse("\"error\" must have exactly message, type, param and code", r, at);
    if (jstr(err, "message").empty()) failResponse("the error has no message", r, at);
    if (jstr(err, "type") != type) failResponse("expected the error type \"" + type + "\"", r, at);
    json_t* p = json_object_get(err, "param");
    if (param ? jstr(err, "param") != param : !json_is_null(p))
        failResponse(std::string("expected the error param ") + (param ? "\"" + std::string(param) + "\"" : "null"), r,
                     at);
    json_t* code = json_object_get(err, "code");
    if (!json_is_null(code) && !json_is_string(code))
        failResponse("the error code is neither null nor a string", r, at);
    return JsonPtr(json_incref(err));
}

std::vector<JsonPtr> assertChatStream(const StreamResponse& s, const CppUnit::SourceLine& at) {
    Response asResponse;
    asResponse.status = s.status;
    asResponse.body = s.body;
    assertStatus(200, asResponse, at);
    assertNoProviderKeys(s.body, at);
    if (s.headers.find("Content-Type") == s.headers.end() ||
        s.headers.find("Content-Type")->second.rfind("text/event-stream", 0) != 0)
        failResponse("the stream's Content-Type is not text/event-stream", asResponse, at);
    if (s.events.size() < 2 || s.events.back().data != "[DONE]")
        failResponse("the stream does not end with data: [DONE]", asResponse, at);
    std::vector<JsonPtr> chunks = streamChunks(s);
    if (chunks.size() + 1 != s.events.size()) failResponse("[DONE] appears before the end", asResponse, at);
    std::string id;
    for (const auto& c : chunks) {
        if (!json_is_object(c.get()) || jstr(c.get(), "object") != "chat.completion.chunk")
            failResponse("an event is not a chat.completion.chunk: " + dumpJson(c.get()), asResponse, at);
        if (!json_is_array(jpath(c.get(), "choices")) || !json_is_integer(jpath(c.get(), "created")) ||
            jstr(c.get(), "model").empty())
            failResponse("a chunk lacks choices, created or model: " + dumpJson(c.get()), asResponse, at);
        if (id.empty()) id = jstr(c.get(), "id");
        if (id.empty() || jstr(c.get(), "id") != id) failResponse("the chunks do not share one id", asResponse, at);
    }
    return chunks;
}

}  // namespace it
