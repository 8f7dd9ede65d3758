// The configured provider instances, by name, built once per worker from the
// [provider.NAME] sections; plus a per-process cache of their model lists.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "providers/provider.h"

namespace llmapi::providers {

class ProviderSet {
public:
    explicit ProviderSet(const config::ProvidersConfig& cfg);

    Provider* find(const std::string& name) const;  // nullptr if unknown
    const std::vector<std::string>& names() const { return names_; }  // in config order
    const std::string& default_name() const { return default_; }
    // The provider's `fallback` list, parsed once at start-up: (provider, model)
    // pairs in order; entries naming an unknown or unconfigured provider are
    // left out (and logged then).
    const std::vector<std::pair<Provider*, std::string>>& fallbacks(const std::string& name) const;

private:
    std::map<std::string, std::unique_ptr<Provider>> by_name_;
    std::vector<std::string> names_;
    std::map<std::string, std::vector<std::pair<Provider*, std::string>>> fallbacks_;
    std::string default_;
};

// Model lists fetched from providers, kept for models_cache_s. Each worker
// process has its own; a miss costs one upstream call.
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
