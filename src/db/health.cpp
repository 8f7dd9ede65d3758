#include "db/health.h"

#include <utility>

namespace llmapi::db {

HealthWatch::Probe HealthWatch::of(Pool& pool) {
    return Probe{[&pool] { pool.thread_init(); }, [&pool] { return pool.ping(); }, [&pool] { pool.thread_end(); }};
}

HealthWatch::HealthWatch(Probe probe, std::chrono::milliseconds interval, std::chrono::milliseconds max_age)
    : probe_(std::move(probe)), interval_(interval), max_age_(max_age) {
    thread_ = std::thread([this] { run(); });
}

HealthWatch::~HealthWatch() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

bool HealthWatch::healthy() {
    if (!checked_.load(std::memory_order_acquire)) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, max_age_, [this] { return checked_.load(); });
    }
    const int64_t ok_at = ok_at_ns_.load(std::memory_order_acquire);
    return ok_at != 0 && Clock::now().time_since_epoch() - std::chrono::nanoseconds(ok_at) <= max_age_;
}

void HealthWatch::run() {
    probe_.begin();
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
        lock.unlock();
        const bool ok = probe_.ping();  // Pool::ping: bounded by the connect/read timeouts
        const Clock::time_point ended = Clock::now();
        ok_at_ns_.store(ok ? std::chrono::duration_cast<std::chrono::nanoseconds>(ended.time_since_epoch()).count() : 0,
                        std::memory_order_release);
        lock.lock();
        checked_.store(true, std::memory_order_release);
        cv_.notify_all();
        cv_.wait_for(lock, interval_, [this] { return stop_; });
    }
    lock.unlock();
    probe_.end();
}

}  // namespace llmapi::db
