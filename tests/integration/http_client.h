// A small libcurl wrapper for the HTTP integration tests.
// The base URL comes from the environment variable LLMAPI_TEST_URL.
#pragma once

#include <jansson.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace it {

struct JsonDeleter {
    void operator()(json_t* j) const { json_decref(j); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

struct CaseInsensitiveLess {
    bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct Response {
    long status = 0;
    long httpVersion = 0;  // CURL_HTTP_VERSION_1_1, _2_0, ... as negotiated
    Headers headers;     // of the final response (not of any "100 Continue")
    std::string body;

    bool hasHeader(const std::string& name) const { return headers.count(name) > 0; }
    // First value of the header, "" when absent; the lookup ignores case.
    std::string header(const std::string& name) const;
    // The parsed body, or null when it is not JSON.
    JsonPtr json() const;
};

// LLMAPI_TEST_URL without a trailing slash; throws when unset.
std::string baseUrl();

// Sends METHOD baseUrl()+path. `headers` are raw "Name: value" lines.
// A non-empty body (or POST/PUT/PATCH) is sent as the request body; libcurl's
// defaults are kept otherwise, so this behaves like the curl command line.
// Throws std::runtime_error on a transport error (refused, timeout, ...).
Response request(const std::string& method, const std::string& path,
                 const std::string& body = "",
                 const std::vector<std::string>& headers = {});

// The same, to an absolute URL (e.g. the fake providers' control API).
Response requestUrl(const std::string& method, const std::string& url,
                    const std::string& body = "",
                    const std::vector<std::string>& headers = {});

// POST with "Content-Type: application/json" plus `headers`.
Response postJson(const std::string& path, const std::string& body,
                  const std::vector<std::string>& headers = {});

// postJson, calling `onSent()` as soon as the whole (non-empty) body is sent:
// the server has the request from then on, and its answer is still to come.
Response postJsonNotifying(const std::string& path, const std::string& body, const std::function<void()>& onSent);

// GET with "Authorization: Bearer <token>".
Response getWithBearer(const std::string& path, const std::string& token);

// ---- server-sent events ------------------------------------------------------

struct SseEvent {
    std::string data;  // the event's data lines, joined with "\n"
    double at = 0;     // seconds from the start of the request to the event's arrival
};

struct StreamResponse {
    long status = 0;
    long httpVersion = 0;          // as negotiated (CURL_HTTP_VERSION_2_0 over TLS with ALPN)
    Headers headers;
    std::string body;              // every byte received
    std::vector<SseEvent> events;  // parsed as they arrived (\n, \r\n or \r line ends)
    double seconds = 0;            // from the start of the request to the end of the transfer
    bool hungUp = false;           // the client stopped reading (stopAfterEvents reached)
};

// Sends METHOD baseUrl()+path like request(), reading the body as an event
// stream. With stopAfterEvents > 0 the client hangs up (its write callback
// returns 0) as soon as that many events have arrived. Throws
// std::runtime_error on any other transport error.
StreamResponse streamRequest(const std::string& method, const std::string& path, const std::string& body,
                             const std::vector<std::string>& headers, size_t stopAfterEvents = 0,
                             long timeoutS = 60);

// The same, to an absolute URL (https:// ones trust LLMAPI_TEST_CA).
StreamResponse streamRequestUrl(const std::string& method, const std::string& url, const std::string& body,
                                const std::vector<std::string>& headers, size_t stopAfterEvents = 0,
                                long timeoutS = 60);

// jansson helpers.
JsonPtr parseJson(const std::string& text);           // null on error
std::string dumpJson(const json_t* j);                 // compact, sorted keys
std::string jsonString(const json_t* obj, const char* key);  // "" if absent/not a string
JsonPtr jsonObject(std::initializer_list<std::pair<const char*, std::string>> fields);

}  // namespace it
