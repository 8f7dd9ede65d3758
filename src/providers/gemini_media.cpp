#include "providers/gemini_media.h"

#include <cstring>
#include <set>

#include "providers/gemini_translate.h"

namespace llmapi::providers::gemini {

namespace {

bool fail(TranslateError& err, std::string param, std::string message) {
    err.param = std::move(param);
    err.message = std::move(message);
    return false;
}

const char* str(const json_t* obj, const char* key) { return json_string_value(json_object_get(obj, key)); }

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool remote(const std::string& url) { return starts_with(url, "http://") || starts_with(url, "https://"); }

bool append_inline(const std::string& mime, const std::string& b64, size_t& inline_bytes, json_t* parts) {
    inline_bytes += base64_decoded_size(b64);
    JsonPtr blob(json_object());
    json_object_set_new(blob.get(), "mimeType", json_stringn(mime.data(), mime.size()));
    json_object_set_new(blob.get(), "data", json_stringn(b64.data(), b64.size()));
    JsonPtr part(json_object());
    json_object_set_new(part.get(), "inlineData", blob.release());
    return json_array_append_new(parts, part.release()) == 0;
}

bool image_part(const json_t* part, const std::string& where, const FetchedMedia* fetched, size_t& inline_bytes,
                json_t* parts, TranslateError& err) {
    const std::string param = where + ".image_url.url";
    const char* url_c = str(json_object_get(part, "image_url"), "url");
    if (!url_c) return fail(err, param, param + " must be a string.");
    const std::string url = url_c;
    std::string mime, b64;
    if (starts_with(url, "data:")) {
        if (!parse_data_url(url, mime, b64) || !valid_base64(b64))
            return fail(err, param, "The image's data: URL must be data:<type>;base64,<valid base64>.");
        if (!starts_with(mime, "image/"))
            return fail(err, param, "The data: URL holds '" + mime + "', not an image.");
        return append_inline(mime, b64, inline_bytes, parts);
    }
    if (!remote(url)) return fail(err, param, "Image URLs must be data:, http: or https: URLs.");
    const auto it = fetched ? fetched->find(url) : FetchedMedia::const_iterator{};
    if (!fetched || it == fetched->end())
        return fail(err, param, "Remote image URLs are not fetched here ([providers] fetch_remote_media = false).");
    return append_inline(it->second.mime_type, it->second.base64, inline_bytes, parts);
}

bool audio_part(const json_t* part, const std::string& where, size_t& inline_bytes, json_t* parts,
                TranslateError& err) {
    const json_t* audio = json_object_get(part, "input_audio");
    const char* data = str(audio, "data");
    const char* format = str(audio, "format");
    if (!data || !valid_base64(data))
        return fail(err, where + ".input_audio.data", where + ".input_audio.data must be valid base64.");
    const char* mime = !format ? nullptr : !std::strcmp(format, "wav") ? "audio/wav" : !std::strcmp(format, "mp3") ? "audio/mpeg" : nullptr;
    if (!mime) return fail(err, where + ".input_audio.format", "Audio formats are 'wav' and 'mp3'.");
    return append_inline(mime, data, inline_bytes, parts);
}

bool file_part(const json_t* part, const std::string& where, size_t& inline_bytes, json_t* parts,
               TranslateError& err) {
    const json_t* file = json_object_get(part, "file");
    if (json_object_get(file, "file_id"))
        return fail(err, where + ".file.file_id",
                    "Files uploaded to OpenAI's Files API cannot be used here: send the file inline as file_data.");
    const char* data = str(file, "file_data");
    std::string mime, b64;
    if (!data || !parse_data_url(data, mime, b64) || !valid_base64(b64))
        return fail(err, where + ".file.file_data", where + ".file.file_data must be a data:<type>;base64,… URL.");
    return append_inline(mime, b64, inline_bytes, parts);
}

}  // namespace

bool append_media_part(const json_t* part, const std::string& where, const FetchedMedia* fetched,
                       size_t& inline_bytes, json_t* parts, TranslateError& err) {
    const char* type = str(part, "type");
    if (!std::strcmp(type, "image_url")) return image_part(part, where, fetched, inline_bytes, parts, err);
    if (!std::strcmp(type, "input_audio")) return audio_part(part, where, inline_bytes, parts, err);
    if (!std::strcmp(type, "file")) return file_part(part, where, inline_bytes, parts, err);
    return fail(err, where + ".type",
                where + ": content parts of type '" + type +
                    "' are not supported by the Gemini provider; 'text', 'image_url', 'input_audio' and 'file' are.");
}

bool parse_data_url(const std::string& url, std::string& mime_type, std::string& base64) {
    static const std::string marker = ";base64,";
    if (!starts_with(url, "data:")) return false;
    const size_t m = url.find(marker);
    if (m == std::string::npos || m <= 5) return false;
    mime_type = url.substr(5, m - 5);
    if (mime_type.find_first_of(",; ") != std::string::npos || mime_type.find('/') == std::string::npos) return false;
    base64 = url.substr(m + marker.size());
    return true;
}

bool valid_base64(const std::string& t) {
    if (t.empty()) return false;
    size_t n = t.size();
    size_t pad = 0;
    while (n > 0 && t[n - 1] == '=' && pad < 2) --n, ++pad;
    if (pad && t.size() % 4 != 0) return false;
    if (n % 4 == 1) return false;
    for (size_t i = 0; i < n; ++i) {
        const char c = t[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'))
            return false;
    }
    return true;
}

size_t base64_decoded_size(const std::string& t) {
    size_t n = t.size();
    while (n > 0 && t[n - 1] == '=') --n;
    return n * 3 / 4;
}

std::vector<RemoteImage> remote_image_urls(const json_t* body) {
    std::vector<RemoteImage> urls;
    std::set<std::string> seen;
    size_t i, k;
    json_t *msg, *part;
    json_array_foreach(json_object_get(body, "messages"), i, msg) {
        json_array_foreach(json_object_get(msg, "content"), k, part) {
            const char* type = str(part, "type");
            const char* url = str(json_object_get(part, "image_url"), "url");
            if (type && !std::strcmp(type, "image_url") && url && remote(url) && seen.insert(url).second)
                urls.push_back(RemoteImage{url, "messages[" + std::to_string(i) + "].content[" + std::to_string(k) +
                                                    "].image_url.url"});
        }
    }
    return urls;
}

}  // namespace llmapi::providers::gemini
