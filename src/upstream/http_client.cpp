#include "upstream/http_client.h"

#include <strings.h>
#include <time.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace llmapi::upstream {

namespace {

struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

using Clock = std::chrono::steady_clock;

// State shared with libcurl's callbacks for one transfer.
// How often the progress callback asks whether the client has gone (a poll()
// on the FastCGI socket). libcurl calls it on every pass of its loop, a dozen
// times in a 200 µs exchange; a few ms' delay before a disconnect cancels the
// upstream transfer costs nothing, a dozen syscalls per request do.
constexpr auto kCancelCheckEvery = std::chrono::milliseconds(5);

struct Transfer {
    const BodySink* sink;
    const CancelCheck* cancel;
    HttpResult* result;
    size_t max_bytes;
    Clock::duration idle_limit;
    Clock::time_point last_byte = Clock::now();  // or the start of the transfer
    Clock::time_point next_cancel_check = last_byte + kCancelCheckEvery;
    size_t received = 0;
    bool too_large = false;
    bool cancelled = false;
    bool idle_expired = false;
    long status = 0;
};

size_t on_header(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    const size_t len = size * n;
    t->last_byte = Clock::now();
    std::string line(data, len);
    if (line.rfind("HTTP/", 0) == 0) {
        // A new response starts (after a 100 Continue or a redirect): reset.
        t->result->retry_after.clear();
        const size_t sp = line.find(' ');
        t->status = sp == std::string::npos ? 0 : std::strtol(line.c_str() + sp + 1, nullptr, 10);
    } else if (len > 12 && strncasecmp(data, "Retry-After:", 12) == 0) {
        std::string v = line.substr(12);
        const size_t b = v.find_first_not_of(" \t"), e = v.find_last_not_of(" \t\r\n");
        t->result->retry_after = b == std::string::npos ? "" : v.substr(b, e - b + 1);
    }
    return len;
}

size_t on_body(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    const size_t len = size * n;
    t->last_byte = Clock::now();
    t->received += len;
    if (t->received > t->max_bytes) {
        t->too_large = true;
        return 0;
    }
    if (*t->sink && t->status >= 200 && t->status < 300) {
        if (!(*t->sink)(data, len)) {
            t->cancelled = true;
            return 0;  // libcurl stops the transfer and closes the connection
        }
        return len;
    }
    t->result->body.append(data, len);
    return len;
}

// Called about once a second, and more often while bytes flow. The idle
// timeout is ours: libcurl's low-speed limit averages over a window and
// counts the upload, so it fires seconds late.
int on_progress(void* userp, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(userp);
    const Clock::time_point now = Clock::now();
    if (now - t->last_byte > t->idle_limit) {
        t->idle_expired = true;
        return 1;
    }
    if (now < t->next_cancel_check) return 0;
    t->next_cancel_check = now + kCancelCheckEvery;
    if (*t->cancel && (*t->cancel)()) {
        t->cancelled = true;
        return 1;
    }
    return 0;
}

Outcome classify(CURLcode rc, const Transfer& t, CURL* c) {
    if (t.cancelled) return Outcome::Cancelled;
    if (t.idle_expired) return Outcome::Timeout;
    if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) return Outcome::TooLarge;
    switch (rc) {
        case CURLE_OK: return Outcome::Ok;
        case CURLE_OPERATION_TIMEDOUT: {
            // A timeout before the request could be sent is a connect error
            // (retryable). CONNECT_TIME won't tell: it is 0 on a reused connection.
            curl_off_t pretransfer = 0;
            curl_easy_getinfo(c, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
            return pretransfer > 0 ? Outcome::Timeout : Outcome::ConnectError;
        }
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SSL_CONNECT_ERROR: return Outcome::ConnectError;
        default: return Outcome::Reset;  // recv/send errors, partial file, got nothing
    }
}

}  // namespace

HttpClient::HttpClient(HandlePool* pool) : pool_(pool) {
    if (pool_) return;
    curl_.reset(curl_easy_init());
    if (!curl_) throw std::runtime_error("curl_easy_init failed");
}

namespace {

// A handle borrowed from the pool for one call, given back at the end.
struct Borrowed {
    HandlePool* pool;
    CURL* handle;
    ~Borrowed() {
        if (pool) pool->give(handle);
    }
};

}  // namespace

HttpResult HttpClient::perform(const HttpRequest& req, const BodySink& sink, const CancelCheck& cancel) {
    const Borrowed borrowed{pool_, pool_ ? pool_->take() : curl_.get()};
    CURL* c = borrowed.handle;
    // Reset options between requests but keep the connection cache.
    curl_easy_reset(c);
    HttpResult result;
    Transfer t{&sink, &cancel, &result, req.limits.max_response_bytes, std::chrono::seconds(req.limits.idle_timeout_s)};

    std::unique_ptr<curl_slist, SlistDeleter> headers;
    for (const auto& h : req.headers) {
        curl_slist* l = curl_slist_append(headers.get(), h.c_str());
        if (!l) throw std::runtime_error("curl_slist_append failed");
        headers.release();
        headers.reset(l);
    }
    // No "Expect: 100-continue" round trip for large bodies.
    headers.reset(curl_slist_append(headers.release(), "Expect:"));

    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, req.limits.connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, req.limits.timeout_s);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(req.limits.max_response_bytes));
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    if (req.method == "POST") {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    } else if (req.method != "GET") {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }

    const CURLcode rc = curl_easy_perform(c);
    result.outcome = classify(rc, t, c);
    result.status = t.status;
    return result;
}

long parse_retry_after(const std::string& value, long now) {
    if (value.empty()) return -1;
    char* end = nullptr;
    const long secs = std::strtol(value.c_str(), &end, 10);
    if (end && *end == '\0') return secs < 0 ? -1 : secs;
    struct tm tm {};
    if (strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) {
        const long when = static_cast<long>(timegm(&tm));
        return when > now ? when - now : 0;
    }
    return -1;
}

}  // namespace llmapi::upstream
