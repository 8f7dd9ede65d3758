#include "auth/api_key.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "common/base64.h"
#include "common/random.h"

namespace llmapi::auth {

namespace {

constexpr char kUrlSafe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool url_safe(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

NewApiKey generate_api_key() {
    unsigned char bytes[32];
    random_bytes(bytes, sizeof bytes);
    NewApiKey k;
    k.key = kApiKeyPrefix + base64_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes), Base64::UrlSafe, false);
    k.hash = hash_api_key(k.key);
    k.prefix = k.key.substr(0, kApiKeyShownPrefix);
    return k;
}

std::string hash_api_key(const std::string& key) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(key.data(), key.size(), digest, &len, EVP_sha256(), nullptr) != 1 || len != 32)
        throw std::runtime_error("SHA-256 failed");
    return std::string(reinterpret_cast<const char*>(digest), len);
}

bool looks_like_api_key(const std::string& credential) { return credential.rfind(kApiKeyPrefix, 0) == 0; }

bool well_formed_api_key(const std::string& key) {
    if (key.size() != kApiKeyLength || !looks_like_api_key(key)) return false;
    for (size_t i = 7; i < key.size(); ++i)
        if (!url_safe(key[i])) return false;
    // 32 bytes make 42 full characters and one carrying 2 bits (then 4 zero bits).
    const char last = key.back();
    return std::string(kUrlSafe).find(last) % 4 == 0;
}

bool valid_model_pattern(const std::string& pattern) {
    if (pattern.empty() || pattern.size() > 255) return false;
    const size_t star = pattern.find('*');
    return star == std::string::npos || star == pattern.size() - 1;  // '*' only at the end ("*" alone: any)
}

bool model_matches(const std::vector<std::string>& patterns, const std::string& model) {
    for (const auto& p : patterns) {
        if (!p.empty() && p.back() == '*') {
            if (model.compare(0, p.size() - 1, p, 0, p.size() - 1) == 0 && model.size() >= p.size() - 1) return true;
        } else if (p == model) {
            return true;
        }
    }
    return false;
}

bool key_allows_provider(const db::ApiKey& key, const std::string& provider) {
    if (!key.providers) return true;
    for (const auto& p : *key.providers)
        if (p == provider) return true;
    return false;
}

bool key_allows_model(const db::ApiKey& key, const std::string& model) {
    if (!key.models) return true;
    const bool gemini_style = model.rfind("models/", 0) == 0;
    return model_matches(*key.models, gemini_style ? model.substr(7) : model);
}

}  // namespace llmapi::auth
