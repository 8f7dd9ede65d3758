// Opens N concurrent SSE streams (POST, "stream":true) in one process with
// libcurl multi and reports how each ended. Built by bench/run.sh and
// bench/capacity.sh:
//   g++ -O2 -std=c++17 bench/stream_client.cpp $(pkg-config --cflags --libs libcurl) -o var/.../stream-client
//   stream-client URL N BODY [HEADER ...]
// Environment: STREAM_CLIENT_TIMEOUT_S (default 120): a stream with no
// response at all (no status line) this long after the start is given up
// and counted as hung; a response silent this long is given up too (other).
// Prints one line (errors="..." always last):
//   STREAMS n=N started=S done=D failed=F wall_s=W first_byte_p50_ms=.. first_byte_max_ms=..
//           dur_p50_ms=.. dur_max_ms=.. first_byte_p99_ms=.. completed=D refused=R
//           refused_status=503:12,429:3 refused_p50_ms=.. refused_max_ms=.. hung=H other=O
//           timeout_s=T client_cpu_s=C errors="..."
// started = the response's first body byte arrived with HTTP 200 (its time:
// first_byte_*, from the start of the run); done = completed = the transfer
// ended cleanly (CURLE_OK, 200) and the body's last event is `data: [DONE]`;
// refused = a complete response with another status (its end: refused_*_ms,
// from the start); hung = no response before the timeout; other = anything
// else (connect errors, a cut or stalled stream, a 200 without [DONE]);
// failed = refused + hung + other = N - done; client_cpu_s = this process's
// user + system CPU time. errors names every failure.
//
// One curl multi driven by epoll (curl_multi_socket_action), so 10,000
// connections cost nothing per wake-up beyond the sockets that are ready.
#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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
    bool active = false;       // still in the multi
    bool responded = false;    // a status line arrived
    bool started = false;      // a body byte arrived with 200
    Clock::time_point first_byte{};
    Clock::time_point last_byte{};  // last header or body byte
    Clock::time_point end{};
    char errbuf[CURL_ERROR_SIZE] = {0};
};

Clock::time_point g_t0;

size_t on_header(char*, size_t size, size_t nmemb, void* user) {
    auto* s = static_cast<Stream*>(user);
    s->responded = true;
    s->last_byte = Clock::now();
    return size * nmemb;
}

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
    auto* s = static_cast<Stream*>(user);
    const size_t n = size * nmemb;
    s->last_byte = Clock::now();
    if (!s->started) {
        long code = 0;
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
        if (code == 200) {
            s->started = true;
            s->first_byte = s->last_byte;
        }
    }
    s->bytes += n;
    s->tail.append(data, n);
    if (s->tail.size() > 256) s->tail.erase(0, s->tail.size() - 64);
    return n;
}

// ---- the event loop: libcurl tells us which sockets to watch and when to
// call it back without any (its timer).
int g_epoll = -1;
bool g_timer_set = false;
Clock::time_point g_timer{};

int on_socket(CURL*, curl_socket_t fd, int what, void*, void*) {
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(g_epoll, EPOLL_CTL_DEL, fd, nullptr);
        return 0;
    }
    epoll_event ev{};
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    ev.data.fd = fd;
    if (epoll_ctl(g_epoll, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT)
        epoll_ctl(g_epoll, EPOLL_CTL_ADD, fd, &ev);
    return 0;
}

int on_timer(CURLM*, long timeout_ms, void*) {
    g_timer_set = timeout_ms >= 0;
    if (g_timer_set) g_timer = Clock::now() + std::chrono::milliseconds(timeout_ms);
    return 0;
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
    long timeout_s = 120;
    if (const char* t = std::getenv("STREAM_CLIENT_TIMEOUT_S"); t && *t) timeout_s = std::atol(t);
    if (timeout_s <= 0) {
        std::fprintf(stderr, "STREAM_CLIENT_TIMEOUT_S must be a positive number of seconds\n");
        return 2;
    }
    const auto timeout = std::chrono::seconds(timeout_s);

    g_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (g_epoll < 0) {
        std::perror("epoll_create1");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: text/event-stream");
    for (int i = 4; i < argc; ++i) headers = curl_slist_append(headers, argv[i]);

    CURLM* multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);  // no cap: every stream connects at once
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(n));
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);

    std::vector<Stream> streams(static_cast<size_t>(n));
    g_t0 = Clock::now();
    for (auto& s : streams) {
        s.easy = curl_easy_init();
        curl_easy_setopt(s.easy, CURLOPT_URL, url);
        curl_easy_setopt(s.easy, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(s.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(s.easy, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(s.easy, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(s.easy, CURLOPT_HEADERDATA, &s);
        curl_easy_setopt(s.easy, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(s.easy, CURLOPT_WRITEDATA, &s);
        curl_easy_setopt(s.easy, CURLOPT_PRIVATE, &s);
        curl_easy_setopt(s.easy, CURLOPT_ERRORBUFFER, s.errbuf);
        curl_easy_setopt(s.easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(s.easy, CURLOPT_FORBID_REUSE, 1L);   // one connection per stream
        // ... and no look for a reusable one: libcurl would scan every open
        // connection to the host for each new one (quadratic: seconds at 10,000).
        curl_easy_setopt(s.easy, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(s.easy, CURLOPT_CONNECTTIMEOUT, 30L);
        // Hung and stalled transfers are given up by the scan below; this is a
        // last resort for a stream that keeps trickling.
        curl_easy_setopt(s.easy, CURLOPT_TIMEOUT, static_cast<long>(10 * timeout_s));
        s.active = curl_multi_add_handle(multi, s.easy) == CURLM_OK;
    }

    int done = 0, hung = 0, other = 0, active = 0;
    std::map<std::string, int> errors;
    std::map<long, int> refused_by_status;
    std::vector<double> first_byte, duration, refused_ms;
    auto fail = [&](int& counter, const std::string& why) {
        ++counter;
        ++errors[why];
    };
    for (auto& s : streams) {
        if (s.active) ++active;
        else fail(other, "curl_multi_add_handle failed");
    }
    auto finish = [&](Stream* s, CURLcode result) {
        s->end = Clock::now();
        s->active = false;
        --active;
        long code = 0;
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
        if (result == CURLE_OK && code == 200 && ends_with_done(s->tail)) {
            ++done;
            duration.push_back(ms(s->end - g_t0));
        } else if (result == CURLE_OK && code != 200 && code != 0) {
            ++refused_by_status[code];
            refused_ms.push_back(ms(s->end - g_t0));
            ++errors["HTTP " + std::to_string(code)];
        } else {
            fail(other, result != CURLE_OK ? std::string(curl_easy_strerror(result))
                        : code != 200     ? "HTTP " + std::to_string(code)
                                          : "no [DONE]");
        }
        if (s->started) first_byte.push_back(ms(s->first_byte - g_t0));
        curl_multi_remove_handle(multi, s->easy);  // closes its socket now
    };
    auto drain_messages = [&] {
        int left = 0;
        while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
            if (m->msg != CURLMSG_DONE) continue;
            Stream* s = nullptr;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&s));
            if (s && s->active) finish(s, m->data.result);
        }
    };

    int running = 0;
    std::vector<epoll_event> events(4096);
    auto last_scan = Clock::now();
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
    drain_messages();
    while (active > 0) {
        int wait_ms = 100;
        if (g_timer_set) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(g_timer - Clock::now()).count();
            wait_ms = static_cast<int>(std::clamp<long long>(left, 0, 100));
        }
        const int k = epoll_wait(g_epoll, events.data(), static_cast<int>(events.size()), wait_ms);
        if (k < 0 && errno != EINTR) {
            std::perror("epoll_wait");
            break;
        }
        for (int i = 0; i < k; ++i) {
            int flags = 0;
            if (events[static_cast<size_t>(i)].events & EPOLLIN) flags |= CURL_CSELECT_IN;
            if (events[static_cast<size_t>(i)].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
            if (events[static_cast<size_t>(i)].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
            curl_multi_socket_action(multi, events[static_cast<size_t>(i)].data.fd, flags, &running);
        }
        if (g_timer_set && Clock::now() >= g_timer) {
            g_timer_set = false;
            curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        drain_messages();
        // Every 200 ms: give up what has waited too long (a response that
        // never came: hung; one that went silent: other).
        const auto now = Clock::now();
        if (now - last_scan >= std::chrono::milliseconds(200)) {
            last_scan = now;
            for (auto& s : streams) {
                if (!s.active) continue;
                const bool no_answer = !s.responded && now - g_t0 >= timeout;
                const bool stalled = s.responded && now - s.last_byte >= timeout;
                if (!no_answer && !stalled) continue;
                curl_multi_remove_handle(multi, s.easy);
                s.end = now;
                s.active = false;
                --active;
                if (no_answer) fail(hung, "no response in " + std::to_string(timeout_s) + " s");
                else fail(other, "silent for " + std::to_string(timeout_s) + " s");
                if (s.started) first_byte.push_back(ms(s.first_byte - g_t0));
            }
        }
    }
    for (auto& s : streams)
        if (s.active) fail(other, "left when the client's loop broke off");
    const double wall = ms(Clock::now() - g_t0) / 1000.0;
    int started = 0, refused = 0;
    for (auto& s : streams) started += s.started ? 1 : 0;
    std::string statuses;
    for (auto& [code, count] : refused_by_status) {
        refused += count;
        statuses += (statuses.empty() ? "" : ",") + std::to_string(code) + ":" + std::to_string(count);
    }
    const int failed = n - done;

    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;

    std::string errs;
    for (auto& [k, v] : errors) errs += (errs.empty() ? "" : "; ") + k + " x" + std::to_string(v);
    std::printf("STREAMS n=%d started=%d done=%d failed=%d wall_s=%.2f first_byte_p50_ms=%.0f first_byte_max_ms=%.0f "
                "dur_p50_ms=%.0f dur_max_ms=%.0f first_byte_p99_ms=%.0f completed=%d refused=%d refused_status=%s "
                "refused_p50_ms=%.0f refused_max_ms=%.0f hung=%d other=%d timeout_s=%ld client_cpu_s=%.1f errors=\"%s\"\n",
                n, started, done, failed, wall, pct(first_byte, 0.5), pct(first_byte, 1.0), pct(duration, 0.5),
                pct(duration, 1.0), pct(first_byte, 0.99), done, refused, statuses.empty() ? "-" : statuses.c_str(),
                pct(refused_ms, 0.5), pct(refused_ms, 1.0), hung, other, timeout_s, cpu_s, errs.c_str());
    for (auto& s : streams) {
        if (s.active) curl_multi_remove_handle(multi, s.easy);  // only if the loop broke off
        curl_easy_cleanup(s.easy);
    }
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
    curl_global_cleanup();
    close(g_epoll);
    return done == n ? 0 : 1;
}
