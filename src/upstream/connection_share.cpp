#include "upstream/connection_share.h"

#include <stdexcept>

namespace llmapi::upstream {

ConnectionShare::ConnectionShare() : share_(curl_share_init()) {
    if (!share_) throw std::runtime_error("curl_share_init failed");
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &ConnectionShare::lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &ConnectionShare::unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    for (curl_lock_data d : {CURL_LOCK_DATA_CONNECT, CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION})
        curl_share_setopt(share_, CURLSHOPT_SHARE, d);
}

ConnectionShare::~ConnectionShare() { curl_share_cleanup(share_); }

void ConnectionShare::lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<ConnectionShare*>(self)->locks_[data].lock();
}

void ConnectionShare::unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<ConnectionShare*>(self)->locks_[data].unlock();
}

}  // namespace llmapi::upstream
