// yaml-to-json IN.yaml OUT.json: the build's converter for docs/openapi.yaml
// (nginx serves both /openapi.yaml and /openapi.json, and the integration
// suite validates responses against the JSON). libyaml's event parser and
// jansson, YAML 1.2's core schema for plain scalars (null, booleans,
// integers, floats; anything quoted is a string), key order kept.
// Anchors, aliases, tags other than !!str, duplicate keys and non-scalar
// keys are refused: they are legal YAML, but a reader of the document
// should not have to resolve them. Last, every local "$ref" must resolve,
// so a broken reference fails the build instead of the docs page.
#include <jansson.h>
#include <yaml.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>

#include "json_pointer.h"

namespace {

struct JsonRef {
    json_t* j = nullptr;
    explicit JsonRef(json_t* v) : j(v) {}
    ~JsonRef() { json_decref(j); }
    JsonRef(const JsonRef&) = delete;
    JsonRef& operator=(const JsonRef&) = delete;
    json_t* release() { json_t* v = j; j = nullptr; return v; }
};

class Parser {
public:
    explicit Parser(FILE* in) {
        if (!yaml_parser_initialize(&p_)) throw std::runtime_error("cannot initialise libyaml");
        yaml_parser_set_input_file(&p_, in);
    }
    ~Parser() { yaml_parser_delete(&p_); }
    Parser(const Parser&) = delete;
    Parser& operator=(const Parser&) = delete;

    // The one document of the stream.
    json_t* document() {
        expect(YAML_STREAM_START_EVENT);
        expect(YAML_DOCUMENT_START_EVENT);
        json_t* root = value(next());
        JsonRef keep(root);
        expect(YAML_DOCUMENT_END_EVENT);
        Event e = next();
        if (e.ev.type != YAML_STREAM_END_EVENT) fail(e, "more than one document");
        return keep.release();
    }

private:
    struct Event {
        yaml_event_t ev{};
        ~Event() { yaml_event_delete(&ev); }
    };

    Event next() {
        Event e;
        if (!yaml_parser_parse(&p_, &e.ev))
            throw std::runtime_error("line " + std::to_string(p_.problem_mark.line + 1) + ": " +
                                     (p_.problem ? p_.problem : "YAML error"));
        return e;
    }
    void expect(yaml_event_type_t t) {
        Event e = next();
        if (e.ev.type != t) fail(e, "unexpected structure");
    }
    [[noreturn]] static void fail(const Event& e, const std::string& why) {
        throw std::runtime_error("line " + std::to_string(e.ev.start_mark.line + 1) + ": " + why);
    }

    json_t* value(const Event& e) {
        switch (e.ev.type) {
        case YAML_SCALAR_EVENT: return scalar(e);
        case YAML_SEQUENCE_START_EVENT: {
            refuse_anchor(e, e.ev.data.sequence_start.anchor, e.ev.data.sequence_start.tag);
            JsonRef arr(json_array());
            for (;;) {
                Event item = next();
                if (item.ev.type == YAML_SEQUENCE_END_EVENT) return arr.release();
                json_array_append_new(arr.j, value(item));
            }
        }
        case YAML_MAPPING_START_EVENT: {
            refuse_anchor(e, e.ev.data.mapping_start.anchor, e.ev.data.mapping_start.tag);
            JsonRef obj(json_object());
            for (;;) {
                Event key = next();
                if (key.ev.type == YAML_MAPPING_END_EVENT) return obj.release();
                if (key.ev.type != YAML_SCALAR_EVENT) fail(key, "a key must be a plain scalar");
                std::string k(reinterpret_cast<const char*>(key.ev.data.scalar.value), key.ev.data.scalar.length);
                if (json_object_get(obj.j, k.c_str())) fail(key, "duplicate key \"" + k + "\"");
                json_object_set_new(obj.j, k.c_str(), value(next()));
            }
        }
        case YAML_ALIAS_EVENT: fail(e, "aliases are not used in this document");
        default: fail(e, "unexpected structure");
        }
    }

    static void refuse_anchor(const Event& e, const yaml_char_t* anchor, const yaml_char_t* tag) {
        if (anchor) fail(e, "anchors are not used in this document");
        if (tag && std::strcmp(reinterpret_cast<const char*>(tag), YAML_MAP_TAG) != 0 &&
            std::strcmp(reinterpret_cast<const char*>(tag), YAML_SEQ_TAG) != 0)
            fail(e, "tags are not used in this document");
    }

    static json_t* scalar(const Event& e) {
        const auto& s = e.ev.data.scalar;
        refuse_anchor(e, s.anchor, nullptr);
        std::string text(reinterpret_cast<const char*>(s.value), s.length);
        const bool as_string = s.style != YAML_PLAIN_SCALAR_STYLE ||
                               (s.tag && std::strcmp(reinterpret_cast<const char*>(s.tag), YAML_STR_TAG) == 0);
        if (s.tag && !as_string) fail(e, "tags are not used in this document");
        if (as_string) return json_stringn(text.data(), text.size());
        // YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
        static const std::regex null_re("~|null|Null|NULL|");
        static const std::regex bool_true("true|True|TRUE"), bool_false("false|False|FALSE");
        static const std::regex int_re("[-+]?[0-9]+");
        static const std::regex float_re("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
        if (std::regex_match(text, null_re)) return json_null();
        if (std::regex_match(text, bool_true)) return json_true();
        if (std::regex_match(text, bool_false)) return json_false();
        if (std::regex_match(text, int_re)) return json_integer(std::stoll(text));
        if (std::regex_match(text, float_re)) return json_real(std::stod(text));
        if (text.rfind("0x", 0) == 0 || text.rfind("0o", 0) == 0 || text == ".inf" || text == ".nan")
            fail(e, "write \"" + text + "\" in decimal or quote it");
        return json_stringn(text.data(), text.size());
    }

    yaml_parser_t p_{};
};

void check_refs(json_t* root, json_t* node, const std::string& where) {
    if (json_is_object(node)) {
        const char* key;
        json_t* v;
        json_object_foreach(node, key, v) {
            if (std::strcmp(key, "$ref") == 0) {
                if (!json_is_string(v)) throw std::runtime_error(where + ": $ref is not a string");
                if (!docs::json_pointer(root, json_string_value(v)))
                    throw std::runtime_error(where + ": $ref " + json_string_value(v) + " does not resolve");
            } else {
                check_refs(root, v, where + "/" + key);
            }
        }
    } else if (json_is_array(node)) {
        for (size_t i = 0; i < json_array_size(node); ++i)
            check_refs(root, json_array_get(node, i), where + "/" + std::to_string(i));
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s IN.yaml OUT.json\n", argv[0]);
        return 2;
    }
    std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(argv[1], "rb"), std::fclose);
    if (!in) {
        std::perror(argv[1]);
        return 1;
    }
    try {
        Parser parser(in.get());
        JsonRef doc(parser.document());
        json_t* version = json_object_get(doc.j, "openapi");
        if (!json_is_string(version) || std::strncmp(json_string_value(version), "3.1", 3) != 0)
            throw std::runtime_error("not an OpenAPI 3.1 document (\"openapi\": \"3.1.x\")");
        check_refs(doc.j, doc.j, "#");
        if (json_dump_file(doc.j, argv[2], JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0)
            throw std::runtime_error(std::string("cannot write ") + argv[2]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", argv[1], e.what());
        std::remove(argv[2]);
        return 1;
    }
    return 0;
}
