#include "auth/key_use.h"

#include <utility>
#include <vector>

#include "common/log.h"
#include "db/api_keys.h"

namespace llmapi::auth {

KeyUse::KeyUse(db::Pool& pool, long flush_ms) : pool_(pool), flush_ms_(flush_ms), writer_([this] { run(); }) {}

KeyUse::~KeyUse() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    writer_.join();
    flush();  // the last uses, if the database answers
}

void KeyUse::touch(int64_t key_id, int64_t now_us) {
    std::lock_guard<std::mutex> lock(mu_);
    Entry& e = keys_[key_id];
    if (e.pending_us == 0 && now_us - e.written_us >= kEveryUs) e.pending_us = now_us;
}

size_t KeyUse::flush() {
    std::vector<std::pair<int64_t, int64_t>> due;
    {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto& [id, e] : keys_)
            if (e.pending_us) due.emplace_back(id, e.pending_us);
    }
    if (due.empty()) return 0;
    try {
        db::touch_api_keys(pool_, due);
    } catch (const std::exception& ex) {
        log_warn("API keys' last use not written (%zu keys, retried): %s", due.size(), ex.what());
        return 0;
    }
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, t] : due) {
        Entry& e = keys_[id];
        e.written_us = t;
        if (e.pending_us == t) e.pending_us = 0;
    }
    return due.size();
}

void KeyUse::run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
        cv_.wait_for(lock, std::chrono::milliseconds(flush_ms_));
        lock.unlock();
        flush();
        lock.lock();
    }
}

}  // namespace llmapi::auth
