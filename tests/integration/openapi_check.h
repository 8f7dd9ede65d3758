// Every response the suite receives from the service is checked against
// docs/openapi.yaml (as the build's static/docs/openapi.json), so the
// document cannot drift from the service (API.md section 12): the status
// must be one the operation documents, the media type one of that
// response's, its required headers present, a JSON body valid against the
// schema and every event of a stream valid against the `x-sse-data` schema.
// Requests to paths or methods the document does not describe are counted,
// not checked (the suite also probes nonsense paths on purpose).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "http_client.h"

namespace it::openapi {

// Thrown by check(): a failed test, with what differs.
struct Violation : std::logic_error {
    using std::logic_error::logic_error;
};

// Checks one exchange; `events` are a stream's data payloads (nullptr: the
// body is parsed as an event stream when its type says it is one). A URL of
// the fake providers (LLMAPI_TEST_FAKE_URL) is not the service's: ignored.
void check(const std::string& method, const std::string& url, long status, const Headers& headers,
           const std::string& body, const std::vector<std::string>* events = nullptr);

// What the run exercised, for the summary at the end of the suite.
struct Coverage {
    size_t checked = 0;                       // responses checked against the document
    std::vector<std::string> undocumented;    // "METHOD /path" seen but not in the document
    std::vector<std::string> neverAnswered;   // "METHOD /path" documented, never answered
};
Coverage coverage();

}  // namespace it::openapi
