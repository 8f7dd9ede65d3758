// JSON Schema -> Gemini's OpenAPI subset ([provider.X] tool_schema = openapi,
// API.md section 9), and its use for tool parameters and json_schema.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "json_fixture.h"
#include "providers/gemini_schema.h"
#include "providers/gemini_translate.h"

using llmapi::JsonPtr;
using llmapi::json_to_string;
using namespace llmapi::providers::gemini;

namespace {


// The conversion of `schema`, compared with `expected` (both JSON).
void converts(const std::string& schema, const std::string& expected, bool ordering = false) {
    std::string error;
    JsonPtr out = to_openapi_schema(load_fixture(schema).get(), ordering, error);
    CPPUNIT_ASSERT_MESSAGE("error: " + error, out != nullptr);
    JsonPtr want = load_fixture(expected);
    CPPUNIT_ASSERT_MESSAGE("expected " + json_to_string(want.get()) + "\n     got " + json_to_string(out.get()),
                           json_equal(want.get(), out.get()));
}

std::string refused(const std::string& schema) {
    std::string error;
    JsonPtr out = to_openapi_schema(load_fixture(schema).get(), false, error);
    CPPUNIT_ASSERT_MESSAGE("converted: " + json_to_string(out.get()), out == nullptr);
    return error;
}

}  // namespace

class GeminiSchemaTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GeminiSchemaTest);
    CPPUNIT_TEST(testUnknownKeywordsDropped);
    CPPUNIT_TEST(testRefsInlined);
    CPPUNIT_TEST(testRefCyclesAndUnknownRefsRefused);
    CPPUNIT_TEST(testNullableForms);
    CPPUNIT_TEST(testFormatsAndEnums);
    CPPUNIT_TEST(testPropertyOrdering);
    CPPUNIT_TEST(testUsedForToolsAndJsonSchema);
    CPPUNIT_TEST_SUITE_END();

public:
    void testUnknownKeywordsDropped() {
        converts(R"({"$schema":"x","type":"object","additionalProperties":false,"strict":true,"$id":"i",
                     "properties":{"a":{"type":"string","const":"k","description":"d"}},"required":["a"]})",
                 R"({"type":"object","properties":{"a":{"type":"string","description":"d"}},"required":["a"]})");
    }

    void testRefsInlined() {
        converts(R"({"type":"object","$defs":{"Pt":{"type":"object","properties":{"x":{"type":"number"}}}},
                     "properties":{"a":{"$ref":"#/$defs/Pt"},"b":{"type":"array","items":{"$ref":"#/$defs/Pt"}}}})",
                 R"({"type":"object","properties":{"a":{"type":"object","properties":{"x":{"type":"number"}}},
                     "b":{"type":"array","items":{"type":"object","properties":{"x":{"type":"number"}}}}}})");
        converts(R"({"definitions":{"N":{"type":"integer"}},"type":"object","properties":{"n":{"$ref":"#/definitions/N"}}})",
                 R"({"type":"object","properties":{"n":{"type":"integer"}}})");
    }

    void testRefCyclesAndUnknownRefsRefused() {
        CPPUNIT_ASSERT(refused(R"({"$defs":{"Node":{"type":"object","properties":{"next":{"$ref":"#/$defs/Node"}}}},
                                   "type":"object","properties":{"head":{"$ref":"#/$defs/Node"}}})")
                           .find("itself") != std::string::npos);
        CPPUNIT_ASSERT(refused(R"({"type":"object","properties":{"a":{"$ref":"#/$defs/Missing"}}})").find("unknown $ref") !=
                       std::string::npos);
        CPPUNIT_ASSERT(refused(R"({"type":"object","properties":{"a":{"$ref":"https://example.com/s.json"}}})")
                           .find("unknown $ref") != std::string::npos);
    }

    void testNullableForms() {
        converts(R"({"anyOf":[{"type":"string"},{"type":"null"}],"default":null})", R"({"type":"string","nullable":true})");
        converts(R"({"type":["integer","null"]})", R"({"type":"integer","nullable":true})");
        converts(R"({"type":["integer","string"]})", R"({"anyOf":[{"type":"integer"},{"type":"string"}]})");
        converts(R"({"anyOf":[{"type":"string"},{"type":"integer"}],"default":"x"})",
                 R"({"anyOf":[{"type":"string"},{"type":"integer"}]})");  // default beside anyOf: dropped
    }

    void testFormatsAndEnums() {
        converts(R"({"type":"string","format":"date-time"})", R"({"type":"string","format":"date-time"})");
        converts(R"({"type":"string","format":"enum","enum":["a","b"]})", R"({"type":"string","format":"enum","enum":["a","b"]})");
        converts(R"({"type":"string","format":"email"})", R"({"type":"string"})");
        CPPUNIT_ASSERT(refused(R"({"type":"integer","enum":[1,2]})").find("string enum") != std::string::npos);
    }

    void testPropertyOrdering() {
        converts(R"({"type":"object","properties":{"z":{"type":"string"},"a":{"type":"object","properties":{"y":{"type":"number"},"b":{"type":"number"}}}}})",
                 R"({"type":"object","properties":{"z":{"type":"string"},"a":{"type":"object","properties":{"y":{"type":"number"},"b":{"type":"number"}},
                     "propertyOrdering":["y","b"]}},"propertyOrdering":["z","a"]})",
                 true);
    }

    void testUsedForToolsAndJsonSchema() {
        const std::string body = R"({"model":"m","messages":[{"role":"user","content":"hi"}],
            "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","additionalProperties":false,
                "properties":{"when":{"type":["string","null"],"format":"date-time"}}}}}],
            "response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","properties":{"k":{"type":"string"},"a":{"type":"integer"}}}}}})";
        TranslateError err;
        JsonPtr req = to_gemini_request(load_fixture(body).get(), err, RequestOptions{true});
        CPPUNIT_ASSERT_MESSAGE(err.message, req != nullptr);
        const json_t* decl = json_array_get(json_object_get(json_array_get(json_object_get(req.get(), "tools"), 0),
                                                            "functionDeclarations"),
                                            0);
        JsonPtr want = load_fixture(R"({"type":"object","properties":{"when":{"type":"string","nullable":true,"format":"date-time"}}})");
        CPPUNIT_ASSERT(json_equal(want.get(), json_object_get(decl, "parameters")));
        CPPUNIT_ASSERT(json_object_get(decl, "parametersJsonSchema") == nullptr);
        const json_t* cfg = json_object_get(req.get(), "generationConfig");
        JsonPtr schema = load_fixture(R"({"type":"object","properties":{"k":{"type":"string"},"a":{"type":"integer"}},"propertyOrdering":["k","a"]})");
        CPPUNIT_ASSERT(json_equal(schema.get(), json_object_get(cfg, "responseSchema")));
        CPPUNIT_ASSERT(json_object_get(cfg, "responseJsonSchema") == nullptr);
        // A schema with no form there is a 400 naming the param.
        TranslateError bad;
        JsonPtr none = to_gemini_request(
            load_fixture(R"({"model":"m","messages":[{"role":"user","content":"hi"}],
                "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"n":{"enum":[1]}}}}}]})")
                .get(),
            bad, RequestOptions{true});
        CPPUNIT_ASSERT(none == nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("tools[0].function.parameters"), bad.param);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GeminiSchemaTest);
