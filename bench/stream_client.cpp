// Opens N concurrent SSE streams (POST, "stream":true) in one process with
// libcurl multi and reports how many started and how many ended with
// `data: [DONE]`. Built by bench/run.sh:
//   g++ -O2 -std=c++17 bench/stream_client.cpp $(pkg-config --cflags --libs libcurl) -o var/.../stream-client
//   stream-client URL N BODY [HEADER ...]
// Prints one line:
//   STREAMS n=N started=S done=D failed=F wall_s=W first_byte_p50_ms=.. first_byte_max_ms=.. dur_p50_ms=.. dur_max_ms=.. errors="..."
// started = the response's first body byte arrived with HTTP 200;
// done = the transfer ended cleanly (CURLE_OK, 200) and the body's last
// event is `data: [DONE]`.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Stream {
    CURL* easy = nullptr;
    std::string tail;          // the last bytes of the body
    size_t bytes = 0;
    bool started = false;
    Clock::time_point first_byte{};
    Clock::time_point end{};
    char errbuf[CURL_ERROR_SIZE] = {0};
};

Clock::time_point g_t0;

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
    auto* s = static_cast<Stream*>(user);
    const size_t n = size * nmemb;
    if (!s->started) {
        long code = 0;
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
        if (code == 200) {
            s->started = true;
            s->first_byte = Clock::now();
        }
    }
    s->bytes += n;
    s->tail.append(data, n);
    if (s->tail.size() > 256) s->tail.erase(0, s->tail.size() - 64);
    return n;
}

bool ends_with_done(std::string t) {
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    static const std::string done = "data: [DONE]";
    return t.size() >= done.size() && t.compare(t.size() - done.size(), done.size(), done) == 0;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s URL N BODY [HEADER ...]\n", argv[0]);
        return 2;
    }
    const char* url = argv[1];
    const int n = std::atoi(argv[2]);
    const std::string body = argv[3];
    if (n <= 0) return 2;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: text/event-stream");
    for (int i = 4; i < argc; ++i) headers = curl_slist_append(headers, argv[i]);

    CURLM* multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(n));

    std::vector<Stream> streams(static_cast<size_t>(n));
    g_t0 = Clock::now();
    for (auto& s : streams) {
        s.easy = curl_easy_init();
        curl_easy_setopt(s.easy, CURLOPT_URL, url);
        curl_easy_setopt(s.easy, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(s.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(s.easy, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(s.easy, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(s.easy, CURLOPT_WRITEDATA, &s);
        curl_easy_setopt(s.easy, CURLOPT_PRIVATE, &s);
        curl_easy_setopt(s.easy, CURLOPT_ERRORBUFFER, s.errbuf);
        curl_easy_setopt(s.easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(s.easy, CURLOPT_FORBID_REUSE, 1L);   // one connection per stream
        curl_easy_setopt(s.easy, CURLOPT_CONNECTTIMEOUT, 30L);
        curl_easy_setopt(s.easy, CURLOPT_TIMEOUT, 120L);
        curl_multi_add_handle(multi, s.easy);
    }

    int running = n, done = 0, failed = 0;
    std::map<std::string, int> errors;
    std::vector<double> first_byte, duration;
    while (running > 0) {
        CURLMcode mc = curl_multi_perform(multi, &running);
        if (mc != CURLM_OK) {
            std::fprintf(stderr, "curl_multi_perform: %s\n", curl_multi_strerror(mc));
            break;
        }
        int left = 0;
        while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
            if (m->msg != CURLMSG_DONE) continue;
            Stream* s = nullptr;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&s));
            s->end = Clock::now();
            long code = 0;
            curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
            if (m->data.result == CURLE_OK && code == 200 && ends_with_done(s->tail)) {
                ++done;
                duration.push_back(ms(s->end - g_t0));
            } else {
                ++failed;
                std::string why = m->data.result != CURLE_OK ? std::string(curl_easy_strerror(m->data.result))
                                  : code != 200             ? "HTTP " + std::to_string(code)
                                                            : "no [DONE]";
                ++errors[why];
            }
            if (s->started) first_byte.push_back(ms(s->first_byte - g_t0));
        }
        if (running > 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    const double wall = ms(Clock::now() - g_t0) / 1000.0;
    int started = 0;
    for (auto& s : streams) started += s.started ? 1 : 0;

    std::string errs;
    for (auto& [k, v] : errors) errs += (errs.empty() ? "" : "; ") + k + " x" + std::to_string(v);
    std::printf("STREAMS n=%d started=%d done=%d failed=%d wall_s=%.2f first_byte_p50_ms=%.0f first_byte_max_ms=%.0f "
                "dur_p50_ms=%.0f dur_max_ms=%.0f errors=\"%s\"\n",
                n, started, done, failed, wall, pct(first_byte, 0.5), pct(first_byte, 1.0), pct(duration, 0.5),
                pct(duration, 1.0), errs.c_str());
    for (auto& s : streams) {
        curl_multi_remove_handle(multi, s.easy);
        curl_easy_cleanup(s.easy);
    }
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
    curl_global_cleanup();
    return done == n ? 0 : 1;
}
