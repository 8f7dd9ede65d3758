#include "assertions.h"

#include <cppunit/Asserter.h>

#include <cstdlib>
#include <stdexcept>

namespace it {

std::string excerpt(const std::string& body) { return body.size() <= 600 ? body : body.substr(0, 600) + "..."; }

void failResponse(const std::string& what, const Response& r, const CppUnit::SourceLine& at) {
    CppUnit::Asserter::fail(CppUnit::Message(what, "status " + std::to_string(r.status) + ", body: " + excerpt(r.body)),
                            at);
}

void assertStatus(long expected, const Response& r, const CppUnit::SourceLine& at) {
    const char* sec = std::getenv("LLMAPI_TEST_SECRET");
    if (sec && *sec && r.body.find(sec) != std::string::npos) failResponse("the response leaks the JWT secret", r, at);
    for (const char* word : {"SQL", "Exception", "Traceback", "std::", "terminate called"})
        if (r.body.find(word) != std::string::npos)
            failResponse(std::string("the response leaks internals (\"") + word + "\")", r, at);
    if (r.status == 401 && r.header("WWW-Authenticate") != "Bearer realm=\"api\"")
        failResponse("401 without `WWW-Authenticate: Bearer realm=\"api\"` (got \"" + r.header("WWW-Authenticate") +
                         "\")",
                     r, at);
    if (r.status != expected) failResponse("expected status " + std::to_string(expected), r, at);
}

void assertJsonEq(const std::string& expectedJson, const std::string& actualBody, const CppUnit::SourceLine& at) {
    JsonPtr expected = parseJson(expectedJson);
    if (!expected) throw std::logic_error("bad expected JSON in the test: " + expectedJson);
    JsonPtr actual = parseJson(actualBody);
    if (!actual || !json_equal(expected.get(), actual.get()))
        CppUnit::Asserter::fail(CppUnit::Message("JSON body differs", "expected: " + dumpJson(expected.get()),
                                                 "actual:   " + excerpt(actualBody)),
                                at);
}

void assertJsonContentType(const Response& r, const CppUnit::SourceLine& at) {
    if (r.header("Content-Type").rfind("application/json", 0) != 0)
        failResponse("Content-Type is \"" + r.header("Content-Type") + "\", not application/json", r, at);
}

void assertResponse(long status, const std::string& expectedJson, const Response& r, const CppUnit::SourceLine& at) {
    assertStatus(status, r, at);
    assertJsonContentType(r, at);
    assertJsonEq(expectedJson, r.body, at);
}

void assertKeys(const std::set<std::string>& keys, const Response& r, const CppUnit::SourceLine& at) {
    JsonPtr body = r.json();
    if (!json_is_object(body.get())) failResponse("the body is not a JSON object", r, at);
    std::set<std::string> actual;
    const char* key;
    json_t* value;
    json_object_foreach(body.get(), key, value) actual.insert(key);
    if (actual != keys) {
        std::string want;
        for (const auto& k : keys) want += " " + k;
        failResponse("expected exactly the keys" + want, r, at);
    }
}

void assertFieldErrors(long status, const std::set<std::string>& fields, const Response& r,
                       const CppUnit::SourceLine& at) {
    assertStatus(status, r, at);
    assertKeys(fields, r, at);
    JsonPtr body = r.json();
    for (const auto& f : fields) {
        json_t* list = json_object_get(body.get(), f.c_str());
        if (!json_is_array(list) || json_array_size(list) == 0 || !json_is_string(json_array_get(list, 0)))
            failResponse("\"" + f + "\" is not a non-empty list of messages", r, at);
    }
}

void assertServing(const CppUnit::SourceLine& at) {
    // Several requests, so that each worker of the pool is likely to be asked.
    for (int i = 0; i < 4; ++i) assertResponse(200, R"({"status":"ok"})", request("GET", "/healthz"), at);
}

}  // namespace it
