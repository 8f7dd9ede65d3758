// Embeddings through the whole stack (API.md section 9): OpenAI-compatible
// providers forwarded as sent, Gemini through batchEmbedContents in batches
// of 100, both encodings, the refusals before any upstream call, and
// embeddings in usage and limits. The fake makes each vector from its text
// alone, the same way on both protocols (tests/fakes/README.md), so vectors
// can be compared across providers and their order checked.
#include <cppunit/extensions/HelperMacros.h>

#include <cstring>
#include <thread>

#include "accounts.h"
#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "json_path.h"
#include "stack.h"
#include "text.h"
#include "wait.h"

using namespace it;

namespace {

Response embed(const std::string& path, const std::string& body, const std::string& auth = "") {
    return postJson(path, body, {auth.empty() ? "Authorization: Bearer " + apiToken() : auth});
}

// ["t0", …, "t{n-1}"]
std::string texts(size_t n) {
    std::string out = "[";
    for (size_t i = 0; i < n; ++i) out += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
    return out + "]";
}

std::vector<float> decodeFloat32(const std::string& b64) {
    static const std::string a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string bytes;
    unsigned v = 0;
    int bits = 0;
    for (char c : b64) {
        if (c == '=') break;
        v = (v << 6) | static_cast<unsigned>(a.find(c));
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((v >> bits) & 0xff);
        }
    }
    std::vector<float> out(bytes.size() / 4);
    std::memcpy(out.data(), bytes.data(), out.size() * 4);  // little-endian here, as on the wire
    return out;
}

// The fake's requests to one path.
size_t requestsTo(const std::string& pathPart) {
    JsonPtr reqs = fake::requests();
    size_t n = 0, i;
    json_t* r;
    json_array_foreach(reqs.get(), i, r) if (jstr(r, "path").find(pathPart) != std::string::npos) ++n;
    return n;
}

}  // namespace

class EmbeddingsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EmbeddingsTest);
    CPPUNIT_TEST(testOpenAiCompatibleForwardedAsSent);
    CPPUNIT_TEST(testGeminiBatchesOfAHundredInOrder);
    CPPUNIT_TEST(testBase64Encoding);
    CPPUNIT_TEST(testRefusalsBeforeAnyUpstreamCall);
    CPPUNIT_TEST(testUsageAndLimits);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { fake::reset(); }

    void testOpenAiCompatibleForwardedAsSent() {
        for (const std::string provider : {"openai", "inhouse"}) {
            fake::reset();
            const std::string body = R"({"model":")" + provider +
                                     R"(/text-embedding-3-small","input":["hello world","second one here"],"dimensions":4,"user":"u1"})";
            Response r = embed("/v1/embeddings", body);
            ASSERT_STATUS(200, r);
            JsonPtr j = r.json();
            CPPUNIT_ASSERT_EQUAL(std::string("list"), jstr(j.get(), "object"));
            CPPUNIT_ASSERT_EQUAL(size_t{2}, jsize(j.get(), "data"));
            CPPUNIT_ASSERT_EQUAL(size_t{4}, jsize(j.get(), "data[0].embedding"));
            CPPUNIT_ASSERT_EQUAL(json_int_t{5}, jint(j.get(), "usage.prompt_tokens"));
            JsonPtr reqs = fake::requests();
            CPPUNIT_ASSERT_EQUAL(size_t{1}, json_array_size(reqs.get()));
            ASSERT_JSON_EQ(R"({"model":"text-embedding-3-small","input":["hello world","second one here"],"dimensions":4,"user":"u1"})",
                           jdump(json_array_get(reqs.get(), 0), "body"));
        }
        // The seed-style path names the provider in the query.
        ASSERT_STATUS(200, embed("/api/embeddings/?provider=gemini", R"({"model":"fake-embedding-001","input":"hi"})"));
    }

    void testGeminiBatchesOfAHundredInOrder() {
        Response g = embed("/v1/embeddings", R"({"model":"gemini/fake-embedding-001","input":)" + texts(250) +
                                                 R"(,"dimensions":4})");
        ASSERT_STATUS(200, g);
        JsonPtr gj = g.json();
        CPPUNIT_ASSERT_EQUAL(size_t{250}, jsize(gj.get(), "data"));
        CPPUNIT_ASSERT_EQUAL(std::string("fake-embedding-001"), jstr(gj.get(), "model"));
        JsonPtr reqs = fake::requests();
        CPPUNIT_ASSERT_EQUAL(size_t{3}, requestsTo(":batchEmbedContents"));
        CPPUNIT_ASSERT_EQUAL(size_t{100}, jsize(json_array_get(reqs.get(), 0), "body.requests"));
        CPPUNIT_ASSERT_EQUAL(size_t{50}, jsize(json_array_get(reqs.get(), 2), "body.requests"));
        CPPUNIT_ASSERT_EQUAL(json_int_t{4}, jint(json_array_get(reqs.get(), 1), "body.requests[0].outputDimensionality"));
        CPPUNIT_ASSERT_EQUAL(std::string("t100"), jstr(json_array_get(reqs.get(), 1), "body.requests[0].content.parts[0].text"));
        // Same texts through OpenAI's side: the same vectors, index by index.
        Response o = embed("/v1/embeddings", R"({"model":"openai/x","input":)" + texts(250) + R"(,"dimensions":4})");
        JsonPtr oj = o.json();
        for (size_t i : {size_t{0}, size_t{99}, size_t{100}, size_t{249}}) {
            const std::string p = "data[" + std::to_string(i) + "]";
            CPPUNIT_ASSERT_EQUAL(json_int_t(i), jint(gj.get(), p + ".index"));
            CPPUNIT_ASSERT_EQUAL(jdump(oj.get(), p + ".embedding"), jdump(gj.get(), p + ".embedding"));
        }
        CPPUNIT_ASSERT(jint(gj.get(), "usage.prompt_tokens") > 0);
    }

    void testBase64Encoding() {
        Response f = embed("/v1/embeddings", R"({"model":"gemini/fake-embedding-001","input":"hello world"})");
        Response b = embed("/v1/embeddings",
                           R"({"model":"gemini/fake-embedding-001","input":"hello world","encoding_format":"base64"})");
        ASSERT_STATUS(200, b);
        const std::vector<float> decoded = decodeFloat32(jstr(b.json().get(), "data[0].embedding"));
        JsonPtr floats = f.json();
        CPPUNIT_ASSERT_EQUAL(jsize(floats.get(), "data[0].embedding"), decoded.size());
        for (size_t i = 0; i < decoded.size(); ++i)
            CPPUNIT_ASSERT_DOUBLES_EQUAL(json_number_value(jpath(floats.get(), "data[0].embedding[" + std::to_string(i) + "]")),
                                         decoded[i], 1e-6);
    }

    void testRefusalsBeforeAnyUpstreamCall() {
        const std::vector<std::pair<std::string, std::string>> cases = {
            {R"({"model":"gemini/fake-embedding-001","input":[1,2,3]})", "input"},
            {R"({"model":"gemini/fake-embedding-001","input":)" + texts(2049) + "}", "input"},
            {R"({"model":"gemini/fake-embedding-001"})", "input"},
            {R"({"model":"openai/x","input":""})", "input"},
            {R"({"model":"openai/x","input":[]})", "input"},
            {R"({"model":"openai/x","input":["a",1]})", "input"},
            {R"({"input":"a"})", "model"},
            {R"({"model":"openai/x","input":"a","encoding_format":"hex"})", "encoding_format"},
            {R"({"model":"openai/x","input":"a","dimensions":0})", "dimensions"},
        };
        for (const auto& [body, param] : cases) ASSERT_OPENAI_ERROR(400, "invalid_request_error", param.c_str(), embed("/v1/embeddings", body));
        ASSERT_OPENAI_ERROR(400, "invalid_request_error", "provider",
                            embed("/v1/embeddings?provider=nosuch", R"({"model":"x","input":"a"})"));
        CPPUNIT_ASSERT_EQUAL(size_t{0}, json_array_size(fake::requests().get()));
        ASSERT_OPENAI_ERROR(401, "invalid_request_error", nullptr, postJson("/v1/embeddings", R"({"model":"x","input":"a"})"));
        ASSERT_SERVING();
    }

    void testUsageAndLimits() {
        Account a = createAccount();
        ASSERT_STATUS(200, embed("/v1/embeddings", R"({"model":"gemini/fake-embedding-001","input":["abcdefgh","abcd"]})",
                                 a.auth()));
        ASSERT_STATUS(200, embed("/v1/embeddings", R"({"model":"openai/x","input":"hello world"})", a.auth()));
        pollUntil(10, [&] {
            return lines(sql("SELECT COUNT(*) FROM usage_events WHERE user_id = " + std::to_string(a.id)))[0] == "2";
        });
        const auto rows = lines(sql("SELECT provider, model_requested, prompt_tokens, completion_tokens, estimated, status "
                                    "FROM usage_events WHERE user_id = " + std::to_string(a.id) + " ORDER BY id"));
        CPPUNIT_ASSERT_EQUAL(std::string("gemini\tfake-embedding-001\t3\t0\t1\t200"), rows.at(0));  // estimated: 2 + 1
        CPPUNIT_ASSERT_EQUAL(std::string("openai\tx\t2\t0\t0\t200"), rows.at(1));                  // the provider's count
        Response u = getWithBearer("/api/usage/", a.token);
        CPPUNIT_ASSERT_EQUAL(json_int_t{2}, jint(u.json().get(), "totals.requests"));
        CPPUNIT_ASSERT_EQUAL(json_int_t{5}, jint(u.json().get(), "totals.prompt_tokens"));
        // A request limit counts embeddings as it counts chats.
        sql("UPDATE users SET requests_per_minute = 1 WHERE id = " + std::to_string(a.id));
        awaitUserCache();
        const long left = 60 - static_cast<long>(std::time(nullptr) % 60);
        if (left < 4) std::this_thread::sleep_for(std::chrono::seconds(left + 1));
        ASSERT_STATUS(200, embed("/v1/embeddings", R"({"model":"openai/x","input":"a"})", a.auth()));
        JsonPtr e = ASSERT_OPENAI_ERROR(429, "rate_limit_error", nullptr,
                                        embed("/v1/embeddings", R"({"model":"openai/x","input":"a"})", a.auth()));
        CPPUNIT_ASSERT_EQUAL(std::string("rate_limit_exceeded"), jstr(e.get(), "code"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EmbeddingsTest);
