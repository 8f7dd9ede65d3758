#include "providers/provider_set.h"

#include "common/log.h"

namespace llmapi::providers {

ProviderSet::ProviderSet(const config::ProvidersConfig& cfg) : default_(cfg.default_provider) {
    for (const auto& p : cfg.providers) {
        Factory f = find_factory(p.kind);  // config validation has checked the kind
        if (!f) continue;
        by_name_[p.name] = f(p);
        names_.push_back(p.name);
    }
    // "gemini/gemini-2.0-flash, inhouse/llama3" → (provider, model) pairs.
    for (const auto& [name, provider] : by_name_) {
        auto& out = fallbacks_[name];
        const std::string& list = provider->config().fallback;
        size_t pos = 0;
        while (pos < list.size()) {
            size_t comma = list.find(',', pos);
            if (comma == std::string::npos) comma = list.size();
            std::string item = list.substr(pos, comma - pos);
            pos = comma + 1;
            item.erase(0, item.find_first_not_of(" \t"));
            item.erase(item.find_last_not_of(" \t") + 1);
            const size_t slash = item.find('/');
            if (item.empty() || slash == std::string::npos) continue;
            Provider* fp = find(item.substr(0, slash));
            if (!fp || !fp->configured()) {
                log_warn("fallback '%s' of provider '%s' is unknown or not configured; skipped", item.c_str(),
                         name.c_str());
                continue;
            }
            out.emplace_back(fp, item.substr(slash + 1));
        }
    }
}

const std::vector<std::pair<Provider*, std::string>>& ProviderSet::fallbacks(const std::string& name) const {
    static const std::vector<std::pair<Provider*, std::string>> none;
    auto it = fallbacks_.find(name);
    return it == fallbacks_.end() ? none : it->second;
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
