// The libcurl handles of a worker process, lent to its request threads one
// call at a time, most recently returned first. Each handle keeps its own
// connections (libcurl does not support one connection cache shared by
// concurrent threads; we tried, and workers crashed at 10,000 streams), so
// lending the warmest handle is what keeps connections to a provider reused:
// with thousands of threads taking requests in turn (the kernel hands
// accept() to the longest waiter), a handle per thread meant a cold
// connection per request and thousands of idle ones held upstream. DNS and
// TLS session caches are shared by all handles (safe under the locks).
#pragma once
#include <curl/curl.h>

#include <mutex>
#include <vector>

namespace llmapi::upstream {

class HandlePool {
public:
    // Idle handles kept (with their connections); more are closed on return.
    static constexpr size_t kMaxIdle = 256;

    HandlePool();
    ~HandlePool();
    HandlePool(const HandlePool&) = delete;
    HandlePool& operator=(const HandlePool&) = delete;

    // The most recently returned handle, or a new one; give it back after the call.
    CURL* take();
    void give(CURL* handle);

private:
    CURL* make() const;
    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self);
    static void unlock(CURL*, curl_lock_data data, void* self);

    CURLSH* share_;
    std::mutex locks_[CURL_LOCK_DATA_LAST];
    std::mutex mu_;
    std::vector<CURL*> idle_;  // a stack: back() is the warmest
};

}  // namespace llmapi::upstream
