// The API's documentation as nginx serves it (API.md section 12): the
// document as written at /openapi.yaml, the build's JSON of it at
// /openapi.json, and the page at /docs/ with nothing from another host.
// (That every response agrees with the document is openapi_check.h's work,
// on every request of the suite; the page itself runs in tests/browser.)
#include <cppunit/extensions/HelperMacros.h>

#include <regex>
#include <string>

#include "assertions.h"
#include "http_client.h"
#include "stack.h"
#include "text.h"

using namespace it;

class DocsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DocsTest);
    CPPUNIT_TEST(testDocumentServedAsWritten);
    CPPUNIT_TEST(testPageHasNoExternalAssets);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDocumentServedAsWritten() {
        const std::string written = readTextFile(sourceRoot() + "/docs/openapi.yaml");
        CPPUNIT_ASSERT(!written.empty());
        for (const char* path : {"/openapi.yaml", "/openapi.yaml?v=1"}) {
            Response yaml = request("GET", path);
            CPPUNIT_ASSERT_EQUAL(200L, yaml.status);
            CPPUNIT_ASSERT_EQUAL(std::string("application/yaml"), yaml.header("Content-Type"));
            CPPUNIT_ASSERT(written == yaml.body);
        }

        Response json = request("GET", "/openapi.json");
        CPPUNIT_ASSERT_EQUAL(200L, json.status);
        CPPUNIT_ASSERT_EQUAL(std::string("application/json"), json.header("Content-Type"));
        JsonPtr doc = json.json();
        CPPUNIT_ASSERT_MESSAGE(json.body.substr(0, 200), doc);
        CPPUNIT_ASSERT_EQUAL(std::string("3.1"), jsonString(doc.get(), "openapi").substr(0, 3));
        // The JSON is the YAML's: a path and an operation of it, found in both.
        json_t* token = json_object_get(json_object_get(json_object_get(doc.get(), "paths"), "/api/token/"), "post");
        CPPUNIT_ASSERT(token);
        const std::string id = jsonString(token, "operationId");
        CPPUNIT_ASSERT(!id.empty());
        CPPUNIT_ASSERT_MESSAGE(id, written.find("operationId: " + id) != std::string::npos);

        // Not the workers' business: the pool never sees these.
        Response bare = request("GET", "/docs");
        CPPUNIT_ASSERT_EQUAL(301L, bare.status);
        CPPUNIT_ASSERT(bare.header("Location").size() >= 6 &&
                       bare.header("Location").compare(bare.header("Location").size() - 6, 6, "/docs/") == 0);
    }

    void testPageHasNoExternalAssets() {
        Response page = request("GET", "/docs/");
        CPPUNIT_ASSERT_EQUAL(200L, page.status);
        CPPUNIT_ASSERT_EQUAL(std::string("text/html"), page.header("Content-Type").substr(0, 9));
        // Every src= and href= of the page is on this server ("/…" or
        // relative), except plain <a> links; then the same for what it loads.
        const std::regex ref(R"#(<(\w+)[^>]*?\s(?:src|href)\s*=\s*["']([^"']*)["'])#", std::regex::icase);
        int local = 0;
        for (auto m = std::sregex_iterator(page.body.begin(), page.body.end(), ref); m != std::sregex_iterator(); ++m) {
            const std::string tag = (*m)[1], url = (*m)[2];
            const bool external = url.find("://") != std::string::npos || url.rfind("//", 0) == 0;
            if (tag == "a" || tag == "A") continue;
            CPPUNIT_ASSERT_MESSAGE("<" + tag + "> loads " + url, !external);
            if (url.rfind("data:", 0) == 0) continue;
            const std::string path = url.rfind("/", 0) == 0 ? url : "/docs/" + url;
            Response asset = request("GET", path);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 200L, asset.status);
            CPPUNIT_ASSERT_MESSAGE(path + " imports from another host",
                                   !std::regex_search(asset.body, std::regex(R"#((import|url\(|fetch\()\s*["']?(https?:)?//)#")));
            ++local;
        }
        CPPUNIT_ASSERT_MESSAGE("the page loads its script and style from here", local >= 2);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DocsTest);
