// Prometheus metrics summed over every worker process: the master maps one
// shared, anonymous memory region before forking, and workers count into it
// with lock-free atomics (std::atomic<uint64_t> is address-free on x86-64 and
// aarch64, so it works across processes). Label sets live in fixed tables of
// slots claimed with compare-and-swap; when a table is full, new label sets
// are counted under an "other" label instead of being lost.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

namespace llmapi::metrics {

constexpr int kHistogramBuckets = 12;
constexpr double kBucketBounds[kHistogramBuckets] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

struct Counter {
    std::atomic<uint32_t> state;  // 0 free, UINT32_MAX ready, else the pid claiming it
    char key[120];                // the label values, '\x1f'-separated
    std::atomic<uint64_t> value;
};

struct Histogram {
    std::atomic<uint32_t> state;  // as Counter::state
    char key[64];  // provider
    std::atomic<uint64_t> buckets[kHistogramBuckets];
    std::atomic<uint64_t> count;
    std::atomic<uint64_t> sum_us;
};

// One gauge slot per live worker: the master zeroes a dead worker's slot,
// so streams it held when it was killed don't stay counted.
constexpr int kWorkerSlots = 1024;

struct Shared {
    std::atomic<uint64_t> worker_restarts;
    std::atomic<int64_t> active_streams[kWorkerSlots];
    Counter requests[1024];  // route, status, provider
    Counter tokens[256];     // provider, kind
    Histogram upstream[64];  // provider
};

// The region, created once by the master (before any fork). Never freed:
// it lives as long as the process tree.
Shared* create_shared();

// What a worker records; a null Shared* (unit tests) records nothing.
class Metrics {
public:
    // `slot`: this worker's gauge slot (0 .. kWorkerSlots-1), given by the master.
    explicit Metrics(Shared* s, int slot = 0) : s_(s), slot_(slot) {}
    void request(const std::string& route, int status, const std::string& provider);
    void upstream(const std::string& provider, double seconds);
    void tokens(const std::string& provider, long prompt, long completion);
    void stream_started();
    void stream_ended();
    void worker_restarted();
    // The master, when a worker has exited: its streams are gone.
    void clear_worker_slot(int slot);
    // The Prometheus text exposition of everything counted so far.
    std::string render() const;

private:
    Shared* s_;
    int slot_;
};

}  // namespace llmapi::metrics
