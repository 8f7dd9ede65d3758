// last_used_at of API keys without a database write per request: a request
// made with a key notes the time here (a map lookup under a mutex); a
// thread of the worker writes a key's time on its first use by this worker,
// then at most once a minute per key, so the column is accurate to a minute
// (API.md section 8). Times that could not be written are retried with the
// next batch; the writes are idempotent (the column never moves back).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "db/pool.h"

namespace llmapi::auth {

class KeyUse {
public:
    static constexpr int64_t kEveryUs = 60LL * 1000 * 1000;

    explicit KeyUse(db::Pool& pool, long flush_ms = 1000);
    ~KeyUse();
    KeyUse(const KeyUse&) = delete;
    KeyUse& operator=(const KeyUse&) = delete;

    // The key was used at `now_us` (unix µs).
    void touch(int64_t key_id, int64_t now_us);
    // Writes what is due now; returns how many keys were written (the thread
    // calls it; tests too).
    size_t flush();

private:
    struct Entry {
        int64_t written_us = 0;  // last time written for this key (0: never)
        int64_t pending_us = 0;  // a use to write (0: none)
    };
    void run();

    db::Pool& pool_;
    const long flush_ms_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::unordered_map<int64_t, Entry> keys_;
    std::thread writer_;
};

}  // namespace llmapi::auth
