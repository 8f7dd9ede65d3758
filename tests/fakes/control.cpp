// The control and inspection API under /_control, for tests: the behaviour
// script queue, the recorded requests and the counters (see README.md). Also
// the media server under /media that the gateway's image fetches are tested
// against, and its hit counts.
#include "handlers.h"

#include <algorithm>
#include <cstdlib>

namespace fake::control {

namespace {

void error(httplib::Response& res, const std::string& message) {
    reply_json(res, 400, json_pack("{s:s}", "error", message.c_str()));
}

}  // namespace

// All or nothing: one bad behaviour and none is queued.
void script_post(Shared& shared, const std::string& text, httplib::Response& res) {
    Json body = parse_json(text);
    if (json_is_object(body.get())) {  // a single behaviour is fine too
        json_t* arr = json_array();
        json_array_append(arr, body.get());
        body.reset(arr);
    }
    if (!json_is_array(body.get())) return error(res, "body must be a JSON array of behaviour objects");
    std::vector<Behaviour> parsed;
    size_t i;
    json_t* item;
    json_array_foreach(body.get(), i, item) {
        Behaviour b;
        std::string err = parse_behaviour(item, b);
        if (!err.empty()) return error(res, "behaviour " + std::to_string(i) + ": " + err);
        parsed.push_back(b);
    }
    auto s = shared.lock();
    s->script.insert(s->script.end(), parsed.begin(), parsed.end());
    reply_json(res, 200, json_pack("{s:i}", "queued", static_cast<int>(s->script.size())));
}

void script_get(Shared& shared, const std::string&, httplib::Response& res) {
    json_t* arr = json_array();
    auto s = shared.lock();
    for (const auto& b : s->script) json_array_append_new(arr, parse_json(b.source).release());
    reply_json(res, 200, arr);
}

void script_delete(Shared& shared, const std::string&, httplib::Response& res) {
    auto s = shared.lock();
    s->script.clear();
    reply_json(res, 200, json_pack("{s:i}", "queued", 0));
}

void requests_get(Shared& shared, const std::string&, httplib::Response& res) {
    json_t* arr = json_array();
    auto s = shared.lock();
    for (const auto& r : s->records) json_array_append_new(arr, record_to_json(*r));
    res.status = 200;
    res.set_content(dump_owned(arr), "application/json");  // dumped under the lock
}

// `seq` keeps counting, so a test can tell old requests from new ones.
void requests_delete(Shared& shared, const std::string&, httplib::Response& res) {
    auto s = shared.lock();
    s->records.clear();
    s->media_hits.clear();
    s->key_in_url_count = 0;
    s->max_in_flight = s->in_flight;
    reply_json(res, 200, json_pack("{s:i}", "recorded", 0));
}

void stats(Shared& shared, const std::string&, httplib::Response& res) {
    auto s = shared.lock();
    reply_json(res, 200,
               json_pack("{s:I, s:I, s:I, s:I, s:I}", "recorded", static_cast<json_int_t>(s->records.size()),
                         "in_flight", static_cast<json_int_t>(s->in_flight), "max_in_flight",
                         static_cast<json_int_t>(s->max_in_flight), "key_in_url",
                         static_cast<json_int_t>(s->key_in_url_count), "script_queued",
                         static_cast<json_int_t>(s->script.size())));
}

void media_hits(Shared& shared, const std::string&, httplib::Response& res) {
    json_t* hits = json_object();
    auto s = shared.lock();
    for (const auto& h : s->media_hits)
        json_object_set_new(hits, h.first.c_str(), json_integer(static_cast<json_int_t>(h.second)));
    reply_json(res, 200, json_pack("{s:o}", "hits", hits));
}

void root(const httplib::Request&, httplib::Response& res) { reply_json(res, 200, json_pack("{s:b}", "fake_llm", 1)); }

}  // namespace fake::control

namespace fake::media {

namespace {

// An 8x8 orange PNG (RGB, 8 bits, two dark brown pixels for eyes), written by
// hand with zlib: signature, IHDR, one IDAT, IEND (https://www.w3.org/TR/png/).
const unsigned char kCatPng[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x6d, 0x29, 0xdc, 0x00,
    0x00, 0x00, 0x1b, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x78, 0xd0, 0x65, 0x83, 0x15, 0x31, 0x10,
    0x90, 0xc8, 0xb6, 0x95, 0x43, 0x63, 0x30, 0x90, 0x6b, 0x14, 0x35, 0x24, 0x00, 0x70, 0xd2, 0x67, 0xc1,
    0xd6, 0x3b, 0x20, 0x42, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

// An 8x8 flat orange baseline JPEG (JFIF 1.01, YCbCr 4:4:4, a quantization
// table of ones, one 8x8 block per component holding only its DC value),
// written by hand (https://www.w3.org/Graphics/JPEG/itu-t81.pdf); djpeg decodes
// it to RGB (224,139,59).
const unsigned char kCatJpg[] = {
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00,
    0x08, 0x00, 0x08, 0x03, 0x01, 0x11, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00, 0xff, 0xc4, 0x00, 0x1f, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03,
    0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0xff, 0xc4, 0x00, 0x14, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02,
    0x00, 0x03, 0x00, 0x00, 0x3f, 0x00, 0xfb, 0x60, 0xfc, 0x4f, 0x3f, 0x62, 0x0f, 0xff, 0xd9,
};

const char kPage[] =
    "<!DOCTYPE html>\n<html><head><title>fake_llm media</title></head>\n"
    "<body><p>A fake page, not an image.</p></body></html>\n";

const size_t kBigSize = 25 * 1024 * 1024;  // 25 MiB
const size_t kBlock = 64 * 1024;           // big.png goes out in writes of at most this
const long kDefaultSlowMs = 15000;
const long kMaxSlowMs = 600000;
const long kMaxRedirects = 100;

std::string bytes(const unsigned char* data, size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

std::string png() { return bytes(kCatPng, sizeof kCatPng); }

void bad_request(httplib::Response& res, const std::string& message) {
    reply_json(res, 400, json_pack("{s:s}", "error", message.c_str()));
}

// An integer query parameter in [lo, hi], `fallback` when absent; false if it is not one.
bool int_param(const httplib::Request& req, const char* name, long fallback, long lo, long hi, long& out) {
    if (!req.has_param(name)) {
        out = fallback;
        return true;
    }
    const std::string v = req.get_param_value(name);
    char* end = nullptr;
    out = strtol(v.c_str(), &end, 10);
    return !v.empty() && *end == '\0' && out >= lo && out <= hi;
}

// For a query value: everything but unreserved characters percent-encoded (RFC 3986).
std::string query_escape(const std::string& s) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : s) {
        if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += kHex[ch >> 4];
            out += kHex[ch & 15];
        }
    }
    return out;
}

// big.png: the PNG's bytes, then zeros up to 25 MiB, made as they are sent.
bool big_body(size_t offset, size_t length, httplib::DataSink& sink) {
    static const std::string zeros(kBlock, '\0');
    if (offset < sizeof kCatPng)
        return sink.write(reinterpret_cast<const char*>(kCatPng) + offset, std::min(length, sizeof kCatPng - offset));
    return sink.write(zeros.data(), std::min(length, kBlock));
}

// redirect?n=K&to=PATH[&abs=1]: 302 to redirect?n=K-1 with the same `to`, and
// at n=0 to PATH itself (a path on this server or an absolute URL). With
// abs=1 the fake's own hops are absolute URLs built from the Host header.
void redirect(const httplib::Request& req, httplib::Response& res) {
    long n = 0;
    if (!int_param(req, "n", 1, 0, kMaxRedirects, n))
        return bad_request(res, "n must be an integer in 0.." + std::to_string(kMaxRedirects));
    const std::string to = req.has_param("to") ? req.get_param_value("to") : "/media/cat.png";
    if (!starts_with(to, "/") && !starts_with(lower(to), "http://") && !starts_with(lower(to), "https://"))
        return bad_request(res, "to must be a path starting with / or an http(s) URL");
    const bool abs = req.get_param_value("abs") == "1";
    const std::string self = abs ? "http://" + req.get_header_value("Host") : "";
    // At n = 0 `to` itself; before that the next hop, which carries `to` on.
    std::string location = starts_with(to, "/") ? self + to : to;
    if (n > 0) location = self + "/media/redirect?n=" + std::to_string(n - 1) + "&to=" + query_escape(to);
    if (n > 0 && abs) location += "&abs=1";
    res.status = 302;
    res.set_header("Location", location);
    res.set_content("Found: " + location + "\n", "text/plain; charset=utf-8");
}

}  // namespace

// Every GET (and HEAD) under /media/ counts a hit for its path, known or not;
// none is recorded or takes a behaviour, and none needs a key.
void serve(Shared& shared, const httplib::Request& req, httplib::Response& res) {
    {
        auto s = shared.lock();
        ++s->media_hits[req.path];
    }
    const std::string& path = req.path;
    if (path == "/media/cat.png") {
        res.set_content(png(), "image/png");
    } else if (path == "/media/cat.jpg") {
        res.set_content(bytes(kCatJpg, sizeof kCatJpg), "image/jpeg");
    } else if (path == "/media/page.html") {
        res.set_content(kPage, "text/html; charset=utf-8");
    } else if (path == "/media/big.png") {
        res.set_content_provider(kBigSize, "image/png", big_body);
    } else if (path == "/media/slow.png") {
        long ms = 0;
        if (!int_param(req, "ms", kDefaultSlowMs, 0, kMaxSlowMs, ms))
            return bad_request(res, "ms must be an integer in 0.." + std::to_string(kMaxSlowMs));
        sleep_ms(ms);
        res.set_content(png(), "image/png");
    } else if (path == "/media/redirect") {
        redirect(req, res);
    } else if (path == "/media/nolength.png") {
        // Chunked: no Content-Length, the body in two chunks.
        res.set_chunked_content_provider("image/png", [](size_t, httplib::DataSink& sink) {
            const size_t half = sizeof kCatPng / 2;
            const char* data = reinterpret_cast<const char*>(kCatPng);
            if (!sink.write(data, half) || !sink.write(data + half, sizeof kCatPng - half)) return false;
            sink.done();
            return true;
        });
    } else {
        res.status = 404;  // the JSON 404 of every unknown route
    }
}

}  // namespace fake::media
