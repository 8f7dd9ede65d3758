#include "providers/provider_set.h"

#include "common/log.h"

namespace llmapi::providers {

std::vector<std::unique_ptr<Provider>> ProviderSet::from_registry(const config::ProvidersConfig& cfg) {
    std::vector<std::unique_ptr<Provider>> out;
    for (const auto& p : cfg.providers)
        if (Factory f = find_factory(p.kind)) out.push_back(f(p));  // check_config has refused unknown kinds
    return out;
}

ProviderSet::ProviderSet(const config::ProvidersConfig& cfg) : ProviderSet(from_registry(cfg), cfg.default_provider) {}

ProviderSet::ProviderSet(std::vector<std::unique_ptr<Provider>> providers, std::string default_name)
    : default_(std::move(default_name)) {
    for (auto& p : providers) {
        names_.push_back(p->name());
        by_name_[p->name()] = std::move(p);
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

Resolution ProviderSet::resolve(const std::string& query_provider, const std::string& model) const {
    Resolution r;
    std::string name = query_provider;
    r.target.model = model;
    const size_t slash = model.find('/');
    if (slash != std::string::npos) {
        // "gemini/gemini-2.0-flash": the prefix names the provider when it is one
        // of ours (and is dropped); "models/x" stays for Gemini to strip.
        const std::string prefix = model.substr(0, slash);
        if (find(prefix) && (name.empty() || name == prefix)) {
            name = prefix;
            r.target.model = model.substr(slash + 1);
        }
    }
    if (name.empty()) name = default_;
    r.target.provider = find(name);
    if (!r.target.provider) {
        std::string known;
        for (const auto& n : names_) known += (known.empty() ? "" : ", ") + n;
        r.error = Resolution::UnknownProvider;
        r.message = "Unknown provider '" + name + "'. Available providers: " + known + ".";
    } else if (!r.target.provider->configured()) {
        r.error = Resolution::NotConfigured;
        r.message = "Provider '" + name + "' is not configured: set its api_key (or auth = none).";
    }
    return r;
}

}  // namespace llmapi::providers
