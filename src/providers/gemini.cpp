// Google Gemini's native API, translated to and from OpenAI's format
// (the mapping itself is in gemini_translate.cpp).
// API: https://ai.google.dev/api/generate-content (generateContent,
// streamGenerateContent with alt=sse), https://ai.google.dev/api/models#method:-models.list
// (pageSize/pageToken/nextPageToken), key in the x-goog-api-key header —
// never in the URL, where it would end up in logs.
#include <algorithm>
#include <cctype>
#include <ctime>

#include "common/base64.h"
#include "common/random.h"
#include "providers/gemini_embeddings.h"
#include "providers/gemini_translate.h"
#include "upstream/media_fetch.h"
#include "providers/provider.h"

namespace llmapi::providers {

namespace {

constexpr int kMaxModelPages = 50;

UpstreamError client_error(const std::string& message, const std::string& param) {
    UpstreamError e;
    e.kind = UpstreamError::Status;
    e.status = 400;
    e.message = message;
    e.type = "invalid_request_error";
    e.param = param;
    return e;
}

// Model ids go into the URL path: only the characters Gemini's ids use.
bool safe_model_id(const std::string& m) {
    if (m.empty() || m.size() > 200) return false;
    for (char c : m)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) return false;
    return true;
}

class GeminiProvider : public Provider {
public:
    using Provider::Provider;

    bool models_by_task() const override { return true; }

    // Chat models support generateContent; embedding models, embedContent.
    std::vector<std::string> list_models(upstream::HttpClient& http, UpstreamError& err, ModelTask task) override {
        std::vector<std::string> ids;
        std::string token;
        for (int page = 0; page < kMaxModelPages; ++page) {
            JsonPtr body;
            if ((err = fetch_json(
                     http, request("GET", "/models?pageSize=1000" + (token.empty() ? "" : "&pageToken=" + token)),
                     body)))
                return {};
            size_t i;
            json_t* m;
            json_array_foreach(json_object_get(body.get(), "models"), i, m) {
                if (supports(m, task == ModelTask::Chat ? "generateContent" : "embedContent"))
                    ids.push_back(gemini::strip_models_prefix(json_string_value(json_object_get(m, "name"))));
            }
            const json_t* next = json_object_get(body.get(), "nextPageToken");
            if (!json_is_string(next) || json_string_length(next) == 0) break;
            token = json_string_value(next);
            if (token.find_first_of("&#? ") != std::string::npos) break;  // not a token we can put in a URL
        }
        return ids;
    }

    UpstreamError chat(upstream::HttpClient& http, const ChatCall& call, ChatSink& sink) override {
        const std::string model = gemini::strip_models_prefix(call.model);
        if (!safe_model_id(model)) return client_error("Invalid model id '" + call.model + "' for Gemini.", "model");
        gemini::FetchedMedia fetched;
        gemini::RequestOptions options;
        options.openapi_schemas = config().tool_schema == "openapi";
        if (config().media.enabled) {
            if (UpstreamError e = fetch_remote_images(call.body, fetched)) return e;
            options.fetched = &fetched;
        }
        gemini::TranslateError terr;
        JsonPtr body = gemini::to_gemini_request(call.body, terr, options);
        if (!body) return client_error(terr.message, terr.param);

        const upstream::HttpRequest req =
            post_json("/models/" + model + (call.stream ? ":streamGenerateContent?alt=sse" : ":generateContent"),
                      body.get(), call.request_id);
        const std::string id = "chatcmpl-" + uuid4_hex();
        const long created = static_cast<long>(std::time(nullptr));
        return call.stream ? stream(http, req, model, id, created, sink) : whole(http, req, model, id, created, sink);
    }

    // batchEmbedContents, kEmbeddingBatch texts per call, in order; the
    // vectors in OpenAI's shape and encoding; usage estimated.
    UpstreamError embeddings(upstream::HttpClient& http, const EmbeddingsCall& call, Embeddings& out) override {
        const std::string model = gemini::strip_models_prefix(call.model);
        if (!safe_model_id(model)) return client_error("Invalid model id '" + call.model + "' for Gemini.", "model");
        std::vector<std::string> texts;
        gemini::TranslateError terr;
        if (!gemini::embedding_texts(call.body, texts, terr)) return client_error(terr.message, terr.param);
        const char* encoding = json_string_value(json_object_get(call.body, "encoding_format"));
        const bool base64 = encoding && std::string(encoding) == "base64";
        JsonPtr data(json_array());
        for (size_t from = 0; from < texts.size(); from += gemini::kEmbeddingBatch) {
            const size_t n = std::min(gemini::kEmbeddingBatch, texts.size() - from);
            JsonPtr body = gemini::batch_request(model, texts, from, n, json_object_get(call.body, "dimensions"));
            JsonPtr answer;
            if (UpstreamError e = fetch_json(http, post_json("/models/" + model + ":batchEmbedContents", body.get(),
                                                             call.request_id),
                                             answer))
                return e;
            if (!gemini::append_embeddings(answer.get(), n, from, base64, data.get()))
                return bad_response("the provider's batchEmbedContents answer does not match the request");
        }
        out.prompt_tokens = gemini::estimate_embedding_tokens(texts);
        out.estimated = true;
        out.response = gemini::embeddings_answer(std::move(data), model, out.prompt_tokens);
        return {};
    }

private:
    // Gemini takes images inline only: the request's http(s) image URLs are
    // downloaded first (upstream/media_fetch.h: public addresses only, size,
    // time, redirects and type bounded). A refusal is the client's 400.
    UpstreamError fetch_remote_images(const json_t* body, gemini::FetchedMedia& out) const {
        const config::MediaFetchConfig& mc = config().media;
        upstream::MediaLimits limits;
        limits.max_bytes = mc.max_bytes;
        limits.timeout_s = mc.timeout_s;
        limits.allow_private = mc.allow_private;
        for (const auto& image : gemini::remote_image_urls(body)) {
            upstream::Media m = upstream::fetch_media(image.url, limits);
            if (!m.ok) return client_error("The image at " + image.url + " could not be used: " + m.error + ".", image.param);
            out[image.url] = gemini::InlineData{m.mime_type, base64_encode(m.body)};
        }
        return {};
    }


    static bool supports(const json_t* model, const char* wanted) {
        if (!json_is_string(json_object_get(model, "name"))) return false;
        size_t i;
        json_t* method;
        json_array_foreach(json_object_get(model, "supportedGenerationMethods"), i, method) {
            if (json_is_string(method) && std::string(json_string_value(method)) == wanted) return true;
        }
        return false;
    }

    std::string auth_header() const override { return "x-goog-api-key: " + cfg_.api_key; }

    UpstreamError whole(upstream::HttpClient& http, const upstream::HttpRequest& req, const std::string& model,
                        const std::string& id, long created, ChatSink& sink) {
        JsonPtr response;
        if (UpstreamError e = fetch_json(http, req, response, &sink)) return e;
        JsonPtr completion = gemini::to_openai_completion(response.get(), model, id, created);
        sink.completion(completion.get(), "");
        return {};
    }

    UpstreamError stream(upstream::HttpClient& http, const upstream::HttpRequest& req, const std::string& model,
                         const std::string& id, long created, ChatSink& sink) {
        gemini::StreamState st;
        st.id = id;
        st.model = model;
        st.created = created;
        UpstreamError e = stream_frames(http, req, sink, [&](const json_t* frame, UpstreamError& err) {
            for (const JsonPtr& chunk : gemini::to_openai_chunks(frame, st)) {
                if (!sink.chunk(chunk.get())) {
                    err.kind = UpstreamError::Cancelled;
                    return false;
                }
            }
            return true;
        });
        if (e) return e;
        // Gemini sends no [DONE]: a stream is complete when every candidate
        // has had its finishReason. One that stops before (or sends nothing)
        // was cut short, as the OpenAI path reports a stream without [DONE].
        if (!st.finished) return bad_response("the provider's stream ended early");
        // Its running usage totals become our usage chunk.
        JsonPtr usage = gemini::usage_chunk(st);
        if (!sink.chunk(usage.get())) e.kind = UpstreamError::Cancelled;
        return e;
    }
};

}  // namespace

std::unique_ptr<Provider> make_gemini(const config::ProviderConfig& cfg) {
    return std::make_unique<GeminiProvider>(cfg);
}

}  // namespace llmapi::providers
