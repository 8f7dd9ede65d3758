#include "providers/gemini_embeddings.h"

#include <cstdint>
#include <cstring>

#include "common/base64.h"
#include "providers/gemini_translate.h"

namespace llmapi::providers::gemini {

namespace {

bool fail(TranslateError& err, const std::string& message) {
    err.param = "input";
    err.message = message;
    return false;
}

// OpenAI's base64 encoding: the vector's float32 values, little-endian, base64-encoded.
std::string float32_base64(const json_t* values) {
    std::string bytes;
    size_t i;
    json_t* v;
    json_array_foreach(values, i, v) {
        const float f = static_cast<float>(json_number_value(v));
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        for (int b = 0; b < 4; ++b) bytes += static_cast<char>((bits >> (8 * b)) & 0xff);
    }
    return base64_encode(bytes);
}

}  // namespace

bool embedding_texts(const json_t* body, std::vector<std::string>& texts, TranslateError& err) {
    const json_t* input = json_object_get(body, "input");
    if (json_is_string(input)) {
        texts.emplace_back(json_string_value(input), json_string_length(input));
        return true;
    }
    size_t i;
    json_t* item;
    json_array_foreach(input, i, item) {
        if (!json_is_string(item))
            return fail(err, "The Gemini provider embeds text only: 'input' must be a string or an array of strings, "
                             "not token ids.");
        texts.emplace_back(json_string_value(item), json_string_length(item));
    }
    if (texts.size() > kMaxEmbeddingInputs)
        return fail(err, "'input' has " + std::to_string(texts.size()) + " items; at most " +
                             std::to_string(kMaxEmbeddingInputs) + " are embedded per request.");
    return true;
}

JsonPtr batch_request(const std::string& model, const std::vector<std::string>& texts, size_t from, size_t n,
                      const json_t* dimensions) {
    JsonPtr requests(json_array());
    for (size_t k = from; k < from + n && k < texts.size(); ++k) {
        JsonPtr part(json_object());
        json_object_set_new(part.get(), "text", json_stringn(texts[k].data(), texts[k].size()));
        JsonPtr parts(json_array());
        json_array_append_new(parts.get(), part.release());
        JsonPtr content(json_object());
        json_object_set_new(content.get(), "parts", parts.release());
        JsonPtr r(json_object());
        json_object_set_new(r.get(), "model", json_string(("models/" + model).c_str()));
        json_object_set_new(r.get(), "content", content.release());
        if (json_is_integer(dimensions)) json_object_set(r.get(), "outputDimensionality", const_cast<json_t*>(dimensions));
        json_array_append_new(requests.get(), r.release());
    }
    JsonPtr body(json_object());
    json_object_set_new(body.get(), "requests", requests.release());
    return body;
}

bool append_embeddings(const json_t* answer, size_t expected, size_t first_index, bool base64_encoding, json_t* data) {
    const json_t* list = json_object_get(answer, "embeddings");
    if (!json_is_array(list) || json_array_size(list) != expected) return false;
    size_t i;
    json_t* e;
    json_array_foreach(list, i, e) {
        const json_t* values = json_object_get(e, "values");
        if (!json_is_array(values)) return false;
        size_t k;
        json_t* v;
        json_array_foreach(values, k, v) if (!json_is_number(v)) return false;
        JsonPtr obj(json_object());
        json_object_set_new(obj.get(), "object", json_string("embedding"));
        json_object_set_new(obj.get(), "index", json_integer(static_cast<json_int_t>(first_index + i)));
        if (base64_encoding) json_object_set_new(obj.get(), "embedding", json_string(float32_base64(values).c_str()));
        else json_object_set(obj.get(), "embedding", const_cast<json_t*>(values));
        json_array_append_new(data, obj.release());
    }
    return true;
}

long estimate_embedding_tokens(const std::vector<std::string>& texts) {
    long tokens = 0;
    for (const auto& t : texts) tokens += static_cast<long>((t.size() + 3) / 4);
    return tokens;
}

JsonPtr embeddings_answer(JsonPtr data, const std::string& model, long prompt_tokens) {
    JsonPtr usage(json_object());
    json_object_set_new(usage.get(), "prompt_tokens", json_integer(prompt_tokens));
    json_object_set_new(usage.get(), "total_tokens", json_integer(prompt_tokens));
    JsonPtr out(json_object());
    json_object_set_new(out.get(), "object", json_string("list"));
    json_object_set_new(out.get(), "data", data.release());
    json_object_set_new(out.get(), "model", json_stringn(model.data(), model.size()));
    json_object_set_new(out.get(), "usage", usage.release());
    return out;
}

}  // namespace llmapi::providers::gemini
