// Whether the database answers, as a thread of the worker keeps asking it.
// /healthz answers from the latest ping instead of pinging on the probe's
// time: under a storm of chats the round trip to MariaDB (two more wake-ups
// on a saturated host) was up to 240 ms of a probe's time, and every load
// balancer's probe was one more query. The answer is at most `interval` old
// (plus the ping's own time); a ping that hangs makes the state stale, and
// stale is unhealthy, so a database that stops answering without closing
// its connections still turns /healthz into 503 after `max_age`.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "db/pool.h"

namespace llmapi::db {

class HealthWatch {
public:
    using Clock = std::chrono::steady_clock;

    // What the thread runs: `begin` once, `ping` every interval, `end` once.
    struct Probe {
        std::function<void()> begin;
        std::function<bool()> ping;
        std::function<void()> end;
    };
    // `pool`'s ping, on its own connection (Pool::ping), in a thread the
    // MySQL driver knows.
    static Probe of(Pool& pool);

    // Pings every `interval`; healthy while the latest ping succeeded and
    // ended at most `max_age` ago.
    HealthWatch(Probe probe, std::chrono::milliseconds interval, std::chrono::milliseconds max_age);
    ~HealthWatch();
    HealthWatch(const HealthWatch&) = delete;
    HealthWatch& operator=(const HealthWatch&) = delete;

    // Never waits on the database, nor (but before the first ping has
    // ended, a worker's first ~ms, at most max_age) on a lock: the lane's
    // real-time threads call it, and a lock held by a preempted thread
    // would hold them as long.
    bool healthy();

private:
    void run();

    const Probe probe_;
    const std::chrono::milliseconds interval_;
    const std::chrono::milliseconds max_age_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::atomic<bool> checked_{false};  // a ping has ended
    std::atomic<int64_t> ok_at_ns_{0};  // when the latest ping ended, if it succeeded; else 0

    std::thread thread_;
};

}  // namespace llmapi::db
