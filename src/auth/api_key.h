// Personal API keys (API.md section 8): the key's format, the only form of
// it we keep (its SHA-256), and the model patterns a key may be limited to.
#pragma once
#include <string>
#include <vector>

#include "db/api_keys.h"

namespace llmapi::auth {

constexpr const char* kApiKeyPrefix = "sk-llm-";
constexpr size_t kApiKeyLength = 7 + 43;  // "sk-llm-" + 32 random bytes in unpadded URL-safe base64
constexpr size_t kApiKeyShownPrefix = 12;  // characters of the key shown in lists

struct NewApiKey {
    std::string key;     // shown to its owner once, never stored
    std::string hash;    // SHA-256 of key: 32 raw bytes
    std::string prefix;  // key's first kApiKeyShownPrefix characters
};

// A fresh key from getrandom(2). Throws std::runtime_error if it fails.
NewApiKey generate_api_key();
// 32 raw bytes. Keys carry 256 random bits: a fast hash is enough (no salt,
// no stretching: nothing to brute-force), and it lets us look keys up by it.
std::string hash_api_key(const std::string& key);
// Does this credential claim to be one of our keys (rather than a JWT)?
bool looks_like_api_key(const std::string& credential);
// Exactly our format: the prefix then 43 URL-safe base64 characters.
bool well_formed_api_key(const std::string& key);

// A key's `models` entry: an exact model id, or a prefix ending in '*'
// ("gpt-4o*"). Matched against the id the provider receives.
bool valid_model_pattern(const std::string& pattern);
bool model_matches(const std::vector<std::string>& patterns, const std::string& model);

// What a key's lists allow (nullopt lists: everything). `model` as the
// provider receives it; a Gemini "models/" prefix is ignored.
bool key_allows_provider(const db::ApiKey& key, const std::string& provider);
bool key_allows_model(const db::ApiKey& key, const std::string& model);

}  // namespace llmapi::auth
