// OpenAI embeddings <-> Gemini batchEmbedContents (API.md section 9): the
// texts taken, the batch bodies, the vectors back in both encodings.
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "json_fixture.h"
#include "providers/gemini_embeddings.h"
#include "providers/gemini_translate.h"

using llmapi::JsonPtr;
using llmapi::json_to_string;
using namespace llmapi::providers::gemini;

namespace {


}  // namespace

class GeminiEmbeddingsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GeminiEmbeddingsTest);
    CPPUNIT_TEST(testTexts);
    CPPUNIT_TEST(testBatchBody);
    CPPUNIT_TEST(testVectorsBothEncodings);
    CPPUNIT_TEST(testMismatchedAnswers);
    CPPUNIT_TEST(testAnswerAndEstimate);
    CPPUNIT_TEST_SUITE_END();

public:
    void testTexts() {
        std::vector<std::string> t;
        TranslateError err;
        CPPUNIT_ASSERT(embedding_texts(load_fixture(R"({"input":"one"})").get(), t, err));
        CPPUNIT_ASSERT(embedding_texts(load_fixture(R"({"input":["two","three"]})").get(), t, err));
        CPPUNIT_ASSERT((t == std::vector<std::string>{"one", "two", "three"}));
        std::vector<std::string> ids;
        CPPUNIT_ASSERT(!embedding_texts(load_fixture(R"({"input":[1,2,3]})").get(), ids, err));
        CPPUNIT_ASSERT_EQUAL(std::string("input"), err.param);
        JsonPtr many(json_object());
        JsonPtr list(json_array());
        for (int i = 0; i < 2049; ++i) json_array_append_new(list.get(), json_string("x"));
        json_object_set(many.get(), "input", list.get());
        std::vector<std::string> big;
        TranslateError e2;
        CPPUNIT_ASSERT(!embedding_texts(many.get(), big, e2));
        CPPUNIT_ASSERT_EQUAL(std::string("input"), e2.param);
    }

    void testBatchBody() {
        const std::vector<std::string> texts{"a", "b", "c"};
        JsonPtr dims(json_integer(64));
        JsonPtr body = batch_request("text-embedding-004", texts, 1, 2, dims.get());
        JsonPtr want = load_fixture(R"({"requests":[
            {"model":"models/text-embedding-004","content":{"parts":[{"text":"b"}]},"outputDimensionality":64},
            {"model":"models/text-embedding-004","content":{"parts":[{"text":"c"}]},"outputDimensionality":64}]})");
        CPPUNIT_ASSERT_MESSAGE(json_to_string(body.get()), json_equal(want.get(), body.get()));
        JsonPtr plain = batch_request("m", texts, 0, 1, nullptr);
        CPPUNIT_ASSERT(!json_object_get(json_array_get(json_object_get(plain.get(), "requests"), 0), "outputDimensionality"));
        CPPUNIT_ASSERT_EQUAL(size_t{100}, kEmbeddingBatch);
    }

    void testVectorsBothEncodings() {
        JsonPtr answer = load_fixture(R"({"embeddings":[{"values":[1.0,-2.0]},{"values":[0.5]}]})");
        JsonPtr data(json_array());
        CPPUNIT_ASSERT(append_embeddings(answer.get(), 2, 100, false, data.get()));
        JsonPtr want = load_fixture(R"([{"object":"embedding","index":100,"embedding":[1.0,-2.0]},
                             {"object":"embedding","index":101,"embedding":[0.5]}])");
        CPPUNIT_ASSERT_MESSAGE(json_to_string(data.get()), json_equal(want.get(), data.get()));
        // float32 little-endian: 1.0 = 00 00 80 3f, -2.0 = 00 00 00 c0.
        JsonPtr b64(json_array());
        CPPUNIT_ASSERT(append_embeddings(answer.get(), 2, 0, true, b64.get()));
        CPPUNIT_ASSERT_EQUAL(std::string("AACAPwAAAMA="),
                             std::string(json_string_value(json_object_get(json_array_get(b64.get(), 0), "embedding"))));
        CPPUNIT_ASSERT_EQUAL(std::string("AAAAPw=="),
                             std::string(json_string_value(json_object_get(json_array_get(b64.get(), 1), "embedding"))));
    }

    void testMismatchedAnswers() {
        JsonPtr data(json_array());
        CPPUNIT_ASSERT(!append_embeddings(load_fixture(R"({"embeddings":[{"values":[1]}]})").get(), 2, 0, false, data.get()));
        CPPUNIT_ASSERT(!append_embeddings(load_fixture(R"({"embeddings":[{"values":["x"]}]})").get(), 1, 0, false, data.get()));
        CPPUNIT_ASSERT(!append_embeddings(load_fixture(R"({"error":{}})").get(), 1, 0, false, data.get()));
    }

    void testAnswerAndEstimate() {
        CPPUNIT_ASSERT_EQUAL(3L, estimate_embedding_tokens({"abcd", "abcde"}));  // 1 + 2
        JsonPtr data(json_array());
        JsonPtr out = embeddings_answer(std::move(data), "text-embedding-004", 7);
        JsonPtr want = load_fixture(R"({"object":"list","data":[],"model":"text-embedding-004",
                             "usage":{"prompt_tokens":7,"total_tokens":7}})");
        CPPUNIT_ASSERT(json_equal(want.get(), out.get()));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GeminiEmbeddingsTest);
