#include "upstream/media_fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>

#include "upstream/address_guard.h"

namespace llmapi::upstream {

namespace {

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurluDeleter {
    void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct CurlString {
    char* p = nullptr;
    ~CurlString() { curl_free(p); }
};

struct Sink {
    std::string body;
    long max = 0;
    bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* s = static_cast<Sink*>(user);
    if (static_cast<long>(s->body.size() + size * n) > s->max) {
        s->too_large = true;
        return 0;  // aborts the transfer
    }
    s->body.append(data, size * n);
    return size * n;
}

// Scheme, host and port of `url`, or an error.
struct Target {
    std::string host, port, error;
};
Target parse(const std::string& url) {
    Target t;
    std::unique_ptr<CURLU, CurluDeleter> u(curl_url());
    if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        t.error = "the URL does not parse";
        return t;
    }
    CurlString scheme, host, port;
    curl_url_get(u.get(), CURLUPART_SCHEME, &scheme.p, 0);
    if (!scheme.p || (std::string(scheme.p) != "http" && std::string(scheme.p) != "https")) {
        t.error = "only http and https URLs are fetched";
        return t;
    }
    if (curl_url_get(u.get(), CURLUPART_HOST, &host.p, 0) != CURLUE_OK || !host.p) {
        t.error = "the URL has no host";
        return t;
    }
    curl_url_get(u.get(), CURLUPART_PORT, &port.p, CURLU_DEFAULT_PORT);
    t.host = host.p;
    t.port = port.p ? port.p : "";
    return t;
}

}  // namespace

Media fetch_media(const std::string& first_url, const MediaLimits& limits) {
    Media m;
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::seconds(limits.timeout_s);
    std::string url = first_url;
    for (int hop = 0;; ++hop) {
        const Target t = parse(url);
        if (!t.error.empty()) {
            m.error = t.error;
            return m;
        }
        const Resolved r = resolve_public(t.host, limits.allow_private);
        if (!r.error.empty()) {
            m.error = r.error;
            return m;
        }
        // Connect to the addresses just checked, not to a second DNS answer.
        std::string pinned = t.host + ":" + t.port + ":";
        for (size_t i = 0; i < r.addresses.size(); ++i) {
            const std::string& a = r.addresses[i];
            pinned += (i ? "," : "") + (a.find(':') != std::string::npos ? "[" + a + "]" : a);
        }
        std::unique_ptr<curl_slist, SlistDeleter> resolve(curl_slist_append(nullptr, pinned.c_str()));
        const long left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left_ms <= 0) {
            m.error = "the download took longer than " + std::to_string(limits.timeout_s) + " s";
            return m;
        }
        std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
        Sink sink;
        sink.max = limits.max_bytes;
        curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
        curl_easy_setopt(c.get(), CURLOPT_RESOLVE, resolve.get());
        curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 0L);  // each hop is checked here
        curl_easy_setopt(c.get(), CURLOPT_PROXY, "");            // no proxy from the environment
        curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, left_ms);
        curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT_MS, std::min(left_ms, 5000L));
        curl_easy_setopt(c.get(), CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_bytes));
        curl_easy_setopt(c.get(), CURLOPT_USERAGENT, "llm-service-api (image fetch for a chat request)");
        curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &sink);
        const CURLcode rc = curl_easy_perform(c.get());
        if (rc == CURLE_FILESIZE_EXCEEDED || sink.too_large) {
            m.error = "the image is larger than " + std::to_string(limits.max_bytes) + " bytes";
            return m;
        }
        if (rc == CURLE_OPERATION_TIMEDOUT) {
            m.error = "the download took longer than " + std::to_string(limits.timeout_s) + " s";
            return m;
        }
        if (rc != CURLE_OK) {
            m.error = std::string("the download failed (") + curl_easy_strerror(rc) + ")";
            return m;
        }
        long status = 0;
        curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
        if (status >= 300 && status < 400) {
            char* next = nullptr;
            curl_easy_getinfo(c.get(), CURLINFO_REDIRECT_URL, &next);
            if (!next) {
                m.error = "a redirect without a Location";
                return m;
            }
            if (hop >= limits.max_redirects) {
                m.error = "more than " + std::to_string(limits.max_redirects) + " redirects";
                return m;
            }
            url = next;
            continue;
        }
        if (status != 200) {
            m.error = "the server answered HTTP " + std::to_string(status);
            return m;
        }
        char* type = nullptr;
        curl_easy_getinfo(c.get(), CURLINFO_CONTENT_TYPE, &type);
        std::string mime = type ? type : "";
        mime = mime.substr(0, mime.find(';'));
        while (!mime.empty() && mime.back() == ' ') mime.pop_back();
        for (auto& ch : mime) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (mime.rfind("image/", 0) != 0) {
            m.error = "it is not an image (Content-Type '" + mime + "')";
            return m;
        }
        m.ok = true;
        m.mime_type = mime;
        m.body = std::move(sink.body);
        return m;
    }
}

}  // namespace llmapi::upstream
