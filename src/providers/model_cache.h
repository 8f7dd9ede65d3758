// Model lists fetched from providers, kept for models_cache_s. Each worker
// process has its own; a miss costs one upstream call.
#pragma once
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "providers/provider.h"

namespace llmapi::providers {

class ModelCache {
public:
    explicit ModelCache(int ttl_s) : ttl_(ttl_s) {}
    // The cached list, or fetches it (outside the lock) with `http`.
    std::vector<std::string> get(Provider& p, upstream::HttpClient& http, UpstreamError& err);

private:
    struct Entry {
        std::chrono::steady_clock::time_point expires;
        std::vector<std::string> models;
    };
    const std::chrono::seconds ttl_;
    std::mutex mu_;
    std::map<std::string, Entry> entries_;
};

}  // namespace llmapi::providers
