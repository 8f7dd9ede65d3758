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

}  // namespace llmapi::providers
