// JSON Schema -> the OpenAPI 3.0 subset of Gemini's Schema object, for a
// provider with `tool_schema = openapi` (function `parameters` and
// `responseSchema`). Gemini's JSON-Schema fields (parametersJsonSchema,
// responseJsonSchema) are the default and need none of this; some
// deployments (older API versions, Vertex proxies) accept only the subset.
//
// Reference: https://ai.google.dev/api/caching#Schema (type, format,
// description, nullable, enum, properties, required, items, anyOf,
// propertyOrdering, minItems/maxItems, minimum/maximum, ...).
#pragma once
#include <string>

#include "common/json.h"

namespace llmapi::providers::gemini {

// The converted schema, or nullptr with `error` set (a $ref cycle or an
// unknown $ref, a non-string enum value). The rules (API.md section 9):
// $defs/$ref inlined; anyOf [X, {type: null}] -> X + nullable; a type array
// -> its one non-null type (+ nullable) or anyOf; additionalProperties,
// $schema, strict, $id, title... dropped, and default beside anyOf; format
// kept only as "enum" or "date-time"; with `ordering`, every object gets
// propertyOrdering in its properties' order (responseSchema).
JsonPtr to_openapi_schema(const json_t* schema, bool ordering, std::string& error);

}  // namespace llmapi::providers::gemini
