#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "common/json.h"
#include "http/openai_error.h"

using llmapi::json_text;
using llmapi::JsonPtr;
using llmapi::utf8_lossy;

namespace {
const std::string kFffd = "\xEF\xBF\xBD";
}

class JsonTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(JsonTest);
    CPPUNIT_TEST(testValidTextUnchanged);
    CPPUNIT_TEST(testInvalidBytesReplaced);
    CPPUNIT_TEST(testJsonTextNeverNull);
    CPPUNIT_TEST(testOpenAiErrorKeepsMessage);
    CPPUNIT_TEST_SUITE_END();

public:
    void testValidTextUnchanged() {
        for (const std::string s : {"", "plain", "caf\xC3\xA9", "\xE2\x82\xAC 5", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"})
            CPPUNIT_ASSERT_EQUAL(s, utf8_lossy(s));
    }

    void testInvalidBytesReplaced() {
        CPPUNIT_ASSERT_EQUAL("a" + kFffd + "b", utf8_lossy("a\xFF" "b"));
        CPPUNIT_ASSERT_EQUAL(kFffd + kFffd, utf8_lossy("\xC0\xAF"));                  // overlong '/'
        CPPUNIT_ASSERT_EQUAL(kFffd + kFffd + kFffd, utf8_lossy("\xED\xA0\x80"));      // a surrogate
        CPPUNIT_ASSERT_EQUAL(kFffd + kFffd + kFffd + kFffd, utf8_lossy("\xF4\x90\x80\x80"));  // past U+10FFFF
        CPPUNIT_ASSERT_EQUAL("x" + kFffd + kFffd, utf8_lossy("x\xE2\x82"));           // cut short
        CPPUNIT_ASSERT_EQUAL(kFffd + "\xC3\xA9", utf8_lossy("\x80\xC3\xA9"));         // a stray continuation
    }

    void testJsonTextNeverNull() {
        JsonPtr j(json_text("bad \xFF byte"));
        CPPUNIT_ASSERT(j);
        CPPUNIT_ASSERT_EQUAL("bad " + kFffd + " byte", std::string(json_string_value(j.get())));
    }

    void testOpenAiErrorKeepsMessage() {
        JsonPtr body = llmapi::http::openai_error_body("Unknown provider '\xFF'.", "invalid_request_error", "provider");
        const json_t* message = json_object_get(json_object_get(body.get(), "error"), "message");
        CPPUNIT_ASSERT(json_is_string(message));
        CPPUNIT_ASSERT_EQUAL("Unknown provider '" + kFffd + "'.", std::string(json_string_value(message)));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonTest);
