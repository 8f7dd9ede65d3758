// Downloads a client-given image URL for a provider that takes images
// inline only (Gemini; API.md section 9), within limits, and never from
// inside the network: http and https only; the host resolved and every
// address checked (address_guard.h), then connected to as checked; at most 3
// redirects, each checked the same way; a size and a total time limit; an
// image Content-Type.
#pragma once
#include <string>

namespace llmapi::upstream {

struct MediaLimits {
    long max_bytes = 20L << 20;
    long timeout_s = 10;  // the whole fetch, redirects included
    bool allow_private = false;
    int max_redirects = 3;
};

struct Media {
    bool ok = false;
    std::string mime_type;  // "image/png" (parameters dropped)
    std::string body;
    std::string error;      // why not, for the client: "the host resolves to a loopback address"
};

Media fetch_media(const std::string& url, const MediaLimits& limits);

}  // namespace llmapi::upstream
