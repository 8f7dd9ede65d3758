// OpenAI embeddings <-> Gemini's models.batchEmbedContents (API.md section 9).
// Pure data translation; the provider sends the batches.
//
// References:
//   https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
//     ({"requests":[{"model","content":{"parts":[{"text"}]},"outputDimensionality"}]}
//      -> {"embeddings":[{"values":[…]}]}, at most 100 requests per batch)
//   https://platform.openai.com/docs/api-reference/embeddings/create (input,
//     dimensions, encoding_format; the embedding object)
#pragma once
#include <string>
#include <vector>

#include "common/json.h"

namespace llmapi::providers::gemini {

struct TranslateError;

constexpr size_t kEmbeddingBatch = 100;        // Gemini's limit per batchEmbedContents
constexpr size_t kMaxEmbeddingInputs = 2048;   // OpenAI's limit per request

// The body's `input` as texts: a string or an array of strings. Token ids
// (Gemini takes text only) and more than kMaxEmbeddingInputs: 400 `input`.
bool embedding_texts(const json_t* body, std::vector<std::string>& texts, TranslateError& err);

// One batchEmbedContents body for texts[from, from + n).
JsonPtr batch_request(const std::string& model, const std::vector<std::string>& texts, size_t from, size_t n,
                      const json_t* dimensions);

// Appends a batch answer's vectors to `data` as OpenAI embedding objects
// (index counted from first_index; base64: little-endian float32 bytes).
// False when the answer does not have `expected` vectors of numbers.
bool append_embeddings(const json_t* answer, size_t expected, size_t first_index, bool base64, json_t* data);

// Gemini reports no token counts for embeddings: about 4 characters a token.
long estimate_embedding_tokens(const std::vector<std::string>& texts);

// {"object":"list","data":data,"model":model,"usage":{"prompt_tokens","total_tokens"}}
JsonPtr embeddings_answer(JsonPtr data, const std::string& model, long prompt_tokens);

}  // namespace llmapi::providers::gemini
