#include "openapi_check.h"

#include "docs/json_pointer.h"
#include "http/path.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>

namespace it::openapi {
namespace {

// The document as the build made it (Makefile.am), unless the environment names another.
std::string documentPath() {
    const char* env = std::getenv("LLMAPI_TEST_OPENAPI");
    return env && *env ? env : LLMAPI_OPENAPI_JSON;
}

// Lowercase media type without its parameters.
std::string mediaType(const std::string& contentType) {
    std::string t = contentType.substr(0, contentType.find(';'));
    t.erase(std::remove_if(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }), t.end());
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
    return t;
}

// The path of a URL, routed as the workers route it (http/path.h: nginx's
// normalisation), in segments; empty for a target nginx refuses (400).
std::vector<std::string> pathSegments(const std::string& url) {
    size_t start = url.find("://");
    start = url.find('/', start == std::string::npos ? 0 : start + 3);
    if (start == std::string::npos) return {};
    const std::optional<std::string> path = llmapi::http::normalize_path(url.substr(start));
    std::vector<std::string> segs;
    if (!path) return segs;
    for (size_t at = 1; at < path->size();) {
        size_t end = std::min(path->find('/', at), path->size());
        if (end > at) segs.push_back(path->substr(at, end - at));
        at = end + 1;
    }
    return segs;
}

std::string typeOf(const json_t* v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    default: return "null";
    }
}

bool hasType(const json_t* v, const std::string& t) {
    const std::string actual = typeOf(v);
    return actual == t || (t == "number" && actual == "integer");
}

size_t utf8Length(const char* s, size_t n) {
    size_t count = 0;
    for (size_t i = 0; i < n; ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++count;
    return count;
}

class Document {
public:
    Document() {
        json_error_t err;
        root_.reset(json_load_file(documentPath().c_str(), 0, &err));
        if (!root_) throw std::runtime_error("cannot read the OpenAPI document " + documentPath() + ": " + err.text);
        const char* p;
        json_t* item;
        json_object_foreach(json_object_get(root_.get(), "paths"), p, item) {
            std::vector<std::string> segs = pathSegments(std::string("http://x") + p);
            const char* m;
            json_t* op;
            json_object_foreach(item, m, op) {
                std::string method(m);
                std::transform(method.begin(), method.end(), method.begin(), ::toupper);
                if (method == "PARAMETERS" || method == "SUMMARY" || method == "DESCRIPTION" || method == "SERVERS")
                    continue;
                operations_.push_back({method, p, segs, op});
            }
        }
    }

    struct Operation {
        std::string method, path;
        std::vector<std::string> segments;
        json_t* node;
    };

    const Operation* find(const std::string& method, const std::vector<std::string>& segs) const {
        const Operation* best = nullptr;
        int bestLiterals = -1;
        for (const auto& op : operations_) {
            if (op.method != method || op.segments.size() != segs.size()) continue;
            int literals = 0;
            bool match = true;
            for (size_t i = 0; i < segs.size() && match; ++i) {
                const std::string& t = op.segments[i];
                if (t.size() > 2 && t.front() == '{' && t.back() == '}') continue;
                match = t == segs[i];
                ++literals;
            }
            if (match && literals > bestLiterals) best = &op, bestLiterals = literals;
        }
        return best;
    }

    const std::vector<Operation>& operations() const { return operations_; }

    // Follows "$ref" chains (local references only).
    json_t* deref(json_t* node) const {
        for (int hops = 0; hops < 32 && json_is_object(node); ++hops) {
            json_t* ref = json_object_get(node, "$ref");
            if (!json_is_string(ref)) return node;
            node = docs::json_pointer(root_.get(), json_string_value(ref));
            if (!node) throw Violation(std::string("the document's $ref ") + json_string_value(ref) + " does not resolve");
        }
        return node;
    }

    // JSON Schema, the keywords docs/openapi.yaml uses (its header says which).
    // Returns "" when `v` is valid, else where and why not.
    std::string validate(json_t* schema, const json_t* v, const std::string& at, int depth = 0) const {
        if (depth > 64) return at + ": schema nests too deep (a recursive $ref?)";
        if (json_is_true(schema) || !schema) return "";
        if (json_is_false(schema)) return at + ": no value is allowed here";
        if (json_t* ref = json_object_get(schema, "$ref")) {  // 3.1: $ref with siblings is allOf
            json_t* target = json_is_string(ref) ? docs::json_pointer(root_.get(), json_string_value(ref)) : nullptr;
            if (!target) throw Violation("the document's $ref " + dumpJson(ref) + " does not resolve");
            std::string e = validate(target, v, at, depth + 1);
            if (!e.empty()) return e;
        }
        if (json_t* type = json_object_get(schema, "type")) {
            bool ok = false;
            std::string names;
            if (json_is_string(type)) {
                ok = hasType(v, json_string_value(type));
                names = json_string_value(type);
            } else {
                size_t i;
                json_t* t;
                json_array_foreach(type, i, t) {
                    ok = ok || hasType(v, json_string_value(t));
                    names += (i ? "|" : "") + std::string(json_string_value(t));
                }
            }
            if (!ok) return at + ": expected " + names + ", got " + typeOf(v) + " " + dumpJson(v);
        }
        if (json_t* e = json_object_get(schema, "enum")) {
            bool found = false;
            size_t i;
            json_t* x;
            json_array_foreach(e, i, x) found = found || json_equal(x, const_cast<json_t*>(v));
            if (!found) return at + ": " + dumpJson(v) + " is not one of " + dumpJson(e);
        }
        if (json_t* c = json_object_get(schema, "const"); c && !json_equal(c, const_cast<json_t*>(v)))
            return at + ": expected " + dumpJson(c) + ", got " + dumpJson(v);
        if (json_is_object(v)) {
            json_t* props = json_object_get(schema, "properties");
            json_t* extra = json_object_get(schema, "additionalProperties");
            const char* k;
            json_t* x;
            json_object_foreach(const_cast<json_t*>(v), k, x) {
                json_t* sub = props ? json_object_get(props, k) : nullptr;
                if (!sub && json_is_false(extra)) return at + ": property \"" + k + "\" is not in the document";
                if (!sub && json_is_object(extra)) sub = extra;
                if (sub) {
                    std::string e = validate(sub, x, at + "." + k, depth + 1);
                    if (!e.empty()) return e;
                }
            }
            size_t i;
            json_array_foreach(json_object_get(schema, "required"), i, x) {
                if (!json_object_get(v, json_string_value(x)))
                    return at + ": required property \"" + json_string_value(x) + "\" is missing";
            }
        }
        if (json_is_array(v)) {
            const size_t n = json_array_size(v);
            if (json_t* m = json_object_get(schema, "minItems"); m && n < static_cast<size_t>(json_integer_value(m)))
                return at + ": fewer than " + std::to_string(json_integer_value(m)) + " items";
            if (json_t* m = json_object_get(schema, "maxItems"); m && n > static_cast<size_t>(json_integer_value(m)))
                return at + ": more than " + std::to_string(json_integer_value(m)) + " items";
            if (json_t* items = json_object_get(schema, "items"))
                for (size_t i = 0; i < n; ++i) {
                    std::string e = validate(items, json_array_get(v, i), at + "[" + std::to_string(i) + "]", depth + 1);
                    if (!e.empty()) return e;
                }
        }
        if (json_is_string(v)) {
            const size_t n = utf8Length(json_string_value(v), json_string_length(v));
            if (json_t* m = json_object_get(schema, "minLength"); m && n < static_cast<size_t>(json_integer_value(m)))
                return at + ": shorter than " + std::to_string(json_integer_value(m)) + " characters";
            if (json_t* m = json_object_get(schema, "maxLength"); m && n > static_cast<size_t>(json_integer_value(m)))
                return at + ": longer than " + std::to_string(json_integer_value(m)) + " characters";
            if (json_t* p = json_object_get(schema, "pattern")) {
                if (!std::regex_search(json_string_value(v), std::regex(json_string_value(p), std::regex::ECMAScript)))
                    return at + ": " + dumpJson(v) + " does not match " + json_string_value(p);
            }
        }
        if (json_is_number(v)) {
            const double n = json_number_value(v);
            if (json_t* m = json_object_get(schema, "minimum"); m && n < json_number_value(m))
                return at + ": below the minimum " + dumpJson(m);
            if (json_t* m = json_object_get(schema, "maximum"); m && n > json_number_value(m))
                return at + ": above the maximum " + dumpJson(m);
        }
        size_t i;
        json_t* sub;
        json_array_foreach(json_object_get(schema, "allOf"), i, sub) {
            std::string e = validate(sub, v, at, depth + 1);
            if (!e.empty()) return e;
        }
        for (const char* kw : {"anyOf", "oneOf"}) {
            json_t* alts = json_object_get(schema, kw);
            if (!alts) continue;
            size_t matches = 0;
            std::string firstError;
            json_array_foreach(alts, i, sub) {
                std::string e = validate(sub, v, at, depth + 1);
                if (e.empty()) ++matches;
                else if (firstError.empty() || e.size() > firstError.size()) firstError = e;
            }
            if (matches == 0) return at + ": matches none of " + kw + " (nearest: " + firstError + ")";
            if (matches > 1 && std::strcmp(kw, "oneOf") == 0)
                return at + ": matches " + std::to_string(matches) + " alternatives of oneOf";
        }
        return "";
    }

private:
    JsonPtr root_;
    std::vector<Operation> operations_;
};

const Document& document() {
    static const Document doc;
    return doc;
}

struct Seen {
    std::mutex m;
    size_t checked = 0;
    std::set<std::string> answered;      // "METHOD /template" of documented operations
    std::set<std::string> undocumented;  // "METHOD /path" the document lacks
};
Seen& seen() {
    static Seen s;
    return s;
}

// The data payloads of an event stream received whole.
std::vector<std::string> sseData(const std::string& body) {
    std::vector<std::string> out;
    std::string data;
    bool has = false;
    size_t at = 0;
    while (at < body.size()) {
        size_t end = body.find_first_of("\r\n", at);
        if (end == std::string::npos) break;  // an unfinished line: not an event
        std::string line = body.substr(at, end - at);
        at = end + (body.compare(end, 2, "\r\n") == 0 ? 2 : 1);
        if (line.empty()) {
            if (has) out.push_back(data);
            data.clear();
            has = false;
        } else if (line.compare(0, 5, "data:") == 0) {
            if (has) data += '\n';
            data += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
            has = true;
        }
    }
    return out;
}

}  // namespace

void check(const std::string& method, const std::string& url, long status, const Headers& headers,
           const std::string& body, const std::vector<std::string>* events) {
    const char* fake = std::getenv("LLMAPI_TEST_FAKE_URL");
    if (fake && *fake && url.rfind(fake, 0) == 0) return;
    const Document& doc = document();
    const std::vector<std::string> segs = pathSegments(url);
    std::string shown;
    for (const auto& s : segs) shown += "/" + s;
    const std::string what = method + " " + (shown.empty() ? "/" : shown) + " → " + std::to_string(status);
    const auto* op = doc.find(method == "HEAD" ? "GET" : method, segs);
    // Hosting answers before any operation: nginx's redirect of plain HTTP to
    // HTTPS ([server] http_redirect) belongs to no endpoint.
    const bool redirect = (status == 301 || status == 308) && headers.count("Location");
    if (!op || redirect) {
        std::lock_guard<std::mutex> lock(seen().m);
        if (!redirect) seen().undocumented.insert(method + " " + (shown.empty() ? "/" : shown));
        return;
    }
    auto fail = [&](const std::string& why) { throw Violation("docs/openapi.yaml: " + what + ": " + why); };

    json_t* responses = json_object_get(op->node, "responses");
    json_t* response = json_object_get(responses, std::to_string(status).c_str());
    if (!response) fail("status not documented for " + op->method + " " + op->path);
    response = doc.deref(response);

    const char* name;
    json_t* header;
    json_object_foreach(json_object_get(response, "headers"), name, header) {
        if (json_is_true(json_object_get(doc.deref(header), "required")) && !headers.count(name))
            fail(std::string("required header ") + name + " is missing");
    }

    json_t* content = json_object_get(response, "content");
    const bool noBody = method == "HEAD" || status == 304;
    if (!content || json_object_size(content) == 0) {
        if (!noBody && !body.empty()) fail("the document says no body, got " + body.substr(0, 200));
    } else {
        auto ct = headers.find("Content-Type");
        const std::string type = ct == headers.end() ? "" : mediaType(ct->second);
        json_t* media = json_object_get(content, type.c_str());
        if (!media) {
            std::string known;
            const char* k;
            json_t* x;
            json_object_foreach(content, k, x) known += std::string(known.empty() ? "" : ", ") + k;
            fail("Content-Type \"" + type + "\" not documented (" + known + ")");
        }
        media = doc.deref(media);
        if (!noBody && type == "text/event-stream") {
            json_t* each = json_object_get(media, "x-sse-data");
            if (!each) fail("the event stream has no x-sse-data schema");
            const std::vector<std::string> payloads = events ? *events : sseData(body);
            for (size_t i = 0; i < payloads.size(); ++i) {
                if (payloads[i] == "[DONE]") continue;
                JsonPtr event = parseJson(payloads[i]);
                if (!event) fail("event " + std::to_string(i) + " is not JSON: " + payloads[i].substr(0, 200));
                std::string e = doc.validate(each, event.get(), "event[" + std::to_string(i) + "]");
                if (!e.empty()) fail(e);
            }
        } else if (!noBody && (type == "application/json" || (type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0))) {
            JsonPtr parsed = parseJson(body);
            if (!parsed) fail("the body is not JSON: " + body.substr(0, 200));
            std::string e = doc.validate(json_object_get(media, "schema"), parsed.get(), "$");
            if (!e.empty()) fail(e + "\n      body: " + body.substr(0, 400));
        }
    }
    std::lock_guard<std::mutex> lock(seen().m);
    ++seen().checked;
    seen().answered.insert(op->method + " " + op->path);
}

Coverage coverage() {
    Coverage c;
    std::lock_guard<std::mutex> lock(seen().m);
    c.checked = seen().checked;
    c.undocumented.assign(seen().undocumented.begin(), seen().undocumented.end());
    for (const auto& op : document().operations())
        if (!seen().answered.count(op.method + " " + op.path)) c.neverAnswered.push_back(op.method + " " + op.path);
    return c;
}

}  // namespace it::openapi
