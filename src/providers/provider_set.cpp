#include "providers/provider_set.h"

namespace llmapi::providers {

ProviderSet::ProviderSet(const config::ProvidersConfig& cfg) : default_(cfg.default_provider) {
    for (const auto& p : cfg.providers) {
        Factory f = find_factory(p.kind);  // config validation has checked the kind
        if (!f) continue;
        by_name_[p.name] = f(p);
        names_.push_back(p.name);
    }
}

Provider* ProviderSet::find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second.get();
}

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
