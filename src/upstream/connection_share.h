// One libcurl connection cache (and DNS and TLS session caches) for all the
// request threads of a worker process. Without it each thread keeps its own
// connections, and with thousands of threads taking requests in turn (the
// kernel hands accept() to the longest waiter) a thread comes back to a
// provider long after its connection went idle: a new TCP and TLS handshake
// per request, and thousands of idle connections held open upstream.
#pragma once
#include <curl/curl.h>

#include <mutex>

namespace llmapi::upstream {

class ConnectionShare {
public:
    ConnectionShare();
    ~ConnectionShare();
    ConnectionShare(const ConnectionShare&) = delete;
    ConnectionShare& operator=(const ConnectionShare&) = delete;

    CURLSH* get() const { return share_; }

private:
    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self);
    static void unlock(CURL*, curl_lock_data data, void* self);

    CURLSH* share_;
    std::mutex locks_[CURL_LOCK_DATA_LAST];
};

}  // namespace llmapi::upstream
