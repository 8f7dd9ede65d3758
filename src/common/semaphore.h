// A counting semaphore (C++17 has none) to bound costly work per process.
#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace llmapi {

class Semaphore {
public:
    explicit Semaphore(int count) : count_(count) {}
    void acquire() {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return count_ > 0; });
        --count_;
    }
    // False, taking nothing, when no unit came free within `wait`.
    bool try_acquire_for(std::chrono::milliseconds wait) {
        std::unique_lock<std::mutex> lock(mu_);
        if (!cv_.wait_for(lock, wait, [this] { return count_ > 0; })) return false;
        --count_;
        return true;
    }
    void release() {
        std::lock_guard<std::mutex> lock(mu_);
        ++count_;
        cv_.notify_one();
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    int count_;
};

// Holds one unit of a Semaphore for a scope (a unit taken before, when adopted).
class SemaphoreGuard {
public:
    explicit SemaphoreGuard(Semaphore& s) : s_(s) { s_.acquire(); }
    struct Adopt {};
    SemaphoreGuard(Semaphore& s, Adopt) : s_(s) {}
    ~SemaphoreGuard() { s_.release(); }
    SemaphoreGuard(const SemaphoreGuard&) = delete;
    SemaphoreGuard& operator=(const SemaphoreGuard&) = delete;

private:
    Semaphore& s_;
};

}  // namespace llmapi
