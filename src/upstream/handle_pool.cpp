#include "upstream/handle_pool.h"

#include <stdexcept>

namespace llmapi::upstream {

HandlePool::HandlePool() : share_(curl_share_init()) {
    if (!share_) throw std::runtime_error("curl_share_init failed");
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &HandlePool::lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &HandlePool::unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

HandlePool::~HandlePool() {
    for (CURL* c : idle_) curl_easy_cleanup(c);
    curl_share_cleanup(share_);
}

CURL* HandlePool::make() const {
    CURL* c = curl_easy_init();
    if (!c) throw std::runtime_error("curl_easy_init failed");
    // curl_easy_reset keeps the share and the connections (its manual).
    curl_easy_setopt(c, CURLOPT_SHARE, share_);
    return c;
}

CURL* HandlePool::take() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (!idle_.empty()) {
            CURL* c = idle_.back();
            idle_.pop_back();
            return c;
        }
    }
    return make();
}

void HandlePool::give(CURL* handle) {
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (idle_.size() < kMaxIdle) {
            idle_.push_back(handle);
            return;
        }
    }
    curl_easy_cleanup(handle);  // past a storm: its connections close with it
}

void HandlePool::lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<HandlePool*>(self)->locks_[data].lock();
}

void HandlePool::unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<HandlePool*>(self)->locks_[data].unlock();
}

}  // namespace llmapi::upstream
