// The Google Gemini native side, under /v1beta:
//   - models.generateContent / GenerateContentResponse (candidates[].content
//     .parts[].text, finishReason, index, promptFeedback.blockReason,
//     usageMetadata{promptTokenCount,candidatesTokenCount,
//     thoughtsTokenCount,totalTokenCount}, modelVersion, responseId):
//     https://ai.google.dev/api/generate-content#method:-models.generatecontent
//     https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
//   - models.streamGenerateContent with `alt=sse`: SSE frames, each a full
//     GenerateContentResponse; there is no `[DONE]` sentinel:
//     https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
//   - models.list with pageSize/pageToken -> {models[], nextPageToken}:
//     https://ai.google.dev/api/models#method:-models.list
#include "handlers.h"

#include <algorithm>
#include <cstdlib>

namespace fake::gemini {

namespace {

struct Model {
    const char *name, *display_name, *methods;  // methods: comma separated
};

// Five models over pages of two by default, so paging must be followed; the
// embedding model supports only embedContent and must be filtered out.
const Model kModels[] = {
    {"models/fake-gemini-2.0-flash", "Fake Gemini 2.0 Flash", "generateContent,countTokens"},
    {"models/fake-gemini-2.5-pro", "Fake Gemini 2.5 Pro", "generateContent,countTokens"},
    {"models/fake-embedding-001", "Fake Embedding 001", "embedContent"},
    {"models/fake-gemini-2.5-flash-thinking", "Fake Gemini 2.5 Flash Thinking", "generateContent,countTokens"},
    {"models/fake-gemini-1.5-flash-8b", "Fake Gemini 1.5 Flash-8B", "generateContent,countTokens,createCachedContent"},
};
const size_t kModelCount = sizeof kModels / sizeof kModels[0];
const long kDefaultPageSize = 2;

// The key goes in the `x-goog-api-key` header:
// https://ai.google.dev/gemini-api/docs/api-key
bool auth_ok(const httplib::Request& req, httplib::Response& res, const Exchange& ex) {
    if (!req.has_header("x-goog-api-key")) {
        send_json(res, ex, 403,
                  gemini_error(403,
                               "Method doesn't allow unregistered callers (callers without "
                               "established identity). Please use API Key or other form of API "
                               "consumer identity to call this API.",
                               "PERMISSION_DENIED"));
        return false;
    }
    std::string key = req.get_header_value("x-goog-api-key");
    if (key.empty() || (!ex.opt.gemini_key.empty() && key != ex.opt.gemini_key)) {
        json_t* err = gemini_error(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT");
        json_object_set_new(json_object_get(err, "error"), "details",
                            json_pack("[{s:s, s:s, s:s}]", "@type", "type.googleapis.com/google.rpc.ErrorInfo",
                                      "reason", "API_KEY_INVALID", "domain", "googleapis.com"));
        send_json(res, ex, 400, err);
        return false;
    }
    return true;
}

json_t* model_json(const Model& m) {
    json_t* methods = json_array();
    std::string all = m.methods;
    for (size_t start = 0; start <= all.size();) {
        size_t comma = all.find(',', start);
        if (comma == std::string::npos) comma = all.size();
        json_array_append_new(methods, json_string(all.substr(start, comma - start).c_str()));
        start = comma + 1;
    }
    std::string name = m.name;
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:o}", "name", m.name, "baseModelId",
                     name.substr(7).c_str(), "version", "001", "displayName", m.display_name, "description",
                     "A fake model served by fake_llm for tests.", "inputTokenLimit", 1048576, "outputTokenLimit",
                     8192, "supportedGenerationMethods", methods);
}

// What a generateContent call asks for and what the fake answers.
struct GenerateCall {
    std::string model, reply, finish_reason = "STOP", response_id;
    long prompt_tokens = 0, thoughts_tokens = 0;
    int candidate_count = 1;
    bool blocked = false;
};

json_t* usage_json(const GenerateCall& c, long candidates_tokens) {
    json_t* u = json_pack("{s:i, s:i}", "promptTokenCount", static_cast<int>(c.prompt_tokens),
                          "candidatesTokenCount", static_cast<int>(candidates_tokens));
    if (c.thoughts_tokens > 0) json_object_set_new(u, "thoughtsTokenCount", json_integer(c.thoughts_tokens));
    json_object_set_new(u, "totalTokenCount", json_integer(c.prompt_tokens + candidates_tokens + c.thoughts_tokens));
    return u;
}

// One GenerateContentResponse carrying `text` in every candidate;
// `finish` (or nullptr) is the finishReason to attach.
json_t* response(const GenerateCall& c, const std::string& text, const char* finish, long candidates_tokens) {
    if (c.blocked)
        return json_pack("{s:{s:s}, s:{s:i, s:i}, s:s, s:s}", "promptFeedback", "blockReason", "SAFETY",
                         "usageMetadata", "promptTokenCount", 3, "totalTokenCount", 3, "modelVersion",
                         c.model.c_str(), "responseId", c.response_id.c_str());
    json_t* candidates = json_array();
    for (int i = 0; i < c.candidate_count; ++i) {
        json_t* cand = json_pack("{s:i}", "index", i);
        bool safety_stop = finish && std::string(finish) == "SAFETY";
        if (!(safety_stop && text.empty()))
            json_object_set_new(cand, "content",
                                json_pack("{s:[{s:s}], s:s}", "parts", "text", text.c_str(), "role", "model"));
        if (finish) json_object_set_new(cand, "finishReason", json_string(finish));
        if (safety_stop)
            json_object_set_new(cand, "safetyRatings",
                                json_pack("[{s:s, s:s, s:b}]", "category", "HARM_CATEGORY_DANGEROUS_CONTENT",
                                          "probability", "HIGH", "blocked", 1));
        json_array_append_new(candidates, cand);
    }
    return json_pack("{s:o, s:o, s:s, s:s}", "candidates", candidates, "usageMetadata",
                     usage_json(c, candidates_tokens), "modelVersion", c.model.c_str(), "responseId",
                     c.response_id.c_str());
}

// Text of a Content's parts.
std::string parts_text(const json_t* content) {
    std::string out;
    size_t i;
    json_t* part;
    json_array_foreach(json_object_get(content, "parts"), i, part) out += str_field(part, "text");
    return out;
}

// Non-stream: one response with the whole reply (a SAFETY stop carries no
// content). Stream: one frame per word with running usage totals and the
// finishReason on the last frame; a blocked prompt is a single frame.
std::vector<std::string> payloads(const GenerateCall& c, bool streaming) {
    const char* finish = c.finish_reason.c_str();
    if (!streaming || c.blocked) {
        std::string text = c.finish_reason == "SAFETY" ? "" : c.reply;
        return {dump_owned(response(c, text, finish, count_words(text) * c.candidate_count))};
    }
    std::vector<std::string> out;
    auto pieces = split_pieces(c.reply);
    for (size_t i = 0; i < pieces.size(); ++i) {
        bool last = i + 1 == pieces.size();
        out.push_back(dump_owned(
            response(c, pieces[i], last ? finish : nullptr, static_cast<long>(i + 1) * c.candidate_count)));
    }
    return out;
}

void generate_common(const httplib::Request& req, httplib::Response& res, Exchange& ex, bool streaming) {
    if (!auth_ok(req, res, ex)) return;
    GenerateCall c;
    c.model = req.matches[1];
    const char* method = streaming ? "streamGenerateContent" : "generateContent";
    if (c.model.find("nonexistent") != std::string::npos)
        return send_json(res, ex, 404,
                         gemini_error(404,
                                      "models/" + c.model +
                                          " is not found for API version v1beta, or is not "
                                          "supported for " +
                                          method +
                                          ". Call ListModels to see the list of available "
                                          "models and their supported methods.",
                                      "NOT_FOUND"));
    Json body = parse_json(ex.body);
    json_t* contents = json_object_get(body.get(), "contents");
    if (!json_is_array(contents) || json_array_size(contents) == 0)
        return send_json(res, ex, 400,
                         gemini_error(400,
                                      body ? "* GenerateContentRequest.contents: contents is not "
                                             "specified\n"
                                           : "Invalid JSON payload received.",
                                      "INVALID_ARGUMENT"));
    std::string last_user;
    size_t i;
    json_t* content;
    json_array_foreach(contents, i, content) {
        std::string text = parts_text(content);
        c.prompt_tokens += count_words(text);
        std::string role = str_field(content, "role");
        if (role.empty() || role == "user") last_user = text;
    }
    c.prompt_tokens += count_words(parts_text(json_object_get(body.get(), "systemInstruction")));
    json_int_t cc =
        json_integer_value(json_object_get(json_object_get(body.get(), "generationConfig"), "candidateCount"));
    c.candidate_count = static_cast<int>(std::min<json_int_t>(std::max<json_int_t>(cc, 1), 8));
    c.reply = "This is a fake reply from fake-gemini to: " + last_user;
    c.response_id = "fake-resp-" + std::to_string(ex.rec->seq);
    c.thoughts_tokens = contains(c.model, "thinking") ? 7 : 0;
    c.blocked = contains(c.model, "blocked");
    if (contains(c.model, "safety")) c.finish_reason = "SAFETY";
    if (contains(c.model, "maxtokens")) c.finish_reason = "MAX_TOKENS";

    auto out = payloads(c, streaming);
    if (!streaming) return send_body(res, ex, 200, out[0], "application/json; charset=UTF-8");
    if (req.get_param_value("alt") == "sse")
        return send_stream(req, res, ex, "text/event-stream", sse_frames(out, sse_separator(ex.beh, ex.proto)));
    // Without alt=sse the real API streams one JSON array; emulate that framing.
    for (size_t k = 0; k < out.size(); ++k) out[k] = (k ? ",\r\n" : "[") + out[k];
    out.push_back("]");
    send_stream(req, res, ex, "application/json; charset=UTF-8", out);
}

}  // namespace

void models(const httplib::Request& req, httplib::Response& res, Exchange& ex) {
    if (!auth_ok(req, res, ex)) return;
    long size = atol(req.get_param_value("pageSize").c_str());
    if (size <= 0) size = kDefaultPageSize;
    size = std::min(size, 1000L);
    size_t offset = 0;
    std::string token = req.get_param_value("pageToken");
    if (!token.empty()) {
        offset = starts_with(token, "fake-page-") ? strtoul(token.c_str() + 10, nullptr, 10) : 0;
        if (offset == 0 || offset >= kModelCount)
            return send_json(res, ex, 400, gemini_error(400, "Invalid page token: " + token, "INVALID_ARGUMENT"));
    }
    json_t* page = json_array();
    size_t end = std::min(kModelCount, offset + static_cast<size_t>(size));
    for (size_t i = offset; i < end; ++i) json_array_append_new(page, model_json(kModels[i]));
    json_t* out = json_pack("{s:o}", "models", page);
    if (end < kModelCount)
        json_object_set_new(out, "nextPageToken", json_string(("fake-page-" + std::to_string(end)).c_str()));
    send_json(res, ex, 200, out);
}

void generate(const httplib::Request& req, httplib::Response& res, Exchange& ex) {
    generate_common(req, res, ex, false);
}

void stream(const httplib::Request& req, httplib::Response& res, Exchange& ex) { generate_common(req, res, ex, true); }

}  // namespace fake::gemini
