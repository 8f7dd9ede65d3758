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
    std::unique_lock<std::mutex> lock(mu_);
    if (!checked_) cv_.wait_for(lock, max_age_, [this] { return checked_; });
    return checked_ && ok_ && Clock::now() - ok_at_ <= max_age_;
}

void HealthWatch::run() {
    probe_.begin();
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
        lock.unlock();
        const bool ok = probe_.ping();  // Pool::ping: bounded by the connect/read timeouts
        const Clock::time_point ended = Clock::now();
        lock.lock();
        checked_ = true;
        ok_ = ok;
        if (ok) ok_at_ = ended;
        cv_.notify_all();
        cv_.wait_for(lock, interval_, [this] { return stop_; });
    }
    lock.unlock();
    probe_.end();
}

}  // namespace llmapi::db
