#include "providers/gemini_schema.h"

#include <cstring>
#include <set>

namespace llmapi::providers::gemini {

namespace {

// Keywords the subset knows, copied as they are (after their own conversion).
const std::set<std::string> kKept = {"type",     "format",   "description", "nullable", "enum",  "properties",
                                     "required", "items",    "anyOf",       "minItems", "maxItems",
                                     "minimum",  "maximum",  "minLength",   "maxLength", "pattern",
                                     "minProperties", "maxProperties", "default", "example", "title"};
constexpr int kMaxDepth = 64;

class Converter {
public:
    Converter(const json_t* root, bool ordering) : root_(root), ordering_(ordering) {}

    JsonPtr convert(const json_t* s, int depth) {
        if (!error.empty()) return nullptr;
        if (depth > kMaxDepth) return fail("the schema nests too deeply");
        if (!json_is_object(s)) return fail("every schema must be an object");
        if (const char* ref = json_string_value(json_object_get(s, "$ref"))) return inline_ref(ref, depth);

        JsonPtr out(json_object());
        const char* key;
        json_t* v;
        json_object_foreach(const_cast<json_t*>(s), key, v) {
            if (!kKept.count(key)) continue;  // additionalProperties, $schema, $defs, strict, const...
            if (!std::strcmp(key, "properties")) {
                if (!json_is_object(v)) return fail("'properties' must be an object");
                JsonPtr props(json_object());
                JsonPtr order(json_array());
                const char* name;
                json_t* sub;
                json_object_foreach(v, name, sub) {
                    JsonPtr c = convert(sub, depth + 1);
                    if (!c) return nullptr;
                    json_object_set_new(props.get(), name, c.release());
                    json_array_append_new(order.get(), json_string(name));
                }
                json_object_set_new(out.get(), "properties", props.release());
                if (ordering_ && json_array_size(order.get()) > 0)
                    json_object_set_new(out.get(), "propertyOrdering", order.release());
            } else if (!std::strcmp(key, "items")) {
                JsonPtr c = convert(v, depth + 1);
                if (!c) return nullptr;
                json_object_set_new(out.get(), "items", c.release());
            } else if (!std::strcmp(key, "anyOf")) {
                if (!any_of(v, out.get(), depth)) return nullptr;
            } else if (!std::strcmp(key, "type")) {
                if (!type(v, out.get())) return nullptr;
            } else if (!std::strcmp(key, "format")) {
                const char* f = json_string_value(v);
                if (f && (!std::strcmp(f, "enum") || !std::strcmp(f, "date-time")))
                    json_object_set_new(out.get(), "format", json_string(f));
            } else if (!std::strcmp(key, "enum")) {
                if (!json_is_array(v)) return fail("'enum' must be an array");
                size_t i;
                json_t* e;
                json_array_foreach(v, i, e) if (!json_is_string(e)) return fail("Gemini takes only string enum values");
                json_object_set(out.get(), "enum", v);
            } else if (json_object_get(out.get(), key) == nullptr) {
                json_object_set(out.get(), key, v);
            }
        }
        // A default beside anyOf is refused by the subset: dropped.
        if (json_object_get(s, "anyOf") || json_object_get(out.get(), "anyOf")) json_object_del(out.get(), "default");
        return out;
    }

    std::string error;

private:
    JsonPtr fail(const std::string& why) {
        if (error.empty()) error = why;
        return nullptr;
    }

    // "#/$defs/Name" (or "#/definitions/Name"), inlined; a cycle is refused.
    JsonPtr inline_ref(const std::string& ref, int depth) {
        const json_t* target = nullptr;
        for (const char* base : {"#/$defs/", "#/definitions/"}) {
            if (ref.rfind(base, 0) == 0)
                target = json_object_get(json_object_get(root_, base[2] == '$' ? "$defs" : "definitions"),
                                         ref.substr(std::strlen(base)).c_str());
        }
        if (!target) return fail("unknown $ref '" + ref + "'");
        if (!active_.insert(ref).second) return fail("the $ref '" + ref + "' refers to itself");
        JsonPtr c = convert(target, depth + 1);
        active_.erase(ref);
        return c;
    }

    // anyOf [X, {type: null}] -> X's fields + nullable; otherwise each converted.
    bool any_of(const json_t* list, json_t* out, int depth) {
        if (!json_is_array(list)) return fail("'anyOf' must be an array"), false;
        JsonPtr kept(json_array());
        bool nullable = false;
        size_t i;
        json_t* s;
        json_array_foreach(list, i, s) {
            const char* t = json_string_value(json_object_get(s, "type"));
            if (t && !std::strcmp(t, "null") && json_object_size(s) == 1) {
                nullable = true;
                continue;
            }
            JsonPtr c = convert(s, depth + 1);
            if (!c) return false;
            json_array_append_new(kept.get(), c.release());
        }
        if (nullable) json_object_set_new(out, "nullable", json_true());
        if (json_array_size(kept.get()) == 1) {
            json_object_update_missing(out, json_array_get(kept.get(), 0));
        } else if (json_array_size(kept.get()) > 1) {
            json_object_set_new(out, "anyOf", kept.release());
        }
        return true;
    }

    // A type array: its one non-null type (+ nullable), or anyOf of each.
    bool type(const json_t* v, json_t* out) {
        if (json_is_string(v)) {
            if (!std::strcmp(json_string_value(v), "null")) json_object_set_new(out, "nullable", json_true());
            else json_object_set(out, "type", const_cast<json_t*>(v));
            return true;
        }
        if (!json_is_array(v)) return fail("'type' must be a string or an array of strings"), false;
        JsonPtr types(json_array());
        size_t i;
        json_t* t;
        json_array_foreach(v, i, t) {
            if (!json_is_string(t)) return fail("'type' must be a string or an array of strings"), false;
            if (!std::strcmp(json_string_value(t), "null")) json_object_set_new(out, "nullable", json_true());
            else json_array_append(types.get(), t);
        }
        if (json_array_size(types.get()) == 1) {
            json_object_set(out, "type", json_array_get(types.get(), 0));
        } else if (json_array_size(types.get()) > 1) {
            JsonPtr any(json_array());
            json_array_foreach(types.get(), i, t) {
                json_t* one = json_object();
                json_object_set(one, "type", t);
                json_array_append_new(any.get(), one);
            }
            json_object_set_new(out, "anyOf", any.release());
        }
        return true;
    }

    const json_t* root_;
    const bool ordering_;
    std::set<std::string> active_;  // $refs being inlined (cycle detection)
};

}  // namespace

JsonPtr to_openapi_schema(const json_t* schema, bool ordering, std::string& error) {
    Converter c(schema, ordering);
    JsonPtr out = c.convert(schema, 0);
    if (!out) error = c.error.empty() ? "the schema could not be converted" : c.error;
    return out;
}

}  // namespace llmapi::providers::gemini
