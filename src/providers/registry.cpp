// The wire protocols, by the `kind` a [provider.NAME] section names.
#include "providers/provider.h"

namespace llmapi::providers {

std::unique_ptr<Provider> make_openai(const config::ProviderConfig& cfg);  // openai.cpp
std::unique_ptr<Provider> make_gemini(const config::ProviderConfig& cfg);  // gemini.cpp

namespace {
struct Entry {
    const char* kind;
    Factory factory;
};
constexpr Entry kRegistry[] = {
    {"openai", make_openai},  // OpenAI, the in-house LLM, vLLM, Ollama, llama.cpp server
    {"gemini", make_gemini},  // Google Gemini's native API
};
}  // namespace

Factory find_factory(const std::string& kind) {
    for (const auto& e : kRegistry)
        if (kind == e.kind) return e.factory;
    return nullptr;
}

std::vector<std::string> known_kinds() {
    std::vector<std::string> out;
    for (const auto& e : kRegistry) out.push_back(e.kind);
    return out;
}

std::string check_config(const config::ProvidersConfig& cfg) {
    for (const auto& p : cfg.providers) {
        if (find_factory(p.kind)) continue;
        std::string kinds;
        for (const auto& k : known_kinds()) kinds += (kinds.empty() ? "" : " or ") + k;
        return "config: [provider." + p.name + "] kind must be " + kinds + ", got '" + p.kind + "'";
    }
    return "";
}

}  // namespace llmapi::providers
