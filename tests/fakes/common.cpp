#include "common.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

namespace fake {

// ---- JSON ----------------------------------------------------------------

// json_pack() yields NULL when handed invalid UTF-8 (e.g. a %FF in a URL).
std::string dump(const json_t* j) {
    char* s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : nullptr;
    std::string out = s ? s : R"j({"error":{"message":"fake_llm: cannot encode reply (invalid UTF-8 input?)"}})j";
    free(s);
    return out;
}

std::string dump_owned(json_t* j) { return dump(Json(j).get()); }

Json parse_json(const std::string& s) { return Json(json_loadb(s.data(), s.size(), JSON_DECODE_ANY, nullptr)); }

std::string str_field(const json_t* obj, const char* key) {
    const char* v = json_string_value(json_object_get(obj, key));
    return v ? v : "";
}

// ---- Text and clock --------------------------------------------------------

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Offsets where whitespace-separated words start.
std::vector<size_t> word_starts(const std::string& s) {
    std::vector<size_t> starts;
    for (size_t i = 0; i < s.size(); ++i)
        if (!is_space(s[i]) && (i == 0 || is_space(s[i - 1]))) starts.push_back(i);
    return starts;
}

}  // namespace

bool contains(const std::string& s, const char* needle) { return s.find(needle) != std::string::npos; }

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

long count_words(const std::string& s) { return static_cast<long>(word_starts(s).size()); }

// Leading whitespace sticks to the first piece.
std::vector<std::string> split_pieces(const std::string& s) {
    std::vector<size_t> starts = word_starts(s);
    if (starts.empty()) return {s};
    starts[0] = 0;
    std::vector<std::string> out;
    for (size_t k = 0; k < starts.size(); ++k) {
        size_t end = k + 1 < starts.size() ? starts[k + 1] : s.size();
        out.push_back(s.substr(starts[k], end - starts[k]));
    }
    return out;
}

namespace {

// Where `text` goes on after the word "call", or npos.
size_t after_call_word(const std::string& text) {
    std::string low = lower(text);
    for (size_t at = low.find("call "); at != std::string::npos; at = low.find("call ", at + 1))
        if (at == 0 || !(std::isalnum(static_cast<unsigned char>(low[at - 1])) || low[at - 1] == '_')) return at + 5;
    return std::string::npos;
}

bool name_char(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-'; }

std::mt19937_64& rng() {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return gen;
}

}  // namespace

std::vector<std::string> names_after_call(const std::string& text) {
    std::vector<std::string> out;
    for (size_t pos = after_call_word(text); pos < text.size();) {
        size_t start = pos;
        while (pos < text.size() && name_char(text[pos])) ++pos;
        std::string word = text.substr(start, pos - start);
        while (!word.empty() && (word.back() == '.' || word.back() == '-')) word.pop_back();
        if (!word.empty()) out.push_back(word);
        if (pos == start) ++pos;
    }
    return out;
}

std::string random_chars(const std::string& alphabet, size_t n) {
    std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
    std::string out;
    for (size_t i = 0; i < n; ++i) out += alphabet[pick(rng())];
    return out;
}

long long now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

long long now_s() { return now_ms() / 1000; }

void sleep_ms(long ms) {
    if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// ---- Embeddings --------------------------------------------------------------

namespace {

// 64-bit FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/).
constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

uint64_t fnv1a(uint64_t h, const unsigned char* data, size_t len) {
    for (size_t i = 0; i < len; ++i) h = (h ^ data[i]) * kFnvPrime;
    return h;
}

// splitmix64 (Steele, Lea, Flood 2014; the reference is https://prng.di.unimi.it/splitmix64.c).
std::vector<float> embed_seed(uint64_t state, size_t dims) {
    std::vector<float> out;
    out.reserve(dims);
    for (size_t i = 0; i < dims; ++i) {
        uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        out.push_back(static_cast<float>(static_cast<double>(z >> 48) / 32768.0 - 1.0));
    }
    return out;
}

}  // namespace

std::vector<float> embed_text(const std::string& text, size_t dims) {
    return embed_seed(fnv1a(kFnvOffset, reinterpret_cast<const unsigned char*>(text.data()), text.size()), dims);
}

std::vector<float> embed_tokens(const std::vector<json_int_t>& ids, size_t dims) {
    uint64_t h = kFnvOffset;
    for (json_int_t id : ids) {
        unsigned char bytes[8];
        const uint64_t v = static_cast<uint64_t>(static_cast<int64_t>(id));
        for (int b = 0; b < 8; ++b) bytes[b] = static_cast<unsigned char>(v >> (8 * b));
        h = fnv1a(h, bytes, sizeof bytes);
    }
    return embed_seed(h, dims);
}

json_t* floats_json(const std::vector<float>& values) {
    json_t* out = json_array();
    for (float v : values) json_array_append_new(out, json_real(static_cast<double>(v)));
    return out;
}

// ---- Behaviours (the /_control/script queue) --------------------------------

std::string parse_behaviour(json_t* obj, Behaviour& b) {
    if (!json_is_object(obj)) return "each behaviour must be a JSON object";
    b.source = dump(obj);
    const char* key;
    json_t* v;
    json_object_foreach(obj, key, v) {
        std::string k = key;
        if (k == "status" && json_is_integer(v)) {
            b.status = static_cast<int>(json_integer_value(v));
        } else if (k == "body") {
            b.body = json_is_string(v) ? json_string_value(v) : dump(v);
            if (json_is_string(v) && !json_object_get(obj, "content_type"))
                b.content_type = "text/plain; charset=utf-8";
        } else if (k == "content_type" && json_is_string(v)) {
            b.content_type = json_string_value(v);
        } else if (k == "retry_after" && (json_is_string(v) || json_is_integer(v))) {
            b.retry_after = json_is_string(v) ? json_string_value(v) : std::to_string(json_integer_value(v));
        } else if (k == "hang_ms" && json_is_integer(v)) {
            b.hang_ms = static_cast<long>(json_integer_value(v));
        } else if (k == "reset" && json_is_boolean(v)) {
            b.reset = json_is_true(v);
        } else if (k == "reset_after_chunks" && json_is_integer(v)) {
            b.reset_after_chunks = static_cast<long>(json_integer_value(v));
        } else if (k == "end_after_chunks" && json_is_integer(v)) {
            b.end_after_chunks = static_cast<long>(json_integer_value(v));
        } else if (k == "chunk_delay_ms" && json_is_integer(v)) {
            b.chunk_delay_ms = static_cast<long>(json_integer_value(v));
        } else if (k == "crlf" && json_is_boolean(v)) {
            b.crlf = json_is_true(v) ? 1 : 0;
        } else if (k == "split_frames" && json_is_boolean(v)) {
            b.split_frames = json_is_true(v);
        } else {
            return "unknown or mistyped behaviour key: " + k;
        }
    }
    if (b.status != 0 && (b.status < 100 || b.status > 599)) return "status must be 100..599";
    return "";
}

Behaviour pop_behaviour(Shared& shared) {
    auto s = shared.lock();
    if (s->script.empty()) return Behaviour{};
    Behaviour b = s->script.front();
    s->script.pop_front();
    return b;
}

// ---- Recording ---------------------------------------------------------------

namespace {

const char* protocol_name(Protocol p) { return p == Protocol::OpenAI ? "openai" : "gemini"; }

Json headers_object(const httplib::Request& req) {
    Json out(json_object());
    for (const auto& h : req.headers) {
        // httplib adds these pseudo headers itself; they were not on the wire.
        if (h.first == "REMOTE_ADDR" || h.first == "REMOTE_PORT" || h.first == "LOCAL_ADDR" ||
            h.first == "LOCAL_PORT")
            continue;
        std::string name = lower(h.first);
        std::string value = h.second;
        if (const char* prev = json_string_value(json_object_get(out.get(), name.c_str())))
            value = std::string(prev) + ", " + value;
        json_object_set_new(out.get(), name.c_str(), json_string(value.c_str()));
    }
    return out;
}

// True if the query string has a `key` parameter (Gemini accepts `?key=`, but
// the gateway must always use the x-goog-api-key header instead).
bool query_has_key(const std::string& target) {
    size_t q = target.find('?');
    if (q == std::string::npos) return false;
    std::string query = target.substr(q + 1);
    for (size_t start = 0; start <= query.size();) {
        size_t amp = query.find('&', start);
        if (amp == std::string::npos) amp = query.size();
        if (query.substr(start, std::min(query.find('=', start), amp) - start) == "key") return true;
        start = amp + 1;
    }
    return false;
}

}  // namespace

std::shared_ptr<Record> record_request(Shared& shared, const httplib::Request& req, const std::string& body,
                                       Protocol p, const Behaviour& beh) {
    auto rec = std::make_shared<Record>();
    rec->protocol = protocol_name(p);
    rec->method = req.method;
    rec->target = req.target;
    rec->headers = headers_object(req);
    rec->body = body.empty() ? Json(json_null()) : parse_json(body);
    if (!rec->body) rec->body = Json(json_stringn(body.data(), body.size()));
    if (!rec->body) rec->body = Json(json_string("<body is not valid UTF-8>"));
    rec->time_ms = now_ms();
    rec->key_in_url = query_has_key(req.target);
    rec->behaviour = beh.source;
    if (rec->key_in_url)
        fprintf(stderr, "fake_llm: WARNING: API key passed in the URL: %s %s\n", req.method.c_str(),
                req.target.c_str());
    auto s = shared.lock();
    rec->seq = s->next_seq++;
    if (rec->key_in_url) ++s->key_in_url_count;
    // Bounded: a benchmark sends hundreds of thousands of requests, and a
    // fake that grows to gigabytes skews its own latency. Tests read far
    // fewer than kKeepRecords back; the oldest half goes in one step.
    constexpr size_t kKeepRecords = 10000;
    if (s->records.size() >= 2 * kKeepRecords) s->records.erase(s->records.begin(), s->records.begin() + kKeepRecords);
    s->records.push_back(rec);
    return rec;
}

json_t* record_to_json(const Record& r) {
    json_t* o = json_pack("{s:I, s:s, s:s, s:s, s:O, s:O, s:I, s:b, s:o, s:b}", "seq", static_cast<json_int_t>(r.seq),
                          "protocol", r.protocol.c_str(), "method", r.method.c_str(), "path", r.target.c_str(),
                          "headers", r.headers.get(), "body", r.body.get(), "time_ms",
                          static_cast<json_int_t>(r.time_ms), "key_in_url", r.key_in_url, "behaviour",
                          parse_json(r.behaviour).release(), "closed_early", r.response_end == "client_closed");
    json_object_set_new(o, "response_end",
                        r.response_end.empty() ? json_null() : json_string(r.response_end.c_str()));
    return o;
}

void set_response_end(Shared& shared, Record& rec, const char* how) {
    auto s = shared.lock();
    rec.response_end = how;
}

InFlight::InFlight(Shared& shared) : shared_(shared) {
    auto s = shared_.lock();
    s->max_in_flight = std::max(s->max_in_flight, ++s->in_flight);
}

InFlight::~InFlight() {
    auto s = shared_.lock();
    --s->in_flight;
}

// ---- Connection reset ----------------------------------------------------------

namespace {

int socket_port(int fd, bool peer) {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len)
                  : getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    if (rc != 0) return -1;
    if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
    if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&a)->sin6_port);
    return -1;
}

// httplib 0.11 does not hand the connection's socket to handlers, so find it
// among our open descriptors by its (local port, peer port) pair.
int find_connection_fd(const httplib::Request& req) {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return -1;
    int found = -1;
    while (dirent* e = readdir(dir)) {
        int fd = atoi(e->d_name);
        struct stat st {};
        if (e->d_name[0] == '.' || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
        if (socket_port(fd, false) == req.local_port && socket_port(fd, true) == req.remote_port) {
            found = fd;
            break;
        }
    }
    closedir(dir);
    return found;
}

}  // namespace

// SO_LINGER {on, 0} makes the final close send RST, and dup2() performs that
// close while leaving httplib's descriptor number valid (it now points at
// /dev/null, so httplib's own response write fails and it closes that).
void reset_connection(const httplib::Request& req) {
    int fd = find_connection_fd(req);
    if (fd < 0) {
        fprintf(stderr, "fake_llm: reset: connection socket not found\n");
        return;
    }
    linger lg{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, fd) < 0) shutdown(fd, SHUT_RDWR);
    if (devnull >= 0) close(devnull);
}

// ---- Sending replies -------------------------------------------------------------

std::string read_body(const httplib::ContentReader& reader) {
    std::string body;
    reader([&body](const char* data, size_t len) {
        body.append(data, len);
        return true;
    });
    return body;
}

void reply_json(httplib::Response& res, int status, json_t* j) {
    res.status = status;
    res.set_content(dump_owned(j), "application/json");
}

void send_body(httplib::Response& res, const Exchange& ex, int status, const std::string& body,
               const std::string& content_type) {
    res.status = status;
    if (!ex.beh.retry_after.empty()) res.set_header("Retry-After", ex.beh.retry_after);
    if (ex.beh.reset_after_chunks < 0) {
        res.set_content(body, content_type.c_str());
        return;
    }
    Shared* shared = &ex.shared;
    auto rec = ex.rec;
    res.set_content_provider(body.size(), content_type,
                             [body, shared, rec](size_t offset, size_t, httplib::DataSink& sink) {
                                 if (offset == 0) sink.write(body.data(), body.size() / 2);
                                 set_response_end(*shared, *rec, "reset_by_fake");
                                 return false;
                             });
}

void send_json(httplib::Response& res, const Exchange& ex, int status, json_t* j) {
    send_body(res, ex, status, dump_owned(j), "application/json; charset=utf-8");
}

namespace {

// Writes one frame, optionally in two writes split mid-frame.
bool write_frame(httplib::DataSink& sink, const std::string& frame, bool split) {
    if (!sink.is_writable()) return false;
    if (!split || frame.size() < 2) return sink.write(frame.data(), frame.size());
    size_t half = frame.size() / 2;
    if (!sink.write(frame.data(), half)) return false;
    sleep_ms(50);
    return sink.is_writable() && sink.write(frame.data() + half, frame.size() - half);
}

}  // namespace

// Each event goes out through its own sink.write(), so it is a separate HTTP
// chunk sent at once.
//
// httplib 0.11 compresses text/* replies when the client offers gzip/br and
// its compressor then holds back every event until the stream ends, so a
// stream is always sent uncompressed: we drop Accept-Encoding from the request
// httplib consults when it writes the reply (a non-const object inside httplib;
// the recorded headers keep the original value).
void send_stream(const httplib::Request& req, httplib::Response& res, const Exchange& ex, const char* content_type,
                 std::vector<std::string> frames) {
    const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
    res.status = 200;
    res.set_header("Cache-Control", "no-cache");
    auto events = std::make_shared<std::vector<std::string>>(std::move(frames));
    Behaviour beh = ex.beh;
    Shared* shared = &ex.shared;
    auto rec = ex.rec;
    auto inflight = ex.inflight;  // keeps the request counted while streaming
    res.set_chunked_content_provider(
        content_type, [events, beh, shared, rec, inflight](size_t, httplib::DataSink& sink) {
            const auto& fr = *events;
            const long limit = beh.reset_after_chunks;
            const long end_at = beh.end_after_chunks;
            for (size_t i = 0; i < fr.size(); ++i) {
                if (limit >= 0 && i == static_cast<size_t>(limit)) break;
                if (end_at >= 0 && i == static_cast<size_t>(end_at)) break;
                if (i > 0) sleep_ms(beh.chunk_delay_ms);
                if (!write_frame(sink, fr[i], beh.split_frames)) {
                    set_response_end(*shared, *rec, "client_closed");
                    return false;
                }
            }
            if (limit >= 0) {  // leave the chunked body unterminated
                set_response_end(*shared, *rec, "reset_by_fake");
                return false;
            }
            set_response_end(*shared, *rec, "complete");
            sink.done();
            return true;
        });
}

std::string sse_separator(const Behaviour& b, Protocol p) {
    bool crlf = b.crlf < 0 ? p == Protocol::Gemini : b.crlf == 1;
    return crlf ? "\r\n\r\n" : "\n\n";
}

std::vector<std::string> sse_frames(const std::vector<std::string>& payloads, const std::string& sep) {
    std::vector<std::string> out;
    for (const auto& p : payloads) out.push_back("data: " + p + sep);
    return out;
}

// ---- Error bodies in each protocol's shape ----------------------------------------

namespace {

struct ErrorKind {
    int status;
    const char* grpc_status;  // Gemini "status"
    const char* openai_type;
    const char* openai_code;  // nullptr -> null
    const char* message;
};

const ErrorKind kErrorKinds[] = {
    {400, "INVALID_ARGUMENT", "invalid_request_error", nullptr, "Fake bad request."},
    {401, "UNAUTHENTICATED", "invalid_request_error", "invalid_api_key", "Fake authentication failure."},
    {403, "PERMISSION_DENIED", "invalid_request_error", nullptr, "Fake permission denied."},
    {404, "NOT_FOUND", "invalid_request_error", nullptr, "Fake resource not found."},
    {429, "RESOURCE_EXHAUSTED", "requests", "rate_limit_exceeded", "Fake rate limit reached, please try again later."},
    {500, "INTERNAL", "server_error", nullptr, "The fake server had an error while processing your request."},
    {502, "UNAVAILABLE", "server_error", nullptr, "Fake bad gateway."},
    {503, "UNAVAILABLE", "server_error", nullptr, "The fake engine is currently overloaded, please try again later."},
    {504, "DEADLINE_EXCEEDED", "server_error", nullptr, "Fake deadline exceeded."},
};

ErrorKind error_kind(int status) {
    for (const auto& k : kErrorKinds)
        if (k.status == status) return k;
    if (status >= 500) return {status, "INTERNAL", "server_error", nullptr, "Fake server error."};
    return {status, "FAILED_PRECONDITION", "invalid_request_error", nullptr, "Fake client error."};
}

json_t* default_error(Protocol p, int status) {
    ErrorKind k = error_kind(status);
    return p == Protocol::OpenAI ? openai_error(k.message, k.openai_type, nullptr, k.openai_code)
                                 : gemini_error(status, k.message, k.grpc_status);
}

}  // namespace

// https://platform.openai.com/docs/guides/error-codes
json_t* openai_error(const std::string& message, const char* type, const char* param, const char* code) {
    return json_pack("{s:{s:s, s:s, s:s?, s:s?}}", "error", "message", message.c_str(), "type", type, "param", param,
                     "code", code);
}

// google.rpc codes: https://ai.google.dev/gemini-api/docs/troubleshooting
json_t* gemini_error(int status, const std::string& message, const char* grpc_status) {
    return json_pack("{s:{s:i, s:s, s:s}}", "error", "code", status, "message", message.c_str(), "status",
                     grpc_status);
}

void send_scripted_status(httplib::Response& res, const Exchange& ex) {
    if (!ex.beh.body.empty())
        send_body(res, ex, ex.beh.status, ex.beh.body, ex.beh.content_type);
    else
        send_json(res, ex, ex.beh.status, default_error(ex.proto, ex.beh.status));
}

}  // namespace fake
