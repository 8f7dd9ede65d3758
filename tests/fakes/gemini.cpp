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
//   - function calling: the request's `tools` (https://ai.google.dev/api/caching#Tool,
//     #FunctionDeclaration, #Schema) and `toolConfig` (#ToolConfig,
//     #FunctionCallingConfig) are checked as the real API checks them; answers
//     carry functionCall parts (#FunctionCall) and later requests send back
//     functionResponse parts (#FunctionResponse):
//     https://ai.google.dev/gemini-api/docs/function-calling
//   - thought signatures: 2.5 and 3 models sign their function calls, and
//     Gemini 3 insists on getting the signatures back:
//     https://ai.google.dev/gemini-api/docs/thought-signatures
//   - embeddings: models.embedContent ({content, taskType, title,
//     outputDimensionality} -> {embedding:{values}}) and models.batchEmbedContents
//     ({requests:[EmbedContentRequest]}, each naming the URL's model, at most 100
//     -> {embeddings:[{values}]} in order, no usage), served only by a model
//     whose supportedGenerationMethods list embedContent:
//     https://ai.google.dev/api/embeddings#method:-models.embedcontent
//     https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
//     https://ai.google.dev/api/embeddings#EmbedContentRequest, #tasktype
#include "handlers.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace fake::gemini {

namespace {

struct Model {
    const char *name, *display_name, *methods;  // methods: comma separated
};

// Six models over pages of two by default, so paging must be followed; the
// embedding model supports only embedContent and must be filtered out.
const Model kModels[] = {
    {"models/fake-gemini-2.0-flash", "Fake Gemini 2.0 Flash", "generateContent,countTokens"},
    {"models/fake-gemini-2.5-pro", "Fake Gemini 2.5 Pro", "generateContent,countTokens"},
    {"models/fake-embedding-001", "Fake Embedding 001", "embedContent"},
    {"models/fake-gemini-2.5-flash-thinking", "Fake Gemini 2.5 Flash Thinking", "generateContent,countTokens"},
    {"models/fake-gemini-1.5-flash-8b", "Fake Gemini 1.5 Flash-8B", "generateContent,countTokens,createCachedContent"},
    {"models/fake-gemini-3-pro-preview", "Fake Gemini 3 Pro Preview", "generateContent,countTokens"},
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

// ---- Model families ----------------------------------------------------------

// Thinking models (2.5, 3) sign the function calls they make:
// https://ai.google.dev/gemini-api/docs/thought-signatures
bool signs_calls(const std::string& model) { return contains(model, "gemini-2.5") || contains(model, "gemini-3"); }

// Gemini 3 also gives each call an id, and answers 400 when a call comes back
// without its signature.
bool is_gemini3(const std::string& model) { return contains(model, "gemini-3"); }

// ---- Request fields ------------------------------------------------------------

// Proto JSON takes a field under its lowerCamel name or its proto name:
// "functionDeclarations" or "function_declarations".
std::string snake(const std::string& camel_name) {
    std::string out;
    for (char ch : camel_name) {
        if (std::isupper(static_cast<unsigned char>(ch))) {
            out += '_';
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        } else {
            out += ch;
        }
    }
    return out;
}

std::string camel(const std::string& key) {
    std::string out;
    bool up = false;
    for (char ch : key) {
        if (ch == '_' && !out.empty()) {
            up = true;
            continue;
        }
        out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
        up = false;
    }
    return out;
}

// The field `camel_name` under either spelling, or null.
json_t* member(const json_t* obj, const char* camel_name) {
    json_t* v = json_object_get(obj, camel_name);
    return v ? v : json_object_get(obj, snake(camel_name).c_str());
}

std::string str_member(const json_t* obj, const char* camel_name) {
    const char* v = json_string_value(member(obj, camel_name));
    return v ? v : "";
}

// Set to something other than null.
bool present(const json_t* v) { return v && !json_is_null(v); }

template <size_t N>
bool one_of(const std::string& s, const char* const (&names)[N]) {
    return std::any_of(std::begin(names), std::end(names), [&s](const char* n) { return s == n; });
}

// Error paths use proto names: "tools[0].function_declarations[0].name".
std::string field(const std::string& path, const std::string& name) { return path.empty() ? name : path + "." + name; }
std::string item(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }
std::string part_path(size_t content, size_t part) { return item(field(item("contents", content), "parts"), part); }
std::string proto(const char* message) {
    return std::string("type.googleapis.com/google.ai.generativelanguage.v1beta.") + message;
}

// ---- 400s in the real API's shapes ---------------------------------------------

// What is wrong with a request, in the three kinds of 400 the real API sends.
struct Problems {
    // JSON that does not fit the request's proto. The real API stops at that
    // stage, lists them one per line and adds a google.rpc.BadRequest field
    // violation for each: (field, description).
    std::vector<std::pair<std::string, std::string>> payload;
    // Field values it refuses: "* GenerateContentRequest.<field>: <why>\n" lines.
    std::vector<std::string> request;
    // A message sent as it is (function turns, thought signatures); the first wins.
    std::string plain;
    // The request message those "* <message>.<field>" lines name.
    const char* message = "GenerateContentRequest";

    bool any() const { return !payload.empty() || !request.empty() || !plain.empty(); }
};

void unknown_name(Problems& p, const std::string& path, const std::string& key,
                  const char* why = "Cannot find field.") {
    std::string at = path.empty() ? "" : " at '" + path + "'";
    p.payload.emplace_back(path, "Invalid JSON payload received. Unknown name \"" + key + "\"" + at + ": " + why);
}

void invalid_value(Problems& p, const std::string& path, const std::string& type, const json_t* value) {
    p.payload.emplace_back(path, "Invalid value at '" + path + "' (" + type + "), " + dump(value));
}

void request_problem(Problems& p, const std::string& path, const std::string& why) {
    p.request.push_back(std::string("* ") + p.message + "." + path + ": " + why + "\n");
}

void plain_problem(Problems& p, const std::string& message) {
    if (p.plain.empty()) p.plain = message;
}

// The 400 body for `p` (google.rpc.BadRequest: https://ai.google.dev/api/rest
// errors carry google.rpc details).
json_t* problems_error(const Problems& p) {
    if (p.payload.empty()) {
        std::string message;
        for (const auto& line : p.request) message += line;
        return gemini_error(400, message.empty() ? p.plain : message, "INVALID_ARGUMENT");
    }
    std::string message;
    json_t* violations = json_array();
    for (const auto& v : p.payload) {
        message += (message.empty() ? "" : "\n") + v.second;
        json_array_append_new(violations,
                              json_pack("{s:s, s:s}", "field", v.first.c_str(), "description", v.second.c_str()));
    }
    json_t* err = gemini_error(400, message, "INVALID_ARGUMENT");
    json_object_set_new(
        json_object_get(err, "error"), "details",
        json_pack("[{s:s, s:o}]", "@type", "type.googleapis.com/google.rpc.BadRequest", "fieldViolations", violations));
    return err;
}

// ---- tools and toolConfig as JSON (https://ai.google.dev/api/caching#Tool) ------

// Schema, the OpenAPI 3.0 subset that `parameters` takes
// (https://ai.google.dev/api/caching#Schema). JSON Schema's other keywords
// (additionalProperties, $schema, $ref, $defs, const, ...) are unknown names,
// and a list of types does not parse; `parametersJsonSchema` takes those.
const char* const kSchemaFields[] = {
    "type",      "format",    "title",      "description", "nullable",      "enum",
    "maxItems",  "minItems",  "properties", "required",    "minProperties", "maxProperties",
    "minLength", "maxLength", "pattern",    "example",     "anyOf",         "propertyOrdering",
    "default",   "items",     "minimum",    "maximum"};
// Schema.type, https://ai.google.dev/api/caching#Type (any case, as the docs' examples use both).
const char* const kSchemaTypes[] = {"type_unspecified", "string", "number", "integer",
                                    "boolean",          "array",  "object", "null"};

void check_schema(Problems& p, json_t* schema, const std::string& path);

// Schema.properties is a map: the real API names entry i `properties[i].value`.
void check_properties(Problems& p, json_t* props, const std::string& path) {
    if (!json_is_object(props)) return invalid_value(p, path, proto("Schema"), props);
    size_t i = 0;
    const char* key;
    json_t* v;
    json_object_foreach(props, key, v) check_schema(p, v, item(path, i++) + ".value");
}

void check_schema_list(Problems& p, json_t* list, const std::string& path) {
    if (!json_is_array(list)) return invalid_value(p, path, proto("Schema"), list);
    size_t i;
    json_t* v;
    json_array_foreach(list, i, v) check_schema(p, v, item(path, i));
}

void check_schema(Problems& p, json_t* schema, const std::string& path) {
    if (!json_is_object(schema)) return invalid_value(p, path, proto("Schema"), schema);
    const char* key;
    json_t* v;
    json_object_foreach(schema, key, v) {
        const std::string k = camel(key);
        if (!one_of(k, kSchemaFields)) unknown_name(p, path, key);
        else if (k == "type" && json_is_array(v))
            unknown_name(p, path, key, "Proto field is not repeating, cannot start list.");
        else if (k == "type" && !(json_is_string(v) && one_of(lower(json_string_value(v)), kSchemaTypes)))
            invalid_value(p, field(path, "type"), proto("Type"), v);
        else if (k == "properties") check_properties(p, v, field(path, "properties"));
        else if (k == "items") check_schema(p, v, field(path, "items"));
        else if (k == "anyOf") check_schema_list(p, v, field(path, "any_of"));
    }
}

// https://ai.google.dev/api/caching#FunctionDeclaration
const char* const kDeclarationFields[] = {"name",     "description",          "behavior",          "parameters",
                                          "response", "parametersJsonSchema", "responseJsonSchema"};

void check_declaration_json(Problems& p, json_t* decl, const std::string& path) {
    if (!json_is_object(decl)) return invalid_value(p, path, proto("FunctionDeclaration"), decl);
    const char* key;
    json_t* v;
    json_object_foreach(decl, key, v) {
        const std::string k = camel(key);
        if (!one_of(k, kDeclarationFields)) unknown_name(p, path, key);
        else if ((k == "name" || k == "description" || k == "behavior") && !json_is_string(v))
            invalid_value(p, field(path, snake(k)), "TYPE_STRING", v);
        else if ((k == "parameters" || k == "response") && present(v)) check_schema(p, v, field(path, k));
        // parametersJsonSchema / responseJsonSchema are google.protobuf.Value: any JSON parses.
    }
}

// https://ai.google.dev/api/caching#Tool
const char* const kToolFields[] = {"functionDeclarations", "googleSearchRetrieval",
                                   "codeExecution",        "googleSearch",
                                   "computerUse",          "urlContext",
                                   "fileSearch",           "googleMaps"};

void check_tool_json(Problems& p, json_t* tool, const std::string& path) {
    if (!json_is_object(tool)) return invalid_value(p, path, proto("Tool"), tool);
    const char* key;
    json_t* v;
    json_object_foreach(tool, key, v) if (!one_of(camel(key), kToolFields)) unknown_name(p, path, key);
    json_t* decls = member(tool, "functionDeclarations");
    if (!present(decls)) return;
    const std::string decls_path = field(path, "function_declarations");
    if (!json_is_array(decls)) return invalid_value(p, decls_path, proto("FunctionDeclaration"), decls);
    size_t i;
    json_array_foreach(decls, i, v) check_declaration_json(p, v, item(decls_path, i));
}

void check_tools_json(Problems& p, json_t* body) {
    json_t* tools = json_object_get(body, "tools");
    if (!present(tools)) return;
    if (!json_is_array(tools)) return invalid_value(p, "tools", proto("Tool"), tools);
    size_t i;
    json_t* tool;
    json_array_foreach(tools, i, tool) check_tool_json(p, tool, item("tools", i));
}

// https://ai.google.dev/api/caching#FunctionCallingConfig (VALIDATED included;
// MODE_UNSPECIFIED means AUTO).
const char* const kModes[] = {"MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"};

void check_calling_config_json(Problems& p, json_t* fcc, const std::string& path) {
    if (!json_is_object(fcc)) return invalid_value(p, path, proto("FunctionCallingConfig"), fcc);
    const char* key;
    json_t* v;
    json_object_foreach(fcc, key, v) {
        const std::string k = camel(key);
        if (k == "mode") {
            if (!json_is_string(v) || !one_of(std::string(json_string_value(v)), kModes))
                invalid_value(p, field(path, "mode"), proto("FunctionCallingConfig.Mode"), v);
        } else if (k == "allowedFunctionNames") {
            const std::string names_path = field(path, "allowed_function_names");
            if (!json_is_array(v)) {
                invalid_value(p, names_path, "TYPE_STRING", v);
                continue;
            }
            size_t i;
            json_t* name;
            json_array_foreach(v, i, name) if (!json_is_string(name))
                invalid_value(p, item(names_path, i), "TYPE_STRING", name);
        } else {
            unknown_name(p, path, key);
        }
    }
}

// https://ai.google.dev/api/caching#ToolConfig
void check_tool_config_json(Problems& p, json_t* body) {
    json_t* tc = member(body, "toolConfig");
    if (!present(tc)) return;
    if (!json_is_object(tc)) return invalid_value(p, "tool_config", proto("ToolConfig"), tc);
    const char* key;
    json_t* v;
    json_object_foreach(tc, key, v) {
        const std::string k = camel(key);
        if (k == "functionCallingConfig") {
            if (present(v)) check_calling_config_json(p, v, "tool_config.function_calling_config");
        } else if (k != "retrievalConfig") {
            unknown_name(p, "tool_config", key);
        }
    }
}

// ---- contents as JSON (https://ai.google.dev/api/caching#Content, #Part) -------

// Part's `data` is a oneof: exactly one of these is set.
const char* const kPartData[] = {"text",           "inlineData",         "fileData", "functionCall", "functionResponse",
                                 "executableCode", "codeExecutionResult"};

// thoughtSignature is `bytes`: standard or URL-safe base64, padding optional.
bool is_base64(const std::string& s) {
    size_t end = s.find_last_not_of('=');
    size_t data = end == std::string::npos ? 0 : end + 1;
    if (s.size() - data > 2 || data % 4 == 1) return false;
    return std::all_of(s.begin(), s.begin() + static_cast<long>(data), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '/' || ch == '-' || ch == '_';
    });
}

// FunctionCall {id?, name, args?} and FunctionResponse {id?, name, response}:
// https://ai.google.dev/api/caching#FunctionCall, #FunctionResponse
void check_call_json(Problems& p, json_t* call, const std::string& path, const char* message, const char* payload) {
    if (!json_is_object(call)) return invalid_value(p, path, proto(message), call);
    for (const char* s : {"id", "name"}) {
        json_t* v = member(call, s);
        if (present(v) && !json_is_string(v)) invalid_value(p, field(path, s), "TYPE_STRING", v);
    }
    json_t* v = member(call, payload);
    if (present(v) && !json_is_object(v))
        invalid_value(p, field(path, payload), "type.googleapis.com/google.protobuf.Struct", v);
}

// Blob {mimeType, data (bytes: base64)}: https://ai.google.dev/api/caching#Blob ;
// the types Gemini takes inline: https://ai.google.dev/gemini-api/docs/image-understanding ,
// .../audio , .../document-processing (images PNG/JPEG/WEBP/HEIC/HEIF, the
// common audio types, PDF and plain text).
const char* const kInlineTypes[] = {"image/png",  "image/jpeg", "image/webp", "image/heic", "image/heif",
                                    "audio/wav",  "audio/mp3",  "audio/mpeg", "audio/aiff", "audio/aac",
                                    "audio/ogg",  "audio/flac", "application/pdf", "text/plain"};

void check_blob_json(Problems& p, json_t* blob, const std::string& path) {
    if (!json_is_object(blob)) return invalid_value(p, path, proto("Blob"), blob);
    json_t* data = member(blob, "data");
    if (!json_is_string(data) || !is_base64(json_string_value(data)) || json_string_length(data) == 0)
        p.payload.emplace_back(field(path, "data"), "Invalid value at '" + field(path, "data") +
                                                        "' (TYPE_BYTES), Base64 decoding failed for " + dump(data));
    json_t* type = member(blob, "mimeType");
    const std::string mime = json_is_string(type) ? json_string_value(type) : "";
    if (!one_of(mime, kInlineTypes)) p.payload.emplace_back(field(path, "mime_type"), "Unsupported MIME type: " + mime);
}

void check_part_json(Problems& p, json_t* part, const std::string& path) {
    if (!json_is_object(part)) return invalid_value(p, path, proto("Part"), part);
    bool data_set = false;
    const char* key;
    json_t* v;
    json_object_foreach(part, key, v) {
        if (!present(v) || !one_of(camel(key), kPartData)) continue;
        if (data_set)
            p.payload.emplace_back(
                path, "Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '" + camel(key) +
                          "' at '" + path + "'");
        data_set = true;
    }
    json_t* sig = member(part, "thoughtSignature");
    if (present(sig) && !(json_is_string(sig) && is_base64(json_string_value(sig))))
        p.payload.emplace_back(field(path, "thought_signature"),
                               "Invalid value at '" + field(path, "thought_signature") +
                                   "' (TYPE_BYTES), Base64 decoding failed for " + dump(sig));
    if (present(v = member(part, "inlineData"))) check_blob_json(p, v, field(path, "inline_data"));
    if (present(v = member(part, "functionCall")))
        check_call_json(p, v, field(path, "function_call"), "FunctionCall", "args");
    if (present(v = member(part, "functionResponse")))
        check_call_json(p, v, field(path, "function_response"), "FunctionResponse", "response");
}

void check_content_json(Problems& p, json_t* content, const std::string& path) {
    if (!json_is_object(content)) return invalid_value(p, path, proto("Content"), content);
    json_t* parts = member(content, "parts");
    if (!present(parts)) return;
    if (!json_is_array(parts)) return invalid_value(p, field(path, "parts"), proto("Part"), parts);
    size_t k;
    json_t* part;
    json_array_foreach(parts, k, part) check_part_json(p, part, item(field(path, "parts"), k));
}

void check_contents_json(Problems& p, json_t* contents) {
    size_t i;
    json_t* content;
    json_array_foreach(contents, i, content) check_content_json(p, content, item("contents", i));
}

// ---- What the tools declare ------------------------------------------------------

struct Declared {
    std::string name;
    bool has_parameters = false;  // parameters or parametersJsonSchema
};

// The functions declared and how they may be called; read once the JSON fits.
struct ToolSetup {
    std::vector<Declared> functions;
    bool has_tools = false;  // a non-empty `tools`
    bool has_tool_config = false;
    bool has_calling_config = false;  // toolConfig.functionCallingConfig
    std::string mode = "AUTO";
    std::vector<std::string> allowed;  // allowedFunctionNames

    const Declared* find(const std::string& name) const {
        for (const auto& f : functions)
            if (f.name == name) return &f;
        return nullptr;
    }
    // Declared, and allowed if the config names what may be called.
    bool callable(const std::string& name) const {
        return find(name) && (allowed.empty() || std::find(allowed.begin(), allowed.end(), name) != allowed.end());
    }
};

ToolSetup read_tools(json_t* body) {
    ToolSetup t;
    json_t* tools = json_object_get(body, "tools");
    t.has_tools = json_array_size(tools) > 0;
    size_t i, k;
    json_t *tool, *decl;
    json_array_foreach(tools, i, tool) {
        json_array_foreach(member(tool, "functionDeclarations"), k, decl) {
            bool has_parameters = present(member(decl, "parameters")) || present(member(decl, "parametersJsonSchema"));
            t.functions.push_back({str_member(decl, "name"), has_parameters});
        }
    }
    json_t* tc = member(body, "toolConfig");
    json_t* fcc = member(tc, "functionCallingConfig");
    t.has_tool_config = present(tc);
    t.has_calling_config = present(fcc);
    std::string mode = str_member(fcc, "mode");
    if (!mode.empty() && mode != "MODE_UNSPECIFIED") t.mode = mode;
    json_t* name;
    json_array_foreach(member(fcc, "allowedFunctionNames"), i, name) t.allowed.push_back(json_string_value(name));
    return t;
}

// ---- Field values ------------------------------------------------------------------

// FunctionDeclaration.name (https://ai.google.dev/api/caching#FunctionDeclaration):
// ^[A-Za-z_][A-Za-z0-9_.-]{0,63}$
bool valid_function_name(const std::string& n) {
    auto word = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
    if (n.empty() || n.size() > 64 || std::isdigit(static_cast<unsigned char>(n[0])) || !word(n[0])) return false;
    return std::all_of(n.begin(), n.end(), [&word](char ch) { return word(ch) || ch == '.' || ch == '-'; });
}

void check_declaration_values(Problems& p, json_t* decl, const std::string& path) {
    if (!valid_function_name(str_member(decl, "name")))
        request_problem(p, field(path, "name"),
                        "Invalid function name. Must start with a letter or an underscore. Must be alphameric "
                        "(a-z, A-Z, 0-9), underscores (_), dots (.) or dashes (-), with a maximum length of 64.");
    json_t* params = member(decl, "parameters");
    json_t* json_schema = member(decl, "parametersJsonSchema");
    if (present(params) && present(json_schema))
        request_problem(p, path, "parameters and parameters_json_schema cannot both be set; use one of them.");
    if (present(json_schema) && !json_is_object(json_schema))
        request_problem(p, field(path, "parameters_json_schema"), "must be a JSON Schema object.");
}

void check_tools_values(Problems& p, json_t* body) {
    size_t i, k;
    json_t *tool, *decl;
    json_array_foreach(json_object_get(body, "tools"), i, tool) {
        json_array_foreach(member(tool, "functionDeclarations"), k, decl) {
            check_declaration_values(p, decl, item(field(item("tools", i), "function_declarations"), k));
        }
    }
}

// Function calling modes and allowed names:
// https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes
void check_tool_config_values(Problems& p, const ToolSetup& t) {
    const std::string fcc = "tool_config.function_calling_config";
    if (t.has_tool_config && !t.has_tools)
        return request_problem(p, "tool_config", "tool_config is set but the request declares no tools.");
    if (t.has_calling_config && t.functions.empty())
        return request_problem(p, fcc, "function_calling_config is set but no tool has function_declarations.");
    if (!t.allowed.empty() && t.mode != "ANY")
        request_problem(p, field(fcc, "allowed_function_names"),
                        "allowed_function_names can only be set when mode is ANY (mode is " + t.mode + ").");
    for (size_t i = 0; i < t.allowed.size(); ++i)
        if (!t.find(t.allowed[i]))
            request_problem(p, item(field(fcc, "allowed_function_names"), i),
                            "function \"" + t.allowed[i] + "\" is not declared in tools[].function_declarations.");
}

void check_part_values(Problems& p, json_t* part, const std::string& path) {
    size_t data = 0;
    for (const char* d : kPartData) data += present(member(part, d)) ? 1 : 0;
    if (data == 0)
        request_problem(p, field(path, "data"), "required oneof field 'data' must have one initialized field");
    json_t* call = member(part, "functionCall");
    if (present(call) && str_member(call, "name").empty())
        request_problem(p, field(path, "function_call.name"), "Name cannot be empty.");
    json_t* resp = member(part, "functionResponse");
    if (!present(resp)) return;
    if (str_member(resp, "name").empty())
        request_problem(p, field(path, "function_response.name"), "Name cannot be empty.");
    if (!present(member(resp, "response")))
        request_problem(p, field(path, "function_response.response"),
                        "response is required: the function's result as a JSON object.");
}

void check_contents_values(Problems& p, json_t* contents) {
    size_t i, k;
    json_t *content, *part;
    json_array_foreach(contents, i, content) {
        json_array_foreach(member(content, "parts"), k, part) check_part_values(p, part, part_path(i, k));
    }
}

// ---- Turns ---------------------------------------------------------------------------

bool is_model_turn(const json_t* content) { return str_field(content, "role") == "model"; }

// How many of the content's parts carry `data` ("functionCall", "functionResponse").
size_t count_parts(const json_t* content, const char* data) {
    size_t n = 0, k;
    json_t* part;
    json_array_foreach(member(content, "parts"), k, part) n += present(member(part, data)) ? 1 : 0;
    return n;
}

// A turn of function responses answers the model's function call turn right
// before it, one response per call:
// https://ai.google.dev/gemini-api/docs/function-calling
void check_function_turns(Problems& p, json_t* contents) {
    for (size_t i = 0; i < json_array_size(contents); ++i) {
        size_t responses = count_parts(json_array_get(contents, i), "functionResponse");
        if (responses == 0) continue;
        json_t* prev = i ? json_array_get(contents, i - 1) : nullptr;
        size_t calls = count_parts(prev, "functionCall");
        if (!prev || !is_model_turn(prev) || calls == 0)
            return plain_problem(
                p, "Please ensure that function response turn comes immediately after a function call turn.");
        if (calls != responses)
            return plain_problem(p,
                                 "Please ensure that the number of function response parts is equal to the number of "
                                 "function call parts of the function call turn.");
    }
}

// The ids of a function call turn's calls (Gemini 3 gives them ids).
std::vector<std::string> call_ids(const json_t* content) {
    std::vector<std::string> ids;
    size_t k;
    json_t* part;
    json_array_foreach(member(content, "parts"), k, part) {
        std::string id = str_member(member(part, "functionCall"), "id");
        if (!id.empty()) ids.push_back(id);
    }
    return ids;
}

// When the calls had ids, each response carries the id of the call it answers
// (FunctionResponse.id: https://ai.google.dev/api/caching#FunctionResponse).
void check_response_ids(Problems& p, json_t* contents) {
    for (size_t i = 1; i < json_array_size(contents); ++i) {
        std::vector<std::string> ids = call_ids(json_array_get(contents, i - 1));
        if (ids.empty()) continue;
        std::string list;
        for (const auto& id : ids) list += (list.empty() ? "\"" : ", \"") + id + "\"";
        size_t k;
        json_t* part;
        json_array_foreach(member(json_array_get(contents, i), "parts"), k, part) {
            json_t* resp = member(part, "functionResponse");
            if (!present(resp)) continue;
            std::string id = str_member(resp, "id");
            if (std::find(ids.begin(), ids.end(), id) == ids.end())
                request_problem(p, field(part_path(i, k), "function_response.id"),
                                (id.empty() ? std::string("missing") : "\"" + id + "\" is not") +
                                    " the id of a function call in contents[" + std::to_string(i - 1) + "] (" + list +
                                    ").");
        }
    }
}

// ---- Thought signatures ----------------------------------------------------------------

// Opaque base64, like the real ones (which are longer).
std::string new_signature() {
    return random_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 60);
}

std::string new_call_id() { return "fc_" + random_chars("abcdefghijklmnopqrstuvwxyz0123456789", 16); }

// The docs' escape hatch for calls the model did not make itself (another
// model's history, hand-built turns): the validator skips these values.
bool is_dummy_signature(const std::string& sig) {
    return sig == "skip_thought_signature_validator" || sig == "context_engineering_is_the_way_to_go";
}

void remember_call(Shared& shared, const std::string& sig, const IssuedCall& call) {
    auto s = shared.lock();
    // Bounded like the records: the oldest half goes in one step.
    constexpr size_t kKeepSignatures = 100000;
    if (s->signature_order.size() >= 2 * kKeepSignatures)
        for (size_t i = 0; i < kKeepSignatures; ++i) {
            s->signatures.erase(s->signature_order.front());
            s->signature_order.pop_front();
        }
    s->signatures[sig] = call;
    s->signature_order.push_back(sig);
}

bool find_call(Shared& shared, const std::string& sig, IssuedCall& out) {
    auto s = shared.lock();
    auto it = s->signatures.find(sig);
    if (it == s->signatures.end()) return false;
    out = it->second;
    return true;
}

// Gemini 3: a functionCall part sent back carries the signature it was issued
// with, and the call keeps its id. The content's index is the "position".
void check_signature(Problems& p, Shared& shared, json_t* part, size_t i, size_t k) {
    json_t* call = member(part, "functionCall");
    std::string sig = str_member(part, "thoughtSignature");
    if (sig.empty())
        return plain_problem(p,
                             "Function call is missing a thought_signature in functionCall parts. This is required "
                             "for tools to work correctly, and missing thought_signature may lead to degraded model "
                             "performance. Additional data, function call `default_api:" +
                                 str_member(call, "name") + "` , position " + std::to_string(i) +
                                 ". Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for "
                                 "more details.");
    IssuedCall issued;
    if (is_dummy_signature(sig)) return;
    if (!find_call(shared, sig, issued)) return plain_problem(p, "Corrupted thought signature.");
    std::string id = str_member(call, "id");
    if (!issued.id.empty() && id != issued.id)
        request_problem(p, field(part_path(i, k), "function_call.id"),
                        (id.empty() ? std::string("missing") : "\"" + id + "\" is not") +
                            " the id this function call was issued with (\"" + issued.id + "\").");
}

void check_signatures(Problems& p, Shared& shared, json_t* contents) {
    size_t i, k;
    json_t *content, *part;
    json_array_foreach(contents, i, content) {
        json_array_foreach(member(content, "parts"), k, part) {
            if (present(member(part, "functionCall"))) check_signature(p, shared, part, i, k);
            if (!p.plain.empty()) return;
        }
    }
}

// ---- Validation ----------------------------------------------------------------------------

// In the real API's order: the JSON against the proto first (nothing else is
// looked at if that fails), then field values, then the turns.
Problems validate(json_t* body, json_t* contents, const std::string& model, Shared& shared) {
    Problems p;
    check_tools_json(p, body);
    check_tool_config_json(p, body);
    check_contents_json(p, contents);
    if (p.any()) return p;
    check_tools_values(p, body);
    check_tool_config_values(p, read_tools(body));
    check_contents_values(p, contents);
    if (p.any()) return p;
    check_function_turns(p, contents);
    if (!is_gemini3(model) || p.any()) return p;
    check_signatures(p, shared, contents);
    if (!p.any()) check_response_ids(p, contents);
    return p;
}

// ---- Answers ---------------------------------------------------------------------------------

// What a generateContent call asks for and what the fake answers.
struct GenerateCall {
    std::string model, reply, finish_reason = "STOP", response_id;
    long prompt_tokens = 0, thoughts_tokens = 0;
    int candidate_count = 1;
    bool blocked = false;
    // Instead of `reply`: functionCall parts, and each call's "tokens".
    std::vector<Json> call_parts;
    std::vector<long> call_tokens;
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

// One GenerateContentResponse whose single candidate holds `parts` (taken).
json_t* parts_response(const GenerateCall& c, json_t* parts, const char* finish, long candidates_tokens) {
    json_t* cand = json_pack("{s:{s:o, s:s}, s:i}", "content", "parts", parts, "role", "model", "index", 0);
    if (finish) json_object_set_new(cand, "finishReason", json_string(finish));
    return json_pack("{s:[o], s:o, s:s, s:s}", "candidates", cand, "usageMetadata", usage_json(c, candidates_tokens),
                     "modelVersion", c.model.c_str(), "responseId", c.response_id.c_str());
}

// Text of a Content's parts.
std::string parts_text(const json_t* content) {
    std::string out;
    size_t i;
    json_t* part;
    json_array_foreach(json_object_get(content, "parts"), i, part) out += str_field(part, "text");
    return out;
}

// The fake's prompt "tokens" in a Content: the words of its text, and of the
// compact JSON of its function calls and responses.
long content_words(const json_t* content) {
    long words = count_words(parts_text(content));
    size_t i;
    json_t* part;
    json_array_foreach(json_object_get(content, "parts"), i, part) {
        for (const char* d : {"functionCall", "functionResponse"})
            if (present(member(part, d))) words += count_words(dump(member(part, d)));
    }
    return words;
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

// Non-stream: every functionCall part in order in one candidate. Stream: as
// the real API sends parallel calls, each call in a frame of its own, always
// at part index 0, then a frame with an empty text part, STOP and the usage.
std::vector<std::string> call_payloads(const GenerateCall& c, bool streaming) {
    long total = 0;
    for (long t : c.call_tokens) total += t;
    if (!streaming) {
        json_t* parts = json_array();
        for (const auto& part : c.call_parts) json_array_append(parts, part.get());
        return {dump_owned(parts_response(c, parts, "STOP", total))};
    }
    std::vector<std::string> out;
    long running = 0;
    for (size_t k = 0; k < c.call_parts.size(); ++k) {
        running += c.call_tokens[k];
        out.push_back(dump_owned(parts_response(c, json_pack("[O]", c.call_parts[k].get()), nullptr, running)));
    }
    out.push_back(dump_owned(parts_response(c, json_pack("[{s:s}]", "text", ""), "STOP", total)));
    return out;
}

// The functions the user's text asks for: "call" followed by declared names
// ("please call get_weather and get_time"), each once, in the order named;
// with mode ANY and none named, the first allowed (or declared) function.
std::vector<const Declared*> chosen_functions(const std::string& text, const ToolSetup& t) {
    std::vector<const Declared*> out;
    for (const auto& word : names_after_call(text)) {
        const Declared* fn = t.callable(word) ? t.find(word) : nullptr;
        if (fn && std::find(out.begin(), out.end(), fn) == out.end()) out.push_back(fn);
    }
    if (out.empty() && t.mode == "ANY") out.push_back(t.allowed.empty() ? &t.functions[0] : t.find(t.allowed[0]));
    return out;
}

// A functionCall part for `fn`: args {"q": <the user's text>} if it takes
// parameters; 2.5 and 3 models sign it (thoughtSignature, a sibling of
// functionCall), 3 models give the call an id. The fake remembers what it signed.
json_t* call_part(Shared& shared, const std::string& model, const Declared& fn, const std::string& text) {
    json_t* call = json_pack("{s:s}", "name", fn.name.c_str());
    if (fn.has_parameters) json_object_set_new(call, "args", json_pack("{s:s}", "q", text.c_str()));
    IssuedCall issued{fn.name, ""};
    if (is_gemini3(model)) {
        issued.id = new_call_id();
        json_object_set_new(call, "id", json_string(issued.id.c_str()));
    }
    json_t* part = json_pack("{s:o}", "functionCall", call);
    if (signs_calls(model)) {
        std::string sig = new_signature();
        json_object_set_new(part, "thoughtSignature", json_string(sig.c_str()));
        remember_call(shared, sig, issued);
    }
    return part;
}

// Function calls answer the last turn when it is the user's text, the request
// declares functions and the mode is not NONE:
// https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes
void plan_calls(GenerateCall& c, json_t* body, const json_t* last, Shared& shared) {
    ToolSetup tools = read_tools(body);
    std::string text = parts_text(last);
    if (tools.functions.empty() || tools.mode == "NONE" || is_model_turn(last) || text.empty()) return;
    for (const Declared* fn : chosen_functions(text, tools)) {
        c.call_parts.emplace_back(call_part(shared, c.model, *fn, text));
        c.call_tokens.push_back(1 + (fn->has_parameters ? count_words(text) : 0));
    }
}

// The answer to a turn of function results: each response's compact JSON.
std::string tool_results_reply(const json_t* content) {
    std::string results;
    size_t k;
    json_t* part;
    json_array_foreach(member(content, "parts"), k, part) {
        json_t* resp = member(part, "functionResponse");
        if (present(resp)) results += (results.empty() ? "" : "; ") + dump(member(resp, "response"));
    }
    return "This is a fake reply from fake-gemini to tool results: " + results;
}

GenerateCall plan_reply(json_t* body, json_t* contents, const std::string& model, Exchange& ex) {
    GenerateCall c;
    c.model = model;
    std::string last_user;
    size_t i;
    json_t* content;
    json_array_foreach(contents, i, content) {
        c.prompt_tokens += content_words(content);
        std::string role = str_field(content, "role");
        if (role.empty() || role == "user") last_user = parts_text(content);
    }
    c.prompt_tokens += count_words(parts_text(json_object_get(body, "systemInstruction")));
    json_int_t cc = json_integer_value(json_object_get(json_object_get(body, "generationConfig"), "candidateCount"));
    c.candidate_count = static_cast<int>(std::min<json_int_t>(std::max<json_int_t>(cc, 1), 8));
    c.reply = "This is a fake reply from fake-gemini to: " + last_user;
    c.response_id = "fake-resp-" + std::to_string(ex.rec->seq);
    c.thoughts_tokens = contains(c.model, "thinking") ? 7 : 0;
    c.blocked = contains(c.model, "blocked");
    if (contains(c.model, "safety")) c.finish_reason = "SAFETY";
    if (contains(c.model, "maxtokens")) c.finish_reason = "MAX_TOKENS";

    const json_t* last = json_array_get(contents, json_array_size(contents) - 1);
    if (count_parts(last, "functionResponse") > 0) c.reply = tool_results_reply(last);
    else if (!c.blocked) plan_calls(c, body, last, ex.shared);
    return c;
}

// The real API's words for a model it does not know, or that does not serve `method`.
std::string not_found_message(const std::string& model, const char* method) {
    return "models/" + model + " is not found for API version v1beta, or is not supported for " + method +
           ". Call ListModels to see the list of available models and their supported methods.";
}

void generate_common(const httplib::Request& req, httplib::Response& res, Exchange& ex, bool streaming) {
    if (!auth_ok(req, res, ex)) return;
    const std::string model = req.matches[1];
    const char* method = streaming ? "streamGenerateContent" : "generateContent";
    if (model.find("nonexistent") != std::string::npos)
        return send_json(res, ex, 404, gemini_error(404, not_found_message(model, method), "NOT_FOUND"));
    Json body = parse_json(ex.body);
    json_t* contents = json_object_get(body.get(), "contents");
    if (!json_is_array(contents) || json_array_size(contents) == 0)
        return send_json(res, ex, 400,
                         gemini_error(400,
                                      body ? "* GenerateContentRequest.contents: contents is not "
                                             "specified\n"
                                           : "Invalid JSON payload received.",
                                      "INVALID_ARGUMENT"));
    Problems problems = validate(body.get(), contents, model, ex.shared);
    if (problems.any()) return send_json(res, ex, 400, problems_error(problems));

    GenerateCall c = plan_reply(body.get(), contents, model, ex);
    auto out = c.call_parts.empty() ? payloads(c, streaming) : call_payloads(c, streaming);
    if (!streaming) return send_body(res, ex, 200, out[0], "application/json; charset=UTF-8");
    if (req.get_param_value("alt") == "sse")
        return send_stream(req, res, ex, "text/event-stream", sse_frames(out, sse_separator(ex.beh, ex.proto)));
    // Without alt=sse the real API streams one JSON array; emulate that framing.
    for (size_t k = 0; k < out.size(); ++k) out[k] = (k ? ",\r\n" : "[") + out[k];
    out.push_back("]");
    send_stream(req, res, ex, "application/json; charset=UTF-8", out);
}

// ---- Embeddings (https://ai.google.dev/api/embeddings) ------------------------------------

const size_t kMaxBatchRequests = 100;

// The list's entry for the URL's model id, or nullptr.
const Model* find_model(const std::string& model) {
    for (const auto& m : kModels)
        if (m.name == "models/" + model) return &m;
    return nullptr;
}

bool supports(const Model& m, const char* method) {
    return contains("," + std::string(m.methods) + ",", ("," + std::string(method) + ",").c_str());
}

// Only a listed model whose supportedGenerationMethods has embedContent
// embeds, in batches too: an unknown model is a 404, a listed one that cannot
// embed (every chat model) the real API's 400 INVALID_ARGUMENT.
bool embed_model_ok(httplib::Response& res, const Exchange& ex, const std::string& model, const char* method) {
    const Model* m = find_model(model);
    if (m && supports(*m, "embedContent")) return true;
    if (m) send_json(res, ex, 400, gemini_error(400, not_found_message(model, method), "INVALID_ARGUMENT"));
    else send_json(res, ex, 404, gemini_error(404, not_found_message(model, method), "NOT_FOUND"));
    return false;
}

// https://ai.google.dev/api/embeddings#EmbedContentRequest
const char* const kEmbedFields[] = {"model", "content", "taskType", "title", "outputDimensionality"};
// https://ai.google.dev/api/embeddings#tasktype
const char* const kTaskTypes[] = {"TASK_TYPE_UNSPECIFIED", "RETRIEVAL_QUERY",   "RETRIEVAL_DOCUMENT",
                                  "SEMANTIC_SIMILARITY",   "CLASSIFICATION",    "CLUSTERING",
                                  "QUESTION_ANSWERING",    "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY"};

// One EmbedContentRequest's JSON against its proto; `path` is "" for
// embedContent's body and "requests[i]" in a batch.
void check_embed_json(Problems& p, json_t* r, const std::string& path) {
    if (!json_is_object(r)) return invalid_value(p, path, proto("EmbedContentRequest"), r);
    const char* key;
    json_t* v;
    json_object_foreach(r, key, v) {
        const std::string k = camel(key);
        if (!one_of(k, kEmbedFields)) unknown_name(p, path, key);
        else if (!present(v)) continue;
        else if ((k == "model" || k == "title") && !json_is_string(v))
            invalid_value(p, field(path, k), "TYPE_STRING", v);
        else if (k == "taskType" && !(json_is_string(v) && one_of(std::string(json_string_value(v)), kTaskTypes)))
            invalid_value(p, field(path, "task_type"), proto("TaskType"), v);
        else if (k == "outputDimensionality" && !json_is_integer(v))
            invalid_value(p, field(path, "output_dimensionality"), "TYPE_INT32", v);
        else if (k == "content") check_content_json(p, v, field(path, "content"));
    }
}

// Its values, once the JSON fits: in a batch the model is the URL's
// (`batch_model`, "" for embedContent); the content has text to embed; an
// outputDimensionality from 1 to kMaxEmbeddingDims. The fake words these.
void check_embed_values(Problems& p, json_t* r, const std::string& path, const std::string& batch_model) {
    const std::string model = str_member(r, "model");
    if (!batch_model.empty() && model != batch_model)
        request_problem(p, field(path, "model"),
                        "the model of each request must match the model specified BatchEmbedContentsRequest.model (" +
                            batch_model + "), got " + (model.empty() ? std::string("none") : "\"" + model + "\"") +
                            ".");
    json_t* content = member(r, "content");
    if (!present(content)) {
        request_problem(p, field(path, "content"), "content is not specified");
    } else {
        const size_t before = p.request.size();
        size_t k;
        json_t* part;
        json_array_foreach(member(content, "parts"), k, part) {
            check_part_values(p, part, item(field(path, "content.parts"), k));
        }
        if (p.request.size() == before && parts_text(content).empty())
            request_problem(p, field(path, "content.parts"),
                            "no text to embed: at least one non-empty text part is required.");
    }
    json_t* dims = member(r, "outputDimensionality");
    const json_int_t n = json_integer_value(dims);
    if (present(dims) && n < 1)
        request_problem(p, field(path, "output_dimensionality"),
                        "output_dimensionality must be at least 1, got " + std::to_string(n) + ".");
    if (n > kMaxEmbeddingDims)
        request_problem(p, field(path, "output_dimensionality"),
                        "output_dimensionality must be at most " + std::to_string(kMaxEmbeddingDims) + ", got " +
                            std::to_string(n) + ".");
}

// BatchEmbedContentsRequest {model (the URL's), requests}: the JSON of every
// request, then the count (the real API's "at most 100" line), then each
// request's values.
Problems validate_batch(json_t* body, const std::string& model) {
    Problems p;
    p.message = "BatchEmbedContentsRequest";
    const char* key;
    json_t* v;
    json_object_foreach(body, key, v) {
        const std::string k = camel(key);
        if (k != "requests" && k != "model") unknown_name(p, "", key);
        else if (k == "model" && present(v) && !json_is_string(v)) invalid_value(p, "model", "TYPE_STRING", v);
    }
    json_t* requests = member(body, "requests");
    size_t i;
    if (present(requests) && !json_is_array(requests)) {
        invalid_value(p, "requests", proto("EmbedContentRequest"), requests);
    } else {
        json_array_foreach(requests, i, v) check_embed_json(p, v, item("requests", i));
    }
    if (p.any()) return p;
    if (json_array_size(requests) == 0) request_problem(p, "requests", "requests is not specified");
    else if (json_array_size(requests) > kMaxBatchRequests)
        request_problem(p, "requests",
                        "at most " + std::to_string(kMaxBatchRequests) + " requests can be in one batch");
    if (p.any()) return p;
    json_array_foreach(requests, i, v) check_embed_values(p, v, item("requests", i), "models/" + model);
    return p;
}

Problems validate_embed(json_t* body) {
    Problems p;
    p.message = "EmbedContentRequest";
    check_embed_json(p, body, "");
    if (!p.any()) check_embed_values(p, body, "", "");
    return p;
}

// ContentEmbedding {values}: the fake's embedding (common.h) of the text parts
// joined as generateContent reads them, outputDimensionality long or 8.
json_t* content_embedding(const json_t* r) {
    const json_int_t n = json_integer_value(member(r, "outputDimensionality"));
    const size_t dims = static_cast<size_t>(n > 0 ? n : kDefaultEmbeddingDims);
    return json_pack("{s:o}", "values", floats_json(embed_text(parts_text(member(r, "content")), dims)));
}

void embed_common(const httplib::Request& req, httplib::Response& res, Exchange& ex, bool batch) {
    if (!auth_ok(req, res, ex)) return;
    const std::string model = req.matches[1];
    if (!embed_model_ok(res, ex, model, batch ? "batchEmbedContents" : "embedContent")) return;
    Json body = parse_json(ex.body);
    if (!json_is_object(body.get()))
        return send_json(res, ex, 400, gemini_error(400, "Invalid JSON payload received.", "INVALID_ARGUMENT"));
    Problems problems = batch ? validate_batch(body.get(), model) : validate_embed(body.get());
    if (problems.any()) return send_json(res, ex, 400, problems_error(problems));
    json_t* out;
    if (batch) {
        json_t* embeddings = json_array();
        size_t i;
        json_t* r;
        json_array_foreach(member(body.get(), "requests"), i, r) {
            json_array_append_new(embeddings, content_embedding(r));
        }
        out = json_pack("{s:o}", "embeddings", embeddings);
    } else {
        out = json_pack("{s:o}", "embedding", content_embedding(body.get()));
    }
    send_body(res, ex, 200, dump_owned(out), "application/json; charset=UTF-8");
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

void embed(const httplib::Request& req, httplib::Response& res, Exchange& ex) { embed_common(req, res, ex, false); }

void batch_embed(const httplib::Request& req, httplib::Response& res, Exchange& ex) {
    embed_common(req, res, ex, true);
}

}  // namespace fake::gemini
