// The chat API as a client sees it: authenticated chat requests and streams
// with a shared account, the seed README's request, and the checks every
// answer gets (no provider key leaks, OpenAI's error and chunk shapes).
#pragma once

#include <cppunit/SourceLine.h>

#include <string>
#include <vector>

#include "http_client.h"

namespace it {

// An access token of a user created on first use (renewed before it expires).
std::string apiToken();
// Authenticated requests with apiToken(); every body is checked for provider keys.
Response chatPost(const std::string& path, const std::string& body);
Response apiGet(const std::string& path);
// The POST read as an event stream; stopAfterEvents > 0: hang up after that many events.
StreamResponse chatStream(const std::string& path, const std::string& body, size_t stopAfterEvents = 0,
                          long timeoutS = 60);

// The seed README's chat request, verbatim but for the model and `stream`.
std::string seedChatBody(const std::string& model, bool stream = false);
extern const char* const kSeedQuestion;  // "How is the weather on Venus?"

// The events of a stream but "[DONE]", parsed (null for an event that is not JSON).
std::vector<JsonPtr> streamChunks(const StreamResponse& s);
// The concatenated delta.content of choice `index`.
std::string deltaText(const std::vector<JsonPtr>& chunks, json_int_t index = 0);

// The api_key values of tests/integration/app-test.ini: no response may contain one.
const std::vector<std::string>& providerKeys();
void assertNoProviderKeys(const std::string& text, const CppUnit::SourceLine& at);
#define ASSERT_NO_PROVIDER_KEYS(text) ::it::assertNoProviderKeys((text), CPPUNIT_SOURCELINE())

// An OpenAI error: that status, a JSON Content-Type, exactly
// {"error":{"message","type","param","code"}} with a non-empty message, that
// type and param (nullptr: null). Returns the "error" object.
JsonPtr assertOpenAiError(long status, const std::string& type, const char* param, const Response& r,
                          const CppUnit::SourceLine& at);
#define ASSERT_OPENAI_ERROR(status, type, param, resp) \
    ::it::assertOpenAiError((status), (type), (param), (resp), CPPUNIT_SOURCELINE())

// A well-formed chat stream: 200, text/event-stream, chat.completion.chunk
// events sharing one id, ending with a single `data: [DONE]`. Returns the chunks.
std::vector<JsonPtr> assertChatStream(const StreamResponse& s, const CppUnit::SourceLine& at);
#define ASSERT_CHAT_STREAM(stream) ::it::assertChatStream((stream), CPPUNIT_SOURCELINE())

}  // namespace it
