// Base64 (RFC 4648): the standard alphabet or the URL-safe one, padded or not.
// One encoder for everything that writes base64: password hashes, API keys,
// tool call ids, inline media and embeddings.
#pragma once
#include <string>
#include <string_view>

namespace llmapi {

enum class Base64 { Standard, UrlSafe };

std::string base64_encode(std::string_view bytes, Base64 alphabet = Base64::Standard, bool pad = true);

// URL-safe base64 without padding, back to bytes; false for a character
// outside the alphabet or an impossible length.
bool base64url_decode(std::string_view text, std::string& out);

}  // namespace llmapi
