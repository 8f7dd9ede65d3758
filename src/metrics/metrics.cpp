#include "metrics/metrics.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <cstring>
#include <functional>
#include <new>
#include <stdexcept>

namespace llmapi::metrics {

namespace {

constexpr char kSep = '\x1f';

// A slot's state: kFree, kReady, or the pid of the process writing its key.
constexpr uint32_t kFree = 0;
constexpr uint32_t kReady = UINT32_MAX;

// A process killed while writing a key leaves its pid in the state: the
// next one to find it dead frees the slot (instead of waiting forever).
bool claimer_dead(uint32_t pid) { return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

template <class Slot, size_t N>
Slot* find_or_claim(Slot (&table)[N], const std::string& key_in) {
    std::string key = key_in.substr(0, sizeof(Slot::key) - 1);
    const size_t start = std::hash<std::string>{}(key) % N;
    for (size_t probe = 0; probe < N; ++probe) {
        Slot& s = table[(start + probe) % N];
        for (long spins = 0;; ++spins) {
            uint32_t st = s.state.load(std::memory_order_acquire);
            if (st == kReady) {
                if (std::strcmp(s.key, key.c_str()) == 0) return &s;
                break;  // another key: probe on
            }
            if (st == kFree) {
                // Only here, once per label set: getpid() is a system call.
                if (s.state.compare_exchange_strong(st, static_cast<uint32_t>(getpid()), std::memory_order_acq_rel)) {
                    std::memcpy(s.key, key.c_str(), key.size() + 1);
                    s.state.store(kReady, std::memory_order_release);
                    return &s;
                }
                continue;  // lost the race: look again
            }
            // Another process is writing the key: a few instructions, unless it died.
            if (spins % 4096 == 4095 && claimer_dead(st)) s.state.compare_exchange_strong(st, kFree);
        }
    }
    return nullptr;
}

std::string escape(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

// "a\x1fb" with names {"x","y"} → x="a",y="b"
std::string labels(const char* key, std::initializer_list<const char*> names) {
    std::string out, k = key;
    size_t pos = 0;
    for (const char* n : names) {
        size_t end = k.find(kSep, pos);
        if (end == std::string::npos) end = k.size();
        out += (out.empty() ? "" : ",") + std::string(n) + "=\"" + escape(k.substr(pos, end - pos)) + "\"";
        pos = end + 1;
    }
    return out;
}

}  // namespace

Shared* create_shared() {
    void* p = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap for metrics failed");
    return new (p) Shared{};  // anonymous pages are zero: every slot free
}

void Metrics::request(const std::string& route, int status, const std::string& provider) {
    if (!s_) return;
    Counter* c = find_or_claim(s_->requests, route + kSep + std::to_string(status) + kSep + provider);
    if (!c) c = find_or_claim(s_->requests, std::string("other") + kSep + std::to_string(status) + kSep);
    if (c) c->value.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::upstream(const std::string& provider, double seconds) {
    if (!s_) return;
    Histogram* h = find_or_claim(s_->upstream, provider);
    if (!h) h = find_or_claim(s_->upstream, "other");
    if (!h) return;
    for (int i = 0; i < kHistogramBuckets; ++i)
        if (seconds <= kBucketBounds[i]) h->buckets[i].fetch_add(1, std::memory_order_relaxed);
    h->count.fetch_add(1, std::memory_order_relaxed);
    h->sum_us.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Metrics::tokens(const std::string& provider, long prompt, long completion) {
    if (!s_) return;
    for (auto [kind, n] : {std::pair<const char*, long>{"prompt", prompt}, {"completion", completion}}) {
        if (n <= 0) continue;
        Counter* c = find_or_claim(s_->tokens, provider + kSep + kind);
        if (c) c->value.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
    }
}

void Metrics::stream_started() {
    if (s_) s_->active_streams[slot_].fetch_add(1, std::memory_order_relaxed);
}
void Metrics::stream_ended() {
    if (s_) s_->active_streams[slot_].fetch_sub(1, std::memory_order_relaxed);
}
void Metrics::clear_worker_slot(int slot) {
    if (s_ && slot >= 0 && slot < kWorkerSlots) s_->active_streams[slot].store(0, std::memory_order_relaxed);
}
void Metrics::worker_restarted() {
    if (s_) s_->worker_restarts.fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::render() const {
    std::string out;
    if (!s_) return out;
    char num[64];
    out +=
        "# HELP llm_api_requests_total HTTP requests by route, status and provider.\n"
        "# TYPE llm_api_requests_total counter\n";
    for (const Counter& c : s_->requests) {
        if (c.state.load(std::memory_order_acquire) != kReady) continue;
        out += "llm_api_requests_total{" + labels(c.key, {"route", "status", "provider"}) + "} " +
               std::to_string(c.value.load()) + "\n";
    }
    out +=
        "# HELP llm_api_upstream_seconds Time of each call to a provider (one attempt).\n"
        "# TYPE llm_api_upstream_seconds histogram\n";
    for (const Histogram& h : s_->upstream) {
        if (h.state.load(std::memory_order_acquire) != kReady) continue;
        const std::string p = "provider=\"" + escape(h.key) + "\"";
        for (int i = 0; i < kHistogramBuckets; ++i) {
            std::snprintf(num, sizeof num, "%g", kBucketBounds[i]);
            out += "llm_api_upstream_seconds_bucket{" + p + ",le=\"" + num + "\"} " +
                   std::to_string(h.buckets[i].load()) + "\n";
        }
        out += "llm_api_upstream_seconds_bucket{" + p + ",le=\"+Inf\"} " + std::to_string(h.count.load()) + "\n";
        std::snprintf(num, sizeof num, "%.6f", static_cast<double>(h.sum_us.load()) / 1e6);
        out += "llm_api_upstream_seconds_sum{" + p + "} " + num + "\n";
        out += "llm_api_upstream_seconds_count{" + p + "} " + std::to_string(h.count.load()) + "\n";
    }
    out +=
        "# HELP llm_api_tokens_total Tokens by provider and kind (prompt, completion).\n"
        "# TYPE llm_api_tokens_total counter\n";
    for (const Counter& c : s_->tokens) {
        if (c.state.load(std::memory_order_acquire) != kReady) continue;
        out += "llm_api_tokens_total{" + labels(c.key, {"provider", "kind"}) + "} " + std::to_string(c.value.load()) +
               "\n";
    }
    out += "# HELP llm_api_active_streams Streamed responses in progress.\n# TYPE llm_api_active_streams gauge\n";
    int64_t streams = 0;
    for (const auto& g : s_->active_streams) streams += g.load(std::memory_order_relaxed);
    out += "llm_api_active_streams " + std::to_string(streams) + "\n";
    out +=
        "# HELP llm_api_worker_restarts_total Worker processes replaced after dying.\n"
        "# TYPE llm_api_worker_restarts_total counter\n";
    out += "llm_api_worker_restarts_total " + std::to_string(s_->worker_restarts.load()) + "\n";
    return out;
}

}  // namespace llmapi::metrics
