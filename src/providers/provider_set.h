// The configured provider instances, by name, built once per worker from the
// [provider.NAME] sections, and the choice of one for a request.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "providers/provider.h"

namespace llmapi::providers {

// A provider and the model id it receives (no "provider/" prefix).
struct Target {
    Provider* provider = nullptr;
    std::string model;
};

// resolve()'s answer: a target, or why there is none (as a value; the API
// layer maps UnknownProvider to 400 and NotConfigured to 503).
struct Resolution {
    enum Error { None, UnknownProvider, NotConfigured } error = None;
    Target target;
    std::string message;
};

class ProviderSet {
public:
    // Instances made by the registry from the [provider.NAME] sections.
    explicit ProviderSet(const config::ProvidersConfig& cfg);
    // Given instances (tests compose fakes this way); `default_name` answers
    // requests that name no provider.
    ProviderSet(std::vector<std::unique_ptr<Provider>> providers, std::string default_name);

    Provider* find(const std::string& name) const;                    // nullptr if unknown
    const std::vector<std::string>& names() const { return names_; }  // in config order
    const std::string& default_name() const { return default_; }
    // The provider's `fallback` list, parsed once at start-up: (provider, model)
    // pairs in order; entries naming an unknown or unconfigured provider are
    // left out (and logged then).
    const std::vector<std::pair<Provider*, std::string>>& fallbacks(const std::string& name) const;

    // From ?provider= (`query_provider`), else a "provider/" prefix on the
    // model (dropped), else the default provider.
    Resolution resolve(const std::string& query_provider, const std::string& model) const;

private:
    static std::vector<std::unique_ptr<Provider>> from_registry(const config::ProvidersConfig& cfg);
    std::map<std::string, std::unique_ptr<Provider>> by_name_;
    std::vector<std::string> names_;
    std::map<std::string, std::vector<std::pair<Provider*, std::string>>> fallbacks_;
    std::string default_;
};

}  // namespace llmapi::providers
