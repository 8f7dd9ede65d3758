#include "providers/gemini_tools.h"

#include <cstring>
#include <regex>

#include "common/base64.h"
#include "providers/gemini_schema.h"
#include "providers/gemini_translate.h"

namespace llmapi::providers::gemini {

namespace {

bool fail(TranslateError& err, std::string param, std::string message) {
    err.param = std::move(param);
    err.message = std::move(message);
    return false;
}

bool is_absent(const json_t* v) { return v == nullptr || json_is_null(v); }
const char* str(const json_t* obj, const char* key) { return json_string_value(json_object_get(obj, key)); }
std::string at(const char* what, size_t i) { return std::string(what) + "[" + std::to_string(i) + "]"; }

// Gemini's FunctionDeclaration.name rule, as section 9 pins it.
bool valid_function_name(const char* name) {
    static const std::regex re("^[A-Za-z_][A-Za-z0-9_.-]{0,63}$");
    return name && std::regex_match(name, re);
}

// JSON Schema as given, minus "$schema" (Gemini rejects the keyword).
JsonPtr json_schema_parameters(const json_t* parameters) {
    JsonPtr copy(json_deep_copy(parameters));
    json_object_del(copy.get(), "$schema");
    return copy;
}

bool declare(const json_t* tool, size_t i, bool openapi, json_t* declarations, TranslateError& err) {
    const char* type = str(tool, "type");
    if (!json_is_object(tool) || !type)
        return fail(err, at("tools", i), at("tools", i) + " must be an object with a string 'type'.");
    if (std::strcmp(type, "function") != 0)
        return fail(err, at("tools", i) + ".type",
                    std::string("Tools of type '") + type +
                        "' are not supported by the Gemini provider; only 'function' tools are.");
    const json_t* fn = json_object_get(tool, "function");
    if (!json_is_object(fn)) return fail(err, at("tools", i) + ".function", at("tools", i) + ".function must be an object.");
    const char* name = str(fn, "name");
    if (!valid_function_name(name))
        return fail(err, at("tools", i) + ".function.name",
                    "Invalid function name: it must start with a letter or '_' and have at most 64 letters, digits, "
                    "'_', '.' or '-'.");
    JsonPtr decl(json_object());
    json_object_set_new(decl.get(), "name", json_string(name));
    const json_t* description = json_object_get(fn, "description");
    if (!is_absent(description)) {
        if (!json_is_string(description))
            return fail(err, at("tools", i) + ".function.description", "'description' must be a string.");
        json_object_set_new(decl.get(), "description", json_deep_copy(description));
    }
    const json_t* parameters = json_object_get(fn, "parameters");
    if (!is_absent(parameters)) {  // no parameters: neither field is sent
        if (!json_is_object(parameters))
            return fail(err, at("tools", i) + ".function.parameters", "'parameters' must be a JSON Schema object.");
        if (openapi) {
            std::string why;
            JsonPtr converted = to_openapi_schema(parameters, false, why);
            if (!converted)
                return fail(err, at("tools", i) + ".function.parameters",
                            "These parameters have no form in Gemini's schema subset: " + why + ".");
            json_object_set_new(decl.get(), "parameters", converted.release());
        } else {
            json_object_set_new(decl.get(), "parametersJsonSchema", json_schema_parameters(parameters).release());
        }
    }
    // "strict" has no Gemini equivalent: dropped (the schema itself is sent).
    json_array_append_new(declarations, decl.release());
    return true;
}

bool declared(const json_t* declarations, const char* name) {
    size_t i;
    json_t* d;
    json_array_foreach(declarations, i, d) if (!std::strcmp(str(d, "name"), name)) return true;
    return false;
}

// tool_choice -> FunctionCallingConfig.
bool calling_config(const json_t* choice, const json_t* declarations, json_t* out, TranslateError& err) {
    JsonPtr cfg(json_object());
    if (json_is_string(choice)) {
        const char* c = json_string_value(choice);
        const char* mode = !std::strcmp(c, "none")     ? "NONE"
                           : !std::strcmp(c, "auto")     ? "AUTO"
                           : !std::strcmp(c, "required") ? "ANY"
                                                         : nullptr;
        if (!mode)
            return fail(err, "tool_choice",
                        std::string("Invalid value: '") + c + "'. Supported values are: 'none', 'auto' and 'required'.");
        json_object_set_new(cfg.get(), "mode", json_string(mode));
    } else if (json_is_object(choice)) {
        const char* name = str(json_object_get(choice, "function"), "name");
        if (!name || !str(choice, "type") || std::strcmp(str(choice, "type"), "function") != 0)
            return fail(err, "tool_choice",
                        "'tool_choice' must be 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}.");
        if (!declared(declarations, name))
            return fail(err, "tool_choice", std::string("Tool choice '") + name + "' is not one of the declared tools.");
        json_object_set_new(cfg.get(), "mode", json_string("ANY"));
        JsonPtr names(json_array());
        json_array_append_new(names.get(), json_string(name));
        json_object_set_new(cfg.get(), "allowedFunctionNames", names.release());
    } else {
        return fail(err, "tool_choice", "'tool_choice' must be a string or an object.");
    }
    JsonPtr tool_config(json_object());
    json_object_set_new(tool_config.get(), "functionCallingConfig", cfg.release());
    json_object_set_new(out, "toolConfig", tool_config.release());
    return true;
}

// An object, or {"content": text} (text parts joined) for anything else.
JsonPtr response_of(const json_t* content) {
    if (json_is_string(content)) {
        JsonPtr parsed(json_loads(json_string_value(content), JSON_DECODE_ANY, nullptr));
        if (json_is_object(parsed.get())) return parsed;
    }
    std::string text;
    if (json_is_string(content)) {
        text = json_string_value(content);
    } else if (json_is_array(content)) {
        size_t k;
        json_t* part;
        json_array_foreach(content, k, part) if (const char* t = str(part, "text")) text += t;
    }
    JsonPtr r(json_object());
    json_object_set_new(r.get(), "content", json_stringn(text.data(), text.size()));
    return r;
}

}  // namespace

std::string encode_call_id(size_t ordinal, const std::string& gemini_id, const std::string& signature) {
    JsonPtr payload(json_object());
    json_object_set_new(payload.get(), "n", json_integer(static_cast<json_int_t>(ordinal)));
    if (!gemini_id.empty()) json_object_set_new(payload.get(), "i", json_stringn(gemini_id.data(), gemini_id.size()));
    if (!signature.empty()) json_object_set_new(payload.get(), "s", json_stringn(signature.data(), signature.size()));
    return kCallIdMark + base64_encode(json_to_string(payload.get()), Base64::UrlSafe, false);
}

CallIdExtras decode_call_id(const std::string& id) {
    CallIdExtras x;
    const size_t mark = std::strlen(kCallIdMark);
    std::string raw;
    if (id.compare(0, mark, kCallIdMark) != 0 || !base64url_decode(std::string_view(id).substr(mark), raw)) return x;
    JsonPtr payload(json_loadb(raw.data(), raw.size(), 0, nullptr));
    if (!json_is_object(payload.get()) || !json_is_integer(json_object_get(payload.get(), "n"))) return x;
    const json_t* i = json_object_get(payload.get(), "i");
    const json_t* s = json_object_get(payload.get(), "s");
    if ((i && !json_is_string(i)) || (s && !json_is_string(s))) return x;
    x.ours = true;
    if (i) x.gemini_id = json_string_value(i);
    if (s) x.signature = json_string_value(s);
    return x;
}

bool translate_tools(const json_t* body, json_t* out, bool openapi, TranslateError& err) {
    if (!is_absent(json_object_get(body, "web_search_options")))
        return fail(err, "web_search_options", "'web_search_options' is not supported by the Gemini provider.");
    const json_t* tools = json_object_get(body, "tools");
    const json_t* choice = json_object_get(body, "tool_choice");
    if (!is_absent(tools) && !json_is_array(tools)) return fail(err, "tools", "'tools' must be an array.");
    if (is_absent(tools) || json_array_size(tools) == 0) {
        // As OpenAI answers: a tool_choice other than "none" needs tools.
        if (!is_absent(choice) && !(json_is_string(choice) && !std::strcmp(json_string_value(choice), "none")))
            return fail(err, "tool_choice", "'tool_choice' is only allowed when 'tools' are specified.");
        return true;
    }
    JsonPtr declarations(json_array());
    size_t i;
    json_t* tool;
    json_array_foreach(tools, i, tool) {
        if (!declare(tool, i, openapi, declarations.get(), err)) return false;
    }
    if (!is_absent(choice) && !calling_config(choice, declarations.get(), out, err)) return false;
    JsonPtr entry(json_object());
    json_object_set_new(entry.get(), "functionDeclarations", declarations.release());
    JsonPtr list(json_array());
    json_array_append_new(list.get(), entry.release());
    json_object_set_new(out, "tools", list.release());
    // parallel_tool_calls has no Gemini equivalent: dropped.
    return true;
}

bool append_function_calls(const json_t* tool_calls, size_t i, json_t* parts, CallsById& calls, TranslateError& err) {
    const std::string base = at("messages", i) + ".tool_calls";
    if (!json_is_array(tool_calls)) return fail(err, base, base + " must be an array.");
    size_t j;
    json_t* call;
    json_array_foreach(tool_calls, j, call) {
        const std::string where = base + "[" + std::to_string(j) + "]";
        const char* id = str(call, "id");
        const json_t* fn = json_object_get(call, "function");
        const char* name = str(fn, "name");
        if (!id || !name) return fail(err, where, where + " must have a string 'id' and 'function.name'.");
        const json_t* arguments = json_object_get(fn, "arguments");
        JsonPtr args;
        if (is_absent(arguments) || (json_is_string(arguments) && json_string_length(arguments) == 0)) {
            args.reset(json_object());
        } else if (json_is_string(arguments)) {
            args.reset(json_loads(json_string_value(arguments), JSON_DECODE_ANY, nullptr));
        }
        if (!json_is_object(args.get()))
            return fail(err, where + ".function.arguments", where + ".function.arguments must be a JSON object, as a string.");
        const CallIdExtras x = decode_call_id(id);
        JsonPtr fc(json_object());
        json_object_set_new(fc.get(), "name", json_string(name));
        json_object_set_new(fc.get(), "args", args.release());
        if (!x.gemini_id.empty()) json_object_set_new(fc.get(), "id", json_string(x.gemini_id.c_str()));
        JsonPtr part(json_object());
        json_object_set_new(part.get(), "functionCall", fc.release());
        if (!x.signature.empty()) json_object_set_new(part.get(), "thoughtSignature", json_string(x.signature.c_str()));
        json_array_append_new(parts, part.release());
        calls[id] = CalledFunction{name, x.gemini_id};
    }
    return true;
}

bool append_function_response(const json_t* msg, size_t i, json_t* parts, const CallsById& calls,
                              TranslateError& err) {
    const char* id = str(msg, "tool_call_id");
    const std::string param = at("messages", i) + ".tool_call_id";
    if (!id) return fail(err, param, param + " must be a string.");
    const auto it = calls.find(id);
    if (it == calls.end())
        return fail(err, param, std::string("No earlier assistant tool call has the id '") + id + "'.");
    JsonPtr fr(json_object());
    json_object_set_new(fr.get(), "name", json_string(it->second.name.c_str()));
    json_object_set_new(fr.get(), "response", response_of(json_object_get(msg, "content")).release());
    if (!it->second.gemini_id.empty()) json_object_set_new(fr.get(), "id", json_string(it->second.gemini_id.c_str()));
    JsonPtr part(json_object());
    json_object_set_new(part.get(), "functionResponse", fr.release());
    json_array_append_new(parts, part.release());
    return true;
}

JsonPtr tool_call_of(const json_t* part, size_t ordinal) {
    const json_t* fc = json_object_get(part, "functionCall");
    const char* name = str(fc, "name");
    if (!name) return nullptr;
    const char* gid = str(fc, "id");
    const char* sig = str(part, "thoughtSignature");
    const json_t* args = json_object_get(fc, "args");
    JsonPtr fn(json_object());
    json_object_set_new(fn.get(), "name", json_string(name));
    const std::string arguments = json_is_object(args) ? json_to_string(args) : "{}";
    json_object_set_new(fn.get(), "arguments", json_stringn(arguments.data(), arguments.size()));
    JsonPtr call(json_object());
    json_object_set_new(call.get(), "id", json_string(encode_call_id(ordinal, gid ? gid : "", sig ? sig : "").c_str()));
    json_object_set_new(call.get(), "type", json_string("function"));
    json_object_set_new(call.get(), "function", fn.release());
    return call;
}

}  // namespace llmapi::providers::gemini
