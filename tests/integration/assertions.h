// Assertions on the gateway's responses (use the macros: they add file and line).
#pragma once

#include <cppunit/SourceLine.h>

#include <set>
#include <string>

#include "http_client.h"

namespace it {

// Checks the status and the rules every response keeps: nothing leaked
// (JWT secret, "SQL", "Exception", stack traces) and, on 401,
// `WWW-Authenticate: Bearer realm="api"`.
void assertStatus(long expected, const Response& r, const CppUnit::SourceLine& at);
// Compares parsed JSON (key order and spacing do not matter).
void assertJsonEq(const std::string& expectedJson, const std::string& actualBody, const CppUnit::SourceLine& at);
// assertStatus + JSON Content-Type + assertJsonEq.
void assertResponse(long status, const std::string& expectedJson, const Response& r, const CppUnit::SourceLine& at);
// The Content-Type is application/json.
void assertJsonContentType(const Response& r, const CppUnit::SourceLine& at);
// A DRF validation error: the body is an object whose keys are exactly `fields`,
// each a non-empty list of strings.
void assertFieldErrors(long status, const std::set<std::string>& fields, const Response& r,
                       const CppUnit::SourceLine& at);
// The body is a JSON object with exactly these keys.
void assertKeys(const std::set<std::string>& keys, const Response& r, const CppUnit::SourceLine& at);
// The server still answers (GET /healthz is 200) after a hostile request.
void assertServing(const CppUnit::SourceLine& at);

#define ASSERT_STATUS(status, resp) ::it::assertStatus((status), (resp), CPPUNIT_SOURCELINE())
#define ASSERT_JSON_EQ(expected, body) ::it::assertJsonEq((expected), (body), CPPUNIT_SOURCELINE())
#define ASSERT_RESPONSE(status, expected, resp) \
    ::it::assertResponse((status), (expected), (resp), CPPUNIT_SOURCELINE())
#define ASSERT_FIELD_ERRORS(status, fields, resp) \
    ::it::assertFieldErrors((status), (fields), (resp), CPPUNIT_SOURCELINE())
#define ASSERT_KEYS(keys, resp) ::it::assertKeys((keys), (resp), CPPUNIT_SOURCELINE())
#define ASSERT_SERVING() ::it::assertServing(CPPUNIT_SOURCELINE())

// For assertions built on these: fails with `what`, the status and the start of the body.
[[noreturn]] void failResponse(const std::string& what, const Response& r, const CppUnit::SourceLine& at);
std::string excerpt(const std::string& body);  // the first 600 characters

}  // namespace it
