// Model lists fetched from providers, kept for models_cache_s. Each worker
// process has its own; a miss costs one upstream call, and only one: the
// threads that miss while a fetch for the same provider is under way wait
// for its answer (single flight) instead of all calling the provider.
#pragma once
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "providers/provider.h"

namespace llmapi::providers {

class ModelCache {
public:
    explicit ModelCache(int ttl_s) : ttl_(ttl_s) {}
    // The cached list, or fetches it (outside the lock) with `http`; a
    // failure is shared with the threads that waited for it, and not cached.
    // Lists are per provider and task (chat, embeddings).
    std::vector<std::string> get(Provider& p, upstream::HttpClient& http, UpstreamError& err,
                                 ModelTask task = ModelTask::Chat);

private:
    using Answer = std::pair<std::vector<std::string>, UpstreamError>;
    struct Entry {
        std::chrono::steady_clock::time_point expires;
        std::vector<std::string> models;
    };
    const std::chrono::seconds ttl_;
    std::mutex mu_;
    std::map<std::string, Entry> entries_;
    std::map<std::string, std::shared_future<Answer>> in_flight_;  // by provider name and task
};

}  // namespace llmapi::providers
