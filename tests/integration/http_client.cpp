#include "http_client.h"

#include "openapi_check.h"

#include <curl/curl.h>
#include <strings.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace it {
namespace {

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

size_t onBody(char* data, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

std::string trim(const std::string& s) {
    const char* ws = " \t\r\n";
    size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

size_t onHeader(char* data, size_t size, size_t n, void* user) {
    auto* headers = static_cast<Headers*>(user);
    std::string line(data, size * n);
    if (line.compare(0, 5, "HTTP/") == 0) {
        headers->clear();  // a new status line: drop a previous "100 Continue" block
    } else if (size_t colon = line.find(':'); colon != std::string::npos) {
        headers->emplace(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    return size * n;
}

}  // namespace

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
    return strcasecmp(a.c_str(), b.c_str()) < 0;
}

std::string Response::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
}

JsonPtr Response::json() const { return parseJson(body); }

std::string baseUrl() {
    const char* url = std::getenv("LLMAPI_TEST_URL");
    if (!url || !*url) throw std::runtime_error("LLMAPI_TEST_URL is not set");
    std::string s(url);
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

namespace {

// "Name: value" lines as a libcurl header list.
SlistPtr headerList(const std::vector<std::string>& headers) {
    SlistPtr list;
    for (const auto& h : headers) {
        curl_slist* grown = curl_slist_append(list.get(), h.c_str());
        if (!grown) throw std::runtime_error("curl_slist_append failed");
        list.release();
        list.reset(grown);
    }
    return list;
}

}  // namespace

Response request(const std::string& method, const std::string& path,
                 const std::string& body, const std::vector<std::string>& headers) {
    return requestUrl(method, baseUrl() + path, body, headers);
}

namespace {

// Calls `onSent` once libcurl has sent the whole request body.
struct SentWatch {
    const std::function<void()>& onSent;
    bool done = false;
};

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t uploadTotal, curl_off_t uploaded) {
    auto* watch = static_cast<SentWatch*>(user);
    if (!watch->done && uploadTotal > 0 && uploaded >= uploadTotal) {
        watch->done = true;
        watch->onSent();
    }
    return 0;
}

// An https:// URL is checked against the test stack's private CA
// (LLMAPI_TEST_CA, from stack.sh env), as a client given --cacert would.
void trustTestCa(CURL* c, const std::string& url) {
    const char* ca = std::getenv("LLMAPI_TEST_CA");
    if (url.rfind("https://", 0) == 0 && ca && *ca) curl_easy_setopt(c, CURLOPT_CAINFO, ca);
}

Response perform(const std::string& method, const std::string& url, const std::string& body,
                 const std::vector<std::string>& headers, const std::function<void()>& onSent) {
    CurlPtr curl(curl_easy_init());
    if (!curl) throw std::runtime_error("curl_easy_init failed");
    CURL* c = curl.get();

    SlistPtr list = headerList(headers);

    Response resp;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    trustTestCa(c, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp.headers);

    bool sendsBody = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
    if (sendsBody) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    }
    if (method == "HEAD") {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (method != (sendsBody ? "POST" : "GET")) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    SentWatch watch{onSent};
    if (onSent) {
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, &watch);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }

    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        throw std::runtime_error(method + " " + url + ": " + curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
    curl_easy_getinfo(c, CURLINFO_HTTP_VERSION, &resp.httpVersion);
    openapi::check(method, url, resp.status, resp.headers, resp.body);
    return resp;
}

}  // namespace

Response requestUrl(const std::string& method, const std::string& url,
                    const std::string& body, const std::vector<std::string>& headers) {
    return perform(method, url, body, headers, {});
}

Response postJson(const std::string& path, const std::string& body,
                  const std::vector<std::string>& headers) {
    std::vector<std::string> all{"Content-Type: application/json"};
    all.insert(all.end(), headers.begin(), headers.end());
    return request("POST", path, body, all);
}

Response postJsonNotifying(const std::string& path, const std::string& body, const std::function<void()>& onSent) {
    return perform("POST", baseUrl() + path, body, {"Content-Type: application/json"}, onSent);
}

Response getWithBearer(const std::string& path, const std::string& token) {
    return request("GET", path, "", {"Authorization: Bearer " + token});
}

namespace {

// The state of one streamed transfer, shared with libcurl's write callback.
struct StreamState {
    StreamResponse* resp = nullptr;
    std::chrono::steady_clock::time_point start;
    size_t stopAfter = 0;
    std::string line;  // the line being received
    std::string data;  // the data of the event being received
    bool hasData = false;
    bool afterCr = false;

    void endLine() {
        if (line.empty()) {  // a blank line dispatches the event
            if (hasData) {
                double at = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                resp->events.push_back({data, at});
            }
            data.clear();
            hasData = false;
        } else if (line.compare(0, 5, "data:") == 0) {
            size_t from = line.size() > 5 && line[5] == ' ' ? 6 : 5;
            if (hasData) data += '\n';
            data += line.substr(from);
            hasData = true;
        }
        line.clear();
    }
};

size_t onStreamBody(char* data, size_t size, size_t n, void* user) {
    auto* st = static_cast<StreamState*>(user);
    const size_t len = size * n;
    st->resp->body.append(data, len);
    for (size_t i = 0; i < len; ++i) {
        char c = data[i];
        if (st->afterCr) {
            st->afterCr = false;
            if (c == '\n') continue;  // the LF of a CRLF
        }
        if (c == '\r' || c == '\n') {
            st->afterCr = c == '\r';
            st->endLine();
        } else {
            st->line += c;
        }
    }
    if (st->stopAfter > 0 && st->resp->events.size() >= st->stopAfter) {
        st->resp->hungUp = true;
        return 0;  // libcurl aborts the transfer and closes the connection
    }
    return len;
}

}  // namespace

StreamResponse streamRequest(const std::string& method, const std::string& path, const std::string& body,
                             const std::vector<std::string>& headers, size_t stopAfterEvents, long timeoutS) {
    return streamRequestUrl(method, baseUrl() + path, body, headers, stopAfterEvents, timeoutS);
}

StreamResponse streamRequestUrl(const std::string& method, const std::string& url, const std::string& body,
                                const std::vector<std::string>& headers, size_t stopAfterEvents, long timeoutS) {
    CurlPtr curl(curl_easy_init());
    if (!curl) throw std::runtime_error("curl_easy_init failed");
    CURL* c = curl.get();

    SlistPtr list = headerList(headers);

    StreamResponse resp;
    StreamState st;
    st.resp = &resp;
    st.start = std::chrono::steady_clock::now();
    st.stopAfter = stopAfterEvents;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    trustTestCa(c, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeoutS);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onStreamBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp.headers);
    if (!body.empty() || method == "POST") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    }
    if (method != (body.empty() && method != "POST" ? "GET" : "POST"))
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());

    CURLcode rc = curl_easy_perform(c);
    resp.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - st.start).count();
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && resp.hungUp))
        throw std::runtime_error(method + " " + url + ": " + curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
    curl_easy_getinfo(c, CURLINFO_HTTP_VERSION, &resp.httpVersion);
    std::vector<std::string> payloads;
    for (const auto& e : resp.events) payloads.push_back(e.data);
    openapi::check(method, url, resp.status, resp.headers, resp.body, &payloads);
    return resp;
}

JsonPtr parseJson(const std::string& text) {
    json_error_t err;
    return JsonPtr(json_loadb(text.data(), text.size(), JSON_DECODE_ANY, &err));
}

std::string dumpJson(const json_t* j) {
    if (!j) return "(not JSON)";
    char* s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    std::string out = s ? s : "";
    free(s);
    return out;
}

std::string jsonString(const json_t* obj, const char* key) {
    const char* s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

JsonPtr jsonObject(std::initializer_list<std::pair<const char*, std::string>> fields) {
    JsonPtr obj(json_object());
    for (const auto& [key, value] : fields)
        json_object_set_new(obj.get(), key, json_stringn(value.data(), value.size()));
    return obj;
}

}  // namespace it
