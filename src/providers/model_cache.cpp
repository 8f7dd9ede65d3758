#include "providers/model_cache.h"

namespace llmapi::providers {

std::vector<std::string> ModelCache::get(Provider& p, upstream::HttpClient& http, UpstreamError& err) {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = entries_.find(p.name());
        if (it != entries_.end() && it->second.expires > now) return it->second.models;
    }
    std::vector<std::string> models = p.list_models(http, err);
    if (!err && ttl_.count() > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        entries_[p.name()] = Entry{now + ttl_, models};
    }
    return models;
}

}  // namespace llmapi::providers
