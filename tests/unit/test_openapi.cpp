// docs/openapi.yaml (as the build's static/docs/openapi.json) against the
// route table: the same operations both ways, and each one documented as a
// reader needs it. The integration suite checks every response against the
// document (tests/integration/openapi_check.h); this checks what no
// response can show: a route nobody documented, a policy the document
// contradicts, an operation without its examples.
#include <cppunit/extensions/HelperMacros.h>
#include <jansson.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "api/routes.h"
#include "docs/json_pointer.h"
#include "common/json.h"

using llmapi::JsonPtr;
using llmapi::api::canonical_path;
using llmapi::api::Credentials;
using llmapi::api::ErrorStyle;

namespace {

JsonPtr load_document() {
    json_error_t err;
    JsonPtr doc(json_load_file(LLMAPI_OPENAPI_JSON, 0, &err));
    if (!doc) CPPUNIT_FAIL(std::string("cannot read ") + LLMAPI_OPENAPI_JSON + ": " + err.text);
    return doc;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    return s;
}

// "#/components/responses/X" → the node, following $ref chains.
json_t* deref(json_t* doc, json_t* node) {
    for (int hops = 0; hops < 16 && json_is_object(node) && json_object_get(node, "$ref"); ++hops) {
        const std::string ref = json_string_value(json_object_get(node, "$ref"));
        node = docs::json_pointer(doc, ref);
        CPPUNIT_ASSERT_MESSAGE("unresolved " + ref, node);
    }
    return node;
}

// The document's operations: METHOD (upper case), path as written, the operation.
struct Operation {
    std::string method, path;
    json_t* node;
};
std::vector<Operation> operations(json_t* doc) {
    std::vector<Operation> out;
    const char* path;
    json_t* item;
    json_object_foreach(json_object_get(doc, "paths"), path, item) {
        const char* method;
        json_t* op;
        json_object_foreach(item, method, op) {
            std::string m = method;
            std::transform(m.begin(), m.end(), m.begin(), ::toupper);
            out.push_back({m, path, op});
        }
    }
    return out;
}

bool has_example(json_t* doc, json_t* media) {
    media = deref(doc, media);
    return json_object_get(media, "example") || json_object_size(json_object_get(media, "examples")) > 0;
}

}  // namespace

class OpenApiTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OpenApiTest);
    CPPUNIT_TEST(testEveryRouteIsDocumented);
    CPPUNIT_TEST(testNothingDocumentedThatIsNotRouted);
    CPPUNIT_TEST(testPoliciesMatch);
    CPPUNIT_TEST(testEveryOperationHasItsExamples);
    CPPUNIT_TEST_SUITE_END();

public:
    void testEveryRouteIsDocumented() {
        JsonPtr doc = load_document();
        const auto routes = llmapi::api::make_routes();
        for (const auto& r : routes.routes()) {
            json_t* op = operation(doc.get(), r.method, r.path);
            CPPUNIT_ASSERT_MESSAGE(r.method + " " + r.path + " is not in docs/openapi.yaml", op);
        }
    }

    void testNothingDocumentedThatIsNotRouted() {
        JsonPtr doc = load_document();
        const auto routes = llmapi::api::make_routes();
        std::set<std::string> routed;
        for (const auto& r : routes.routes()) routed.insert(r.method + " " + r.path);
        for (const Operation& o : operations(doc.get())) {
            const std::string key = o.method + " " + canonical_path(o.path);
            CPPUNIT_ASSERT_MESSAGE(key + " is documented but not routed", routed.count(key));
        }
    }

    // Authenticated routes say so and document their 401; /v1/ answers 401
    // in OpenAI's shape, the rest in DRF's (the routes' ErrorStyle).
    void testPoliciesMatch() {
        JsonPtr doc = load_document();
        const auto routes = llmapi::api::make_routes();
        for (const auto& r : routes.routes()) {
            json_t* op = operation(doc.get(), r.method, r.path);
            CPPUNIT_ASSERT(op);
            const std::string what = r.method + " " + r.path;
            json_t* security = json_object_get(op, "security");
            json_t* unauthorized = deref(doc.get(), json_object_get(json_object_get(op, "responses"), "401"));
            if (r.policy.credentials == Credentials::None) {
                CPPUNIT_ASSERT_MESSAGE(what + " needs no credentials: no security", json_array_size(security) == 0);
                continue;
            }
            CPPUNIT_ASSERT_MESSAGE(what + " takes credentials: security", json_array_size(security) > 0);
            CPPUNIT_ASSERT_MESSAGE(what + " takes credentials: its 401", unauthorized);
            json_t* schema = deref(doc.get(), json_object_get(
                json_object_get(json_object_get(unauthorized, "content"), "application/json"), "schema"));
            const std::string shape = llmapi::json_to_string(schema);
            const bool openai = shape.find("OpenAIError") != std::string::npos;
            CPPUNIT_ASSERT_MESSAGE(what + ": 401 in " + (openai ? "OpenAI's" : "DRF's") + " shape, the route says otherwise: " + shape,
                                   openai == (r.policy.errors == ErrorStyle::OpenAI));
            CPPUNIT_ASSERT_MESSAGE(what + ": 401 carries WWW-Authenticate",
                                   json_object_get(json_object_get(unauthorized, "headers"), "WWW-Authenticate"));
        }
    }

    void testEveryOperationHasItsExamples() {
        JsonPtr doc = load_document();
        std::set<std::string> ids;
        for (const Operation& o : operations(doc.get())) {
            json_t* op = o.node;
            const std::string what = o.method + " " + o.path;
            json_t* id = json_object_get(op, "operationId");
            CPPUNIT_ASSERT_MESSAGE(what + ": operationId", json_is_string(id));
            CPPUNIT_ASSERT_MESSAGE(what + ": operationId unique", ids.insert(json_string_value(id)).second);
            CPPUNIT_ASSERT_MESSAGE(what + ": summary", json_is_string(json_object_get(op, "summary")));
            CPPUNIT_ASSERT_MESSAGE(what + ": tags", json_array_size(json_object_get(op, "tags")) > 0);
            if (json_t* body = json_object_get(op, "requestBody")) {
                json_t* media = json_object_get(json_object_get(deref(doc.get(), body), "content"), "application/json");
                CPPUNIT_ASSERT_MESSAGE(what + ": request body as application/json", media);
                CPPUNIT_ASSERT_MESSAGE(what + ": request body example", has_example(doc.get(), media));
            }
            const char* status;
            json_t* response;
            bool success = false;
            json_object_foreach(json_object_get(op, "responses"), status, response) {
                response = deref(doc.get(), response);
                CPPUNIT_ASSERT_MESSAGE(what + " " + status + ": description",
                                       json_is_string(json_object_get(response, "description")));
                if (status[0] != '2') continue;
                success = true;
                const char* type;
                json_t* media;
                json_object_foreach(json_object_get(response, "content"), type, media) {
                    if (lower(type) == "application/json")
                        CPPUNIT_ASSERT_MESSAGE(what + " " + status + ": example", has_example(doc.get(), media));
                }
            }
            CPPUNIT_ASSERT_MESSAGE(what + ": a 2xx response", success);
        }
    }

private:
    // The operation documenting METHOD on a route's canonical path.
    static json_t* operation(json_t* doc, const std::string& method, const std::string& path) {
        for (const Operation& o : operations(doc))
            if (o.method == method && canonical_path(o.path) == path) return o.node;
        return nullptr;
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OpenApiTest);
