// http::normalize_path: the path both front ends route by, as nginx's $uri.
#include <cppunit/extensions/HelperMacros.h>

#include "http/path.h"

using llmapi::http::normalize_path;

class PathTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PathTest);
    CPPUNIT_TEST(testNormalised);
    CPPUNIT_TEST(testRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void testNormalised() {
        const std::pair<const char*, const char*> cases[] = {
            {"/api/me/", "/api/me/"},
            {"/api/%6De/", "/api/me/"},              // unreserved characters decoded
            {"/api/me/?x=%2F", "/api/me/"},          // the query is not the path
            {"/", "/"},
            {"//api///me/", "/api/me/"},             // slashes merged, as nginx's merge_slashes
            {"/api/./me/", "/api/me/"},
            {"/api/x/../me/", "/api/me/"},
            {"/api/%2e%2e/metrics", "/metrics"},     // decoded, then the dot segments
            {"/api%2Fme/", "/api/me/"},              // nginx decodes %2F in $uri too
            {"/metrics/.", "/metrics/"},
            {"/api/me/..", "/api/"},
            {"/v1/chat/completions", "/v1/chat/completions"},
            {"/api/keys/%31%32", "/api/keys/12"},
        };
        for (const auto& [in, want] : cases) {
            const auto got = normalize_path(in);
            CPPUNIT_ASSERT_MESSAGE(in, got.has_value());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(in, std::string(want), *got);
        }
    }

    // What nginx answers 400 for.
    void testRefused() {
        for (const char* in : {"", "api/me/", "/api/%zz/", "/api/%4", "/api/%", "/a%00b", "/..", "/api/../../x", "?q"})
            CPPUNIT_ASSERT_MESSAGE(in, !normalize_path(in).has_value());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PathTest);
