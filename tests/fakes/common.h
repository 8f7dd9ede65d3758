// What the fake's protocol and control files share: jansson RAII, text helpers,
// the clock, the scripted behaviours and recorded requests (one state behind one
// lock), and the ways a reply is sent, shaped by the request's behaviour.
#pragma once
#include <httplib.h>
#include <jansson.h>

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace fake {

// ---- JSON ----------------------------------------------------------------

struct JsonDeleter {
    void operator()(json_t* j) const { json_decref(j); }
};
// Owns one reference.
using Json = std::unique_ptr<json_t, JsonDeleter>;

// Compact text; a JSON error object if `j` is null (json_pack() failed).
std::string dump(const json_t* j);
// Takes ownership of `j`, returns its compact text.
std::string dump_owned(json_t* j);
// Any JSON value; null if `s` is not JSON.
Json parse_json(const std::string& s);
// The string at `key`, or "".
std::string str_field(const json_t* obj, const char* key);

// ---- Text and clock --------------------------------------------------------

bool contains(const std::string& s, const char* needle);
bool starts_with(const std::string& s, const char* prefix);
std::string lower(std::string s);
// Whitespace-separated words: the fake's "tokens".
long count_words(const std::string& s);
// Stream pieces: each word with the whitespace after it, so they concatenate to `s`.
std::vector<std::string> split_pieces(const std::string& s);

// The words after the first word "call" of `text`: runs of letters, digits,
// `_`, `.` and `-` (a trailing `.` or `-` dropped), which may name functions
// ("please call get_weather and get_time"). Both protocols' tool calling reads them.
std::vector<std::string> names_after_call(const std::string& text);

// `n` characters picked at random from `alphabet` (ids, thought signatures).
std::string random_chars(const std::string& alphabet, size_t n);

long long now_ms();
long long now_s();
void sleep_ms(long ms);

// ---- Embeddings --------------------------------------------------------------

// Both protocols embed with the same function, so one text gets the same
// vector from /v1/embeddings and from Gemini's embedContent. The vector is a
// pure function of the text (or token ids) and the length: seed splitmix64
// with the 64-bit FNV-1a hash of the input, and each value is
// (next() >> 48) / 32768 - 1, a multiple of 2^-15 in [-1, 1) that float32,
// double and JSON hold exactly. A shorter vector is a prefix of a longer one.
constexpr long kDefaultEmbeddingDims = 8;
constexpr long kMaxEmbeddingDims = 3072;  // the largest real models' (text-embedding-3-large, gemini-embedding-001)
// Hashes the text's UTF-8 bytes.
std::vector<float> embed_text(const std::string& text, size_t dims);
// Hashes each id as 8 little-endian bytes (two's complement), in order.
std::vector<float> embed_tokens(const std::vector<json_int_t>& ids, size_t dims);
// A JSON array of the values (taken by the caller).
json_t* floats_json(const std::vector<float>& values);

// ---- State -----------------------------------------------------------------

// A value reached only with its mutex held (pdns LockGuarded):
// `auto s = guarded.lock(); s->field = ...;`
template <typename T>
class LockGuarded {
public:
    class Holder {
    public:
        Holder(std::mutex& mu, T& value) : lock_(mu), value_(value) {}
        T* operator->() { return &value_; }

    private:
        std::lock_guard<std::mutex> lock_;
        T& value_;
    };

    Holder lock() { return Holder(mu_, value_); }

private:
    std::mutex mu_;
    T value_;
};

// The command line; read-only once the server runs.
struct Options {
    std::string host = "127.0.0.1";
    int port = -1;
    std::string openai_key;  // empty: any non-empty bearer token is accepted
    std::string gemini_key;  // empty: any non-empty x-goog-api-key is accepted
    size_t threads = 1100;
    bool verbose = false;
};

enum class Protocol { OpenAI, Gemini };

// One scripted behaviour, consumed by exactly one API request.
struct Behaviour {
    int status = 0;                // answer with this status instead of normally
    std::string body;              // explicit body text; empty = protocol default
    std::string content_type = "application/json";
    std::string retry_after;       // adds a Retry-After header
    long hang_ms = 0;              // sleep before answering at all
    bool reset = false;            // drop the connection (RST), no HTTP response
    long reset_after_chunks = -1;  // send N stream events, then drop the connection
    long end_after_chunks = -1;    // send N stream events, then end the body cleanly (cut short)
    long chunk_delay_ms = 0;       // pause between stream events
    int crlf = -1;                 // SSE frame end: -1 protocol default, 0 "\n\n", 1 "\r\n\r\n"
    bool split_frames = false;     // write each frame in two halves, pausing between
    std::string source = "null";   // the JSON this was parsed from
};

// Parses one behaviour object; returns an error message, or "" on success.
std::string parse_behaviour(json_t* obj, Behaviour& b);

// One recorded API request.
struct Record {
    long seq = 0;
    std::string protocol, method, target;
    Json headers, body;
    long long time_ms = 0;
    bool key_in_url = false;
    std::string behaviour = "null";
    // How a streamed or aborted reply ended: "" (plain reply), "complete",
    // "client_closed" (client hung up mid-stream) or "reset_by_fake".
    std::string response_end;
};

// Its JSON for /_control/requests; the caller holds the state's lock.
json_t* record_to_json(const Record& r);

// A Gemini functionCall the fake answered with, remembered under its thoughtSignature
// so later requests that send it back can be checked (gemini.cpp).
struct IssuedCall {
    std::string name;
    std::string id;  // "" unless the model gives its calls ids (gemini-3)
};

// Everything the handlers share.
struct State {
    std::deque<Behaviour> script;
    std::vector<std::shared_ptr<Record>> records;
    long next_seq = 1;
    long in_flight = 0, max_in_flight = 0, key_in_url_count = 0;
    // Thought signatures issued by the Gemini side, oldest first in signature_order
    // (bounded; not cleared by DELETE /_control/requests: a conversation may go on).
    std::unordered_map<std::string, IssuedCall> signatures;
    std::deque<std::string> signature_order;
    // GET /media/... hits by path; cleared with the records.
    std::map<std::string, long> media_hits;
};
using Shared = LockGuarded<State>;

// The next scripted behaviour, or the normal one when the queue is empty.
Behaviour pop_behaviour(Shared& shared);

// Records an API request (numbered, bounded in count) and returns its record.
std::shared_ptr<Record> record_request(Shared& shared, const httplib::Request& req, const std::string& body,
                                       Protocol p, const Behaviour& beh);

void set_response_end(Shared& shared, Record& rec, const char* how);

// Counts API requests in progress; for streams it lives as long as the
// content provider, i.e. until the last byte is written.
class InFlight {
public:
    explicit InFlight(Shared& shared);
    ~InFlight();
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

private:
    Shared& shared_;
};

// Everything a protocol handler needs to know about the request in progress.
struct Exchange {
    Exchange(Protocol p, const Options& o, Shared& s) : proto(p), opt(o), shared(s) {}

    Protocol proto;
    const Options& opt;
    Shared& shared;
    std::string body;  // the request body
    std::shared_ptr<Record> rec;
    Behaviour beh;
    std::shared_ptr<InFlight> inflight;
};

// ---- Replies ---------------------------------------------------------------

// Reads the whole request body. POST routes take httplib's content-reader
// form because httplib 0.11 otherwise answers 413 to form-encoded bodies over
// 8 KiB (`curl -d` sends that type) and merges such bodies into req.params.
std::string read_body(const httplib::ContentReader& reader);

// A plain JSON reply, for the control API (no behaviour applies); takes `j`.
void reply_json(httplib::Response& res, int status, json_t* j);

// Sends a complete body. With `reset_after_chunks` the reply announces the
// full Content-Length but only the first half of the body is written before
// the connection is closed.
void send_body(httplib::Response& res, const Exchange& ex, int status, const std::string& body,
               const std::string& content_type);
// send_body() with `j`'s text; takes `j`.
void send_json(httplib::Response& res, const Exchange& ex, int status, json_t* j);

// Streams fully framed events, each as its own HTTP chunk, shaped by the behaviour
// (reset_after_chunks, chunk_delay_ms, split_frames).
void send_stream(const httplib::Request& req, httplib::Response& res, const Exchange& ex, const char* content_type,
                 std::vector<std::string> frames);

// "\n\n" or "\r\n\r\n": the protocol's default unless the behaviour sets `crlf`.
std::string sse_separator(const Behaviour& b, Protocol p);
// `data: <payload><sep>` for each payload.
std::vector<std::string> sse_frames(const std::vector<std::string>& payloads, const std::string& sep);

// Aborts the connection with a TCP RST and no HTTP response at all.
void reset_connection(const httplib::Request& req);

// ---- Error bodies ----------------------------------------------------------

// {"error":{message,type,param,code}}; a null param or code is sent as null.
json_t* openai_error(const std::string& message, const char* type, const char* param, const char* code);
// {"error":{code,message,status}}
json_t* gemini_error(int status, const std::string& message, const char* grpc_status);

// Replies with a scripted status (and body, or the protocol's default body).
void send_scripted_status(httplib::Response& res, const Exchange& ex);

}  // namespace fake
