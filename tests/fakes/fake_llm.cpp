// fake_llm — a fake LLM provider for the gateway's integration tests.
//
// One process, one port, two wire protocols:
//   * OpenAI-compatible Chat Completions under /v1
//       - Create chat completion / chat.completion object:
//         https://platform.openai.com/docs/api-reference/chat/create
//         https://platform.openai.com/docs/api-reference/chat/object
//       - Streaming chat.completion.chunk objects, `stream_options.include_usage`
//         (extra last chunk with `"choices":[]` and `usage`; every other chunk
//         carries `"usage":null`), stream ends with `data: [DONE]`:
//         https://platform.openai.com/docs/api-reference/chat/streaming
//       - List models (`{"object":"list","data":[{id,object,created,owned_by}]}`):
//         https://platform.openai.com/docs/api-reference/models/list
//       - Error object `{"error":{message,type,param,code}}`:
//         https://platform.openai.com/docs/guides/error-codes
//   * Google Gemini native API under /v1beta
//       - models.generateContent / GenerateContentResponse (candidates[].content
//         .parts[].text, finishReason, index, promptFeedback.blockReason,
//         usageMetadata{promptTokenCount,candidatesTokenCount,
//         thoughtsTokenCount,totalTokenCount}, modelVersion, responseId):
//         https://ai.google.dev/api/generate-content#method:-models.generatecontent
//         https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
//       - models.streamGenerateContent with `alt=sse`: SSE frames, each a full
//         GenerateContentResponse; there is no `[DONE]` sentinel:
//         https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
//       - models.list with pageSize/pageToken -> {models[], nextPageToken}:
//         https://ai.google.dev/api/models#method:-models.list
//       - API key in the `x-goog-api-key` header:
//         https://ai.google.dev/gemini-api/docs/api-key
//       - Error shape {"error":{code,message,status}} with google.rpc codes:
//         https://ai.google.dev/gemini-api/docs/troubleshooting
//
// Plus a control/inspection API under /_control for tests (see README.md).
//
// Build:
//   g++ -std=c++17 -O2 -Wall -Wextra -Werror tests/fakes/fake_llm.cpp
//       $(pkg-config --cflags --libs cpp-httplib jansson) -lpthread -o fake_llm
// Run:
//   fake_llm --port N [--host 127.0.0.1] [--openai-key K] [--gemini-key K]
//            [--threads 1100] [--verbose]
//   (--port 0 picks a free port; the banner line tells which.)

#include <httplib.h>
#include <jansson.h>

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

// ---------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------

struct JsonDeleter {
  void operator()(json_t *j) const { json_decref(j); }
};
using Json = std::unique_ptr<json_t, JsonDeleter>;

// json_pack() yields NULL when handed invalid UTF-8 (e.g. a %FF in a URL).
std::string dump(const json_t *j) {
  char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : nullptr;
  std::string out = s ? s : R"j({"error":{"message":"fake_llm: cannot encode reply (invalid UTF-8 input?)"}})j";
  free(s);
  return out;
}

// Takes ownership of `j`, returns its compact text.
std::string dump_owned(json_t *j) { return dump(Json(j).get()); }

Json parse_json(const std::string &s) {
  return Json(json_loadb(s.data(), s.size(), JSON_DECODE_ANY, nullptr));
}

std::string str_field(const json_t *obj, const char *key) {
  const char *v = json_string_value(json_object_get(obj, key));
  return v ? v : "";
}

long long now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
      .count();
}

long long now_s() { return now_ms() / 1000; }

void sleep_ms(long ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

bool contains(const std::string &s, const char *needle) {
  return s.find(needle) != std::string::npos;
}

bool starts_with(const std::string &s, const char *prefix) {
  return s.rfind(prefix, 0) == 0;
}

std::string lower(std::string s) {
  for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Offsets where whitespace-separated words start; their count is the fake's
// "token" count.
std::vector<size_t> word_starts(const std::string &s) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i)
    if (!is_space(s[i]) && (i == 0 || is_space(s[i - 1]))) starts.push_back(i);
  return starts;
}

long count_words(const std::string &s) { return static_cast<long>(word_starts(s).size()); }

// Splits text into stream pieces: each word with the whitespace that follows
// it (leading whitespace sticks to the first piece), so that concatenating
// the pieces gives back the text exactly.
std::vector<std::string> split_pieces(const std::string &s) {
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

// ---------------------------------------------------------------------------
// Options and global state
// ---------------------------------------------------------------------------

struct Options {
  std::string host = "127.0.0.1";
  int port = -1;
  std::string openai_key;  // empty: any non-empty bearer token is accepted
  std::string gemini_key;  // empty: any non-empty x-goog-api-key is accepted
  size_t threads = 1100;
  bool verbose = false;
};

enum class Protocol { OpenAI, Gemini };

const char *protocol_name(Protocol p) {
  return p == Protocol::OpenAI ? "openai" : "gemini";
}

// One scripted behaviour, consumed by exactly one API request.
struct Behaviour {
  int status = 0;                 // answer with this status instead of normally
  std::string body;               // explicit body text; empty = protocol default
  std::string content_type = "application/json";
  std::string retry_after;        // adds a Retry-After header
  long hang_ms = 0;               // sleep before answering at all
  bool reset = false;             // drop the connection (RST), no HTTP response
  long reset_after_chunks = -1;   // send N stream events, then drop the connection
  long chunk_delay_ms = 0;        // pause between stream events
  int crlf = -1;                  // SSE frame end: -1 protocol default, 0 "\n\n", 1 "\r\n\r\n"
  bool split_frames = false;      // write each frame in two halves, pausing between
  std::string source = "null";    // the JSON this was parsed from
};

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

struct State {
  Options opt;
  std::mutex mu;  // guards everything below
  std::deque<Behaviour> script;
  std::vector<std::shared_ptr<Record>> records;
  long next_seq = 1;
  long in_flight = 0, max_in_flight = 0, key_in_url_count = 0;
};
State g;

// Counts API requests in progress; for streams it lives as long as the
// content provider, i.e. until the last byte is written.
struct InFlight {
  InFlight() {
    std::lock_guard<std::mutex> lk(g.mu);
    g.max_in_flight = std::max(g.max_in_flight, ++g.in_flight);
  }
  ~InFlight() {
    std::lock_guard<std::mutex> lk(g.mu);
    --g.in_flight;
  }
  InFlight(const InFlight &) = delete;
  InFlight &operator=(const InFlight &) = delete;
};

// Everything a protocol handler needs to know about the request in progress.
struct Exchange {
  Protocol proto = Protocol::OpenAI;
  std::string body;  // the request body
  std::shared_ptr<Record> rec;
  Behaviour beh;
  std::shared_ptr<InFlight> inflight;
};

void set_response_end(const std::shared_ptr<Record> &rec, const char *how) {
  std::lock_guard<std::mutex> lk(g.mu);
  rec->response_end = how;
}

// ---------------------------------------------------------------------------
// Behaviours (the /_control/script queue)
// ---------------------------------------------------------------------------

// Parses one behaviour object; returns an error message, or "" on success.
std::string parse_behaviour(json_t *obj, Behaviour &b) {
  if (!json_is_object(obj)) return "each behaviour must be a JSON object";
  b.source = dump(obj);
  const char *key;
  json_t *v;
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
      b.retry_after = json_is_string(v) ? json_string_value(v)
                                        : std::to_string(json_integer_value(v));
    } else if (k == "hang_ms" && json_is_integer(v)) {
      b.hang_ms = static_cast<long>(json_integer_value(v));
    } else if (k == "reset" && json_is_boolean(v)) {
      b.reset = json_is_true(v);
    } else if (k == "reset_after_chunks" && json_is_integer(v)) {
      b.reset_after_chunks = static_cast<long>(json_integer_value(v));
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
  if (b.status != 0 && (b.status < 100 || b.status > 599))
    return "status must be 100..599";
  return "";
}

Behaviour pop_behaviour() {
  std::lock_guard<std::mutex> lk(g.mu);
  if (g.script.empty()) return Behaviour{};
  Behaviour b = g.script.front();
  g.script.pop_front();
  return b;
}

// ---------------------------------------------------------------------------
// Recording
// ---------------------------------------------------------------------------

Json headers_object(const httplib::Request &req) {
  Json out(json_object());
  for (const auto &h : req.headers) {
    // httplib adds these pseudo headers itself; they were not on the wire.
    if (h.first == "REMOTE_ADDR" || h.first == "REMOTE_PORT" ||
        h.first == "LOCAL_ADDR" || h.first == "LOCAL_PORT")
      continue;
    std::string name = lower(h.first);
    std::string value = h.second;
    if (const char *prev = json_string_value(json_object_get(out.get(), name.c_str())))
      value = std::string(prev) + ", " + value;
    json_object_set_new(out.get(), name.c_str(), json_string(value.c_str()));
  }
  return out;
}

// True if the query string has a `key` parameter (Gemini accepts `?key=`, but
// the gateway must always use the x-goog-api-key header instead).
bool query_has_key(const std::string &target) {
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

std::shared_ptr<Record> record_request(const httplib::Request &req, const std::string &body,
                                       Protocol p, const Behaviour &beh) {
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
    fprintf(stderr, "fake_llm: WARNING: API key passed in the URL: %s %s\n",
            req.method.c_str(), req.target.c_str());
  std::lock_guard<std::mutex> lk(g.mu);
  rec->seq = g.next_seq++;
  if (rec->key_in_url) ++g.key_in_url_count;
  // Bounded: a benchmark sends hundreds of thousands of requests, and a
  // fake that grows to gigabytes skews its own latency. Tests read far
  // fewer than kKeepRecords back; the oldest half goes in one step.
  constexpr size_t kKeepRecords = 10000;
  if (g.records.size() >= 2 * kKeepRecords)
    g.records.erase(g.records.begin(), g.records.begin() + kKeepRecords);
  g.records.push_back(rec);
  return rec;
}

// Caller holds g.mu.
json_t *record_to_json(const Record &r) {
  json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:O, s:O, s:I, s:b, s:o, s:b}",
                        "seq", static_cast<json_int_t>(r.seq),
                        "protocol", r.protocol.c_str(),
                        "method", r.method.c_str(),
                        "path", r.target.c_str(),
                        "headers", r.headers.get(),
                        "body", r.body.get(),
                        "time_ms", static_cast<json_int_t>(r.time_ms),
                        "key_in_url", r.key_in_url,
                        "behaviour", parse_json(r.behaviour).release(),
                        "closed_early", r.response_end == "client_closed");
  json_object_set_new(o, "response_end", r.response_end.empty()
                                              ? json_null()
                                              : json_string(r.response_end.c_str()));
  return o;
}

// ---------------------------------------------------------------------------
// Connection reset
// ---------------------------------------------------------------------------

int socket_port(int fd, bool peer) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr *>(&a), &len)
                : getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
  if (rc != 0) return -1;
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in *>(&a)->sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6 *>(&a)->sin6_port);
  return -1;
}

// httplib 0.11 does not hand the connection's socket to handlers, so find it
// among our open descriptors by its (local port, peer port) pair.
int find_connection_fd(const httplib::Request &req) {
  DIR *dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  int found = -1;
  while (dirent *e = readdir(dir)) {
    int fd = atoi(e->d_name);
    struct stat st {};
    if (e->d_name[0] == '.' || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    if (socket_port(fd, false) == req.local_port &&
        socket_port(fd, true) == req.remote_port) {
      found = fd;
      break;
    }
  }
  closedir(dir);
  return found;
}

// Aborts the connection with a TCP RST and no HTTP response at all: SO_LINGER
// {on, 0} makes the final close send RST, and dup2() performs that close
// while leaving httplib's descriptor number valid (it now points at
// /dev/null, so httplib's own response write fails and it closes that).
void reset_connection(const httplib::Request &req) {
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

// ---------------------------------------------------------------------------
// Sending replies
// ---------------------------------------------------------------------------

// Sends a complete body. With `reset_after_chunks` the reply announces the
// full Content-Length but only the first half of the body is written before
// the connection is closed.
void send_body(httplib::Response &res, const Exchange &ex, int status,
               const std::string &body, const std::string &content_type) {
  res.status = status;
  if (!ex.beh.retry_after.empty()) res.set_header("Retry-After", ex.beh.retry_after);
  if (ex.beh.reset_after_chunks < 0) {
    res.set_content(body, content_type.c_str());
    return;
  }
  auto rec = ex.rec;
  res.set_content_provider(
      body.size(), content_type,
      [body, rec](size_t offset, size_t, httplib::DataSink &sink) {
        if (offset == 0) sink.write(body.data(), body.size() / 2);
        set_response_end(rec, "reset_by_fake");
        return false;
      });
}

void send_json(httplib::Response &res, const Exchange &ex, int status, json_t *j) {
  send_body(res, ex, status, dump_owned(j), "application/json; charset=utf-8");
}

// Writes one frame, optionally in two writes split mid-frame.
bool write_frame(httplib::DataSink &sink, const std::string &frame, bool split) {
  if (!sink.is_writable()) return false;
  if (!split || frame.size() < 2) return sink.write(frame.data(), frame.size());
  size_t half = frame.size() / 2;
  if (!sink.write(frame.data(), half)) return false;
  sleep_ms(50);
  return sink.is_writable() && sink.write(frame.data() + half, frame.size() - half);
}

// Streams fully framed events, each as its own HTTP chunk (written and sent
// immediately), applying the stream-shaping behaviours.
//
// httplib 0.11 compresses text/* replies when the client offers gzip/br and
// its compressor then holds back every event until the stream ends, so a
// stream is always sent uncompressed: we drop Accept-Encoding from the request
// httplib consults when it writes the reply (a non-const object inside httplib;
// the recorded headers keep the original value).
void send_stream(const httplib::Request &req, httplib::Response &res, const Exchange &ex,
                 const char *content_type, std::vector<std::string> frames) {
  const_cast<httplib::Request &>(req).headers.erase("Accept-Encoding");
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  auto shared = std::make_shared<std::vector<std::string>>(std::move(frames));
  Behaviour beh = ex.beh;
  auto rec = ex.rec;
  auto inflight = ex.inflight;  // keeps the request counted while streaming
  res.set_chunked_content_provider(
      content_type, [shared, beh, rec, inflight](size_t, httplib::DataSink &sink) {
        const auto &fr = *shared;
        const long limit = beh.reset_after_chunks;
        for (size_t i = 0; i < fr.size(); ++i) {
          if (limit >= 0 && i == static_cast<size_t>(limit)) break;
          if (i > 0) sleep_ms(beh.chunk_delay_ms);
          if (!write_frame(sink, fr[i], beh.split_frames)) {
            set_response_end(rec, "client_closed");
            return false;
          }
        }
        if (limit >= 0) {  // leave the chunked body unterminated
          set_response_end(rec, "reset_by_fake");
          return false;
        }
        set_response_end(rec, "complete");
        sink.done();
        return true;
      });
}

std::string sse_separator(const Behaviour &b, Protocol p) {
  bool crlf = b.crlf < 0 ? p == Protocol::Gemini : b.crlf == 1;
  return crlf ? "\r\n\r\n" : "\n\n";
}

std::vector<std::string> sse_frames(const std::vector<std::string> &payloads,
                                    const std::string &sep) {
  std::vector<std::string> out;
  for (const auto &p : payloads) out.push_back("data: " + p + sep);
  return out;
}

// ---------------------------------------------------------------------------
// Error bodies in each protocol's shape
// ---------------------------------------------------------------------------

struct ErrorKind {
  int status;
  const char *grpc_status;  // Gemini "status"
  const char *openai_type;
  const char *openai_code;  // nullptr -> null
  const char *message;
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
  for (const auto &k : kErrorKinds)
    if (k.status == status) return k;
  if (status >= 500) return {status, "INTERNAL", "server_error", nullptr, "Fake server error."};
  return {status, "FAILED_PRECONDITION", "invalid_request_error", nullptr, "Fake client error."};
}

json_t *openai_error(const std::string &message, const char *type,
                     const char *param, const char *code) {
  return json_pack("{s:{s:s, s:s, s:s?, s:s?}}", "error", "message", message.c_str(),
                   "type", type, "param", param, "code", code);
}

json_t *gemini_error(int status, const std::string &message, const char *grpc_status) {
  return json_pack("{s:{s:i, s:s, s:s}}", "error", "code", status, "message",
                   message.c_str(), "status", grpc_status);
}

json_t *default_error(Protocol p, int status) {
  ErrorKind k = error_kind(status);
  return p == Protocol::OpenAI ? openai_error(k.message, k.openai_type, nullptr, k.openai_code)
                               : gemini_error(status, k.message, k.grpc_status);
}

// Replies with a scripted status (and body, or the protocol's default body).
void send_scripted_status(httplib::Response &res, const Exchange &ex) {
  if (!ex.beh.body.empty())
    send_body(res, ex, ex.beh.status, ex.beh.body, ex.beh.content_type);
  else
    send_json(res, ex, ex.beh.status, default_error(ex.proto, ex.beh.status));
}

// ---------------------------------------------------------------------------
// API request wrapper: record, consume a behaviour, apply it
// ---------------------------------------------------------------------------

using ApiHandler = void (*)(const httplib::Request &, httplib::Response &, Exchange &);

void run_api(Protocol proto, ApiHandler handler, const httplib::Request &req,
             httplib::Response &res, std::string body) {
  Exchange ex;
  ex.proto = proto;
  ex.body = std::move(body);
  ex.inflight = std::make_shared<InFlight>();
  ex.beh = pop_behaviour();
  ex.rec = record_request(req, ex.body, proto, ex.beh);
  sleep_ms(ex.beh.hang_ms);
  if (ex.beh.reset) {
    set_response_end(ex.rec, "reset_by_fake");
    return reset_connection(req);
  }
  if (ex.beh.status != 0) return send_scripted_status(res, ex);
  handler(req, res, ex);
}

// Reads the whole request body. POST routes take httplib's content-reader
// form because httplib 0.11 otherwise answers 413 to form-encoded bodies over
// 8 KiB (`curl -d` sends that type) and merges such bodies into req.params.
std::string read_body(const httplib::ContentReader &reader) {
  std::string body;
  reader([&body](const char *data, size_t len) {
    body.append(data, len);
    return true;
  });
  return body;
}

httplib::Server::Handler api_get(Protocol proto, ApiHandler handler) {
  return [proto, handler](const httplib::Request &req, httplib::Response &res) {
    run_api(proto, handler, req, res, req.body);
  };
}

httplib::Server::HandlerWithContentReader api_post(Protocol proto, ApiHandler handler) {
  return [proto, handler](const httplib::Request &req, httplib::Response &res,
                          const httplib::ContentReader &reader) {
    run_api(proto, handler, req, res, read_body(reader));
  };
}

// ---------------------------------------------------------------------------
// OpenAI-compatible side
// ---------------------------------------------------------------------------

const char *kOpenAIModels[] = {"fake-gpt-4o", "fake-gpt-4o-mini"};

bool openai_auth_ok(const httplib::Request &req, httplib::Response &res, const Exchange &ex) {
  std::string auth = req.get_header_value("Authorization");
  std::string key = lower(auth.substr(0, 7)) == "bearer " ? auth.substr(7) : "";
  // Keyless OpenAI-compatible servers (Ollama, llama.cpp) take no key: without
  // --openai-key, a request with no Authorization is accepted (and recorded).
  if (auth.empty() && g.opt.openai_key.empty()) return true;
  if (auth.empty()) {
    send_json(res, ex, 401,
              openai_error("You didn't provide an API key. You need to provide your API key "
                           "in an Authorization header using Bearer auth (i.e. "
                           "Authorization: Bearer YOUR_KEY).",
                           "invalid_request_error", nullptr, nullptr));
    return false;
  }
  if (key.empty() || (!g.opt.openai_key.empty() && key != g.opt.openai_key)) {
    send_json(res, ex, 401,
              openai_error("Incorrect API key provided", "invalid_request_error", nullptr,
                           "invalid_api_key"));
    return false;
  }
  return true;
}

void openai_models(const httplib::Request &req, httplib::Response &res, Exchange &ex) {
  if (!openai_auth_ok(req, res, ex)) return;
  json_t *data = json_array();
  for (const char *id : kOpenAIModels)
    json_array_append_new(data, json_pack("{s:s, s:s, s:i, s:s}", "id", id, "object", "model",
                                          "created", 1700000000, "owned_by", "fake"));
  send_json(res, ex, 200, json_pack("{s:s, s:o}", "object", "list", "data", data));
}

// Text of a message's `content`: a string or an array of content parts.
std::string openai_content_text(const json_t *content) {
  if (json_is_string(content)) return json_string_value(content);
  std::string out;
  size_t i;
  json_t *part;
  json_array_foreach(content, i, part) {
    std::string t = str_field(part, "text");
    if (t.empty()) continue;
    if (!out.empty()) out += " ";
    out += t;
  }
  return out;
}

const char *openai_finish_reason(const std::string &model) {
  if (contains(model, "length")) return "length";
  if (contains(model, "filter")) return "content_filter";
  return "stop";
}

struct ChatCall {
  std::string id, model, reply, finish_reason;
  long long created = 0;
  int n = 1;
  bool include_usage = false;
  long prompt_tokens = 0, completion_tokens = 0;
};

json_t *openai_usage(const ChatCall &c) {
  return json_pack("{s:i, s:i, s:i}", "prompt_tokens", static_cast<int>(c.prompt_tokens),
                   "completion_tokens", static_cast<int>(c.completion_tokens),
                   "total_tokens", static_cast<int>(c.prompt_tokens + c.completion_tokens));
}

json_t *openai_chunk(const ChatCall &c, json_t *choices, json_t *usage) {
  json_t *chunk = json_pack("{s:s, s:s, s:I, s:s, s:s, s:o}", "id", c.id.c_str(), "object",
                            "chat.completion.chunk", "created",
                            static_cast<json_int_t>(c.created), "model", c.model.c_str(),
                            "system_fingerprint", "fp_fake", "choices", choices);
  if (c.include_usage) json_object_set_new(chunk, "usage", usage ? usage : json_null());
  return chunk;
}

json_t *openai_chunk_choice(int index, json_t *delta, const char *finish_reason) {
  return json_pack("[{s:i, s:o, s:n, s:s?}]", "index", index, "delta", delta, "logprobs",
                   "finish_reason", finish_reason);
}

std::vector<std::string> openai_stream_frames(const ChatCall &c, const std::string &sep) {
  std::vector<std::string> payloads;
  auto add = [&](json_t *chunk) { payloads.push_back(dump_owned(chunk)); };
  for (int i = 0; i < c.n; ++i)
    add(openai_chunk(c, openai_chunk_choice(i, json_pack("{s:s, s:s}", "role", "assistant", "content", ""), nullptr), nullptr));
  for (const auto &piece : split_pieces(c.reply))
    for (int i = 0; i < c.n; ++i)
      add(openai_chunk(c, openai_chunk_choice(i, json_pack("{s:s}", "content", piece.c_str()), nullptr), nullptr));
  for (int i = 0; i < c.n; ++i)
    add(openai_chunk(c, openai_chunk_choice(i, json_object(), c.finish_reason.c_str()), nullptr));
  if (c.include_usage) add(openai_chunk(c, json_array(), openai_usage(c)));
  payloads.push_back("[DONE]");
  return sse_frames(payloads, sep);
}

json_t *openai_completion(const ChatCall &c) {
  json_t *choices = json_array();
  for (int i = 0; i < c.n; ++i)
    json_array_append_new(
        choices, json_pack("{s:i, s:{s:s, s:s, s:n}, s:n, s:s}", "index", i, "message", "role",
                           "assistant", "content", c.reply.c_str(), "refusal", "logprobs",
                           "finish_reason", c.finish_reason.c_str()));
  return json_pack("{s:s, s:s, s:I, s:s, s:s, s:o, s:o}", "id", c.id.c_str(), "object",
                   "chat.completion", "created", static_cast<json_int_t>(c.created), "model",
                   c.model.c_str(), "system_fingerprint", "fp_fake", "choices", choices,
                   "usage", openai_usage(c));
}

void openai_chat(const httplib::Request &req, httplib::Response &res, Exchange &ex) {
  if (!openai_auth_ok(req, res, ex)) return;
  Json body = parse_json(ex.body);
  if (!json_is_object(body.get()))
    return send_json(res, ex, 400,
                     openai_error("We could not parse the JSON body of your request. (HINT: "
                                  "This likely means you aren't using your HTTP library "
                                  "correctly.)",
                                  "invalid_request_error", nullptr, nullptr));
  ChatCall c;
  c.model = str_field(body.get(), "model");
  if (c.model.empty())
    return send_json(res, ex, 400,
                     openai_error("you must provide a model parameter", "invalid_request_error",
                                  nullptr, nullptr));
  json_t *messages = json_object_get(body.get(), "messages");
  if (!json_is_array(messages))
    return send_json(res, ex, 400,
                     openai_error("Missing required parameter: 'messages'.",
                                  "invalid_request_error", "messages",
                                  "missing_required_parameter"));
  // Any model answers (the seed README's "gpt-3.5-turbo" included), so the
  // seed's examples run unchanged against the fake; "nonexistent" ones 404.
  if (c.model.find("nonexistent") != std::string::npos)
    return send_json(res, ex, 404,
                     openai_error("The model `" + c.model +
                                      "` does not exist or you do not have access to it.",
                                  "invalid_request_error", nullptr, "model_not_found"));

  std::string last_user;
  size_t i;
  json_t *m;
  json_array_foreach(messages, i, m) {
    std::string text = openai_content_text(json_object_get(m, "content"));
    c.prompt_tokens += count_words(text);
    if (str_field(m, "role") == "user") last_user = text;
  }
  json_int_t n = json_integer_value(json_object_get(body.get(), "n"));
  c.n = static_cast<int>(std::min<json_int_t>(std::max<json_int_t>(n, 1), 128));
  c.id = "chatcmpl-fake" + std::to_string(ex.rec->seq);
  c.created = now_s();
  c.reply = "This is a fake reply from fake-openai to: " + last_user;
  c.finish_reason = openai_finish_reason(c.model);
  c.completion_tokens = count_words(c.reply) * c.n;
  c.include_usage = json_is_true(
      json_object_get(json_object_get(body.get(), "stream_options"), "include_usage"));

  if (json_is_true(json_object_get(body.get(), "stream")))
    send_stream(req, res, ex, "text/event-stream; charset=utf-8",
                openai_stream_frames(c, sse_separator(ex.beh, ex.proto)));
  else
    send_json(res, ex, 200, openai_completion(c));
}

// ---------------------------------------------------------------------------
// Gemini side
// ---------------------------------------------------------------------------

struct GeminiModel {
  const char *name, *display_name, *methods;  // methods: comma separated
};

// Five models over pages of two by default, so paging must be followed; the
// embedding model supports only embedContent and must be filtered out.
const GeminiModel kGeminiModels[] = {
    {"models/fake-gemini-2.0-flash", "Fake Gemini 2.0 Flash", "generateContent,countTokens"},
    {"models/fake-gemini-2.5-pro", "Fake Gemini 2.5 Pro", "generateContent,countTokens"},
    {"models/fake-embedding-001", "Fake Embedding 001", "embedContent"},
    {"models/fake-gemini-2.5-flash-thinking", "Fake Gemini 2.5 Flash Thinking", "generateContent,countTokens"},
    {"models/fake-gemini-1.5-flash-8b", "Fake Gemini 1.5 Flash-8B", "generateContent,countTokens,createCachedContent"},
};
const size_t kGeminiModelCount = sizeof kGeminiModels / sizeof kGeminiModels[0];
const long kGeminiDefaultPageSize = 2;

bool gemini_auth_ok(const httplib::Request &req, httplib::Response &res, const Exchange &ex) {
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
  if (key.empty() || (!g.opt.gemini_key.empty() && key != g.opt.gemini_key)) {
    json_t *err = gemini_error(400, "API key not valid. Please pass a valid API key.",
                               "INVALID_ARGUMENT");
    json_object_set_new(json_object_get(err, "error"), "details",
                        json_pack("[{s:s, s:s, s:s}]", "@type",
                                  "type.googleapis.com/google.rpc.ErrorInfo", "reason",
                                  "API_KEY_INVALID", "domain", "googleapis.com"));
    send_json(res, ex, 400, err);
    return false;
  }
  return true;
}

json_t *gemini_model_json(const GeminiModel &m) {
  json_t *methods = json_array();
  std::string all = m.methods;
  for (size_t start = 0; start <= all.size();) {
    size_t comma = all.find(',', start);
    if (comma == std::string::npos) comma = all.size();
    json_array_append_new(methods, json_string(all.substr(start, comma - start).c_str()));
    start = comma + 1;
  }
  std::string name = m.name;
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:o}", "name", m.name, "baseModelId",
                   name.substr(7).c_str(), "version", "001", "displayName", m.display_name,
                   "description", "A fake model served by fake_llm for tests.",
                   "inputTokenLimit", 1048576, "outputTokenLimit", 8192,
                   "supportedGenerationMethods", methods);
}

void gemini_models(const httplib::Request &req, httplib::Response &res, Exchange &ex) {
  if (!gemini_auth_ok(req, res, ex)) return;
  long size = atol(req.get_param_value("pageSize").c_str());
  if (size <= 0) size = kGeminiDefaultPageSize;
  size = std::min(size, 1000L);
  size_t offset = 0;
  std::string token = req.get_param_value("pageToken");
  if (!token.empty()) {
    offset = starts_with(token, "fake-page-") ? strtoul(token.c_str() + 10, nullptr, 10) : 0;
    if (offset == 0 || offset >= kGeminiModelCount)
      return send_json(res, ex, 400,
                       gemini_error(400, "Invalid page token: " + token, "INVALID_ARGUMENT"));
  }
  json_t *models = json_array();
  size_t end = std::min(kGeminiModelCount, offset + static_cast<size_t>(size));
  for (size_t i = offset; i < end; ++i)
    json_array_append_new(models, gemini_model_json(kGeminiModels[i]));
  json_t *out = json_pack("{s:o}", "models", models);
  if (end < kGeminiModelCount)
    json_object_set_new(out, "nextPageToken",
                        json_string(("fake-page-" + std::to_string(end)).c_str()));
  send_json(res, ex, 200, out);
}

// What a generateContent call asks for and what the fake answers.
struct GeminiCall {
  std::string model, reply, finish_reason = "STOP", response_id;
  long prompt_tokens = 0, thoughts_tokens = 0;
  int candidate_count = 1;
  bool blocked = false;
};

json_t *gemini_usage(const GeminiCall &c, long candidates_tokens) {
  json_t *u = json_pack("{s:i, s:i}", "promptTokenCount", static_cast<int>(c.prompt_tokens),
                        "candidatesTokenCount", static_cast<int>(candidates_tokens));
  if (c.thoughts_tokens > 0)
    json_object_set_new(u, "thoughtsTokenCount", json_integer(c.thoughts_tokens));
  json_object_set_new(u, "totalTokenCount",
                      json_integer(c.prompt_tokens + candidates_tokens + c.thoughts_tokens));
  return u;
}

// One GenerateContentResponse carrying `text` in every candidate;
// `finish` (or nullptr) is the finishReason to attach.
json_t *gemini_response(const GeminiCall &c, const std::string &text, const char *finish,
                        long candidates_tokens) {
  if (c.blocked)
    return json_pack("{s:{s:s}, s:{s:i, s:i}, s:s, s:s}", "promptFeedback", "blockReason",
                     "SAFETY", "usageMetadata", "promptTokenCount", 3, "totalTokenCount", 3,
                     "modelVersion", c.model.c_str(), "responseId", c.response_id.c_str());
  json_t *candidates = json_array();
  for (int i = 0; i < c.candidate_count; ++i) {
    json_t *cand = json_pack("{s:i}", "index", i);
    bool safety_stop = finish && std::string(finish) == "SAFETY";
    if (!(safety_stop && text.empty()))
      json_object_set_new(cand, "content",
                          json_pack("{s:[{s:s}], s:s}", "parts", "text", text.c_str(), "role",
                                    "model"));
    if (finish) json_object_set_new(cand, "finishReason", json_string(finish));
    if (safety_stop)
      json_object_set_new(cand, "safetyRatings",
                          json_pack("[{s:s, s:s, s:b}]", "category",
                                    "HARM_CATEGORY_DANGEROUS_CONTENT", "probability", "HIGH",
                                    "blocked", 1));
    json_array_append_new(candidates, cand);
  }
  return json_pack("{s:o, s:o, s:s, s:s}", "candidates", candidates, "usageMetadata",
                   gemini_usage(c, candidates_tokens), "modelVersion", c.model.c_str(),
                   "responseId", c.response_id.c_str());
}

// Text of a Content's parts.
std::string gemini_parts_text(const json_t *content) {
  std::string out;
  size_t i;
  json_t *part;
  json_array_foreach(json_object_get(content, "parts"), i, part) out += str_field(part, "text");
  return out;
}

// Non-stream: one response with the whole reply (a SAFETY stop carries no
// content). Stream: one frame per word with running usage totals and the
// finishReason on the last frame; a blocked prompt is a single frame.
std::vector<std::string> gemini_payloads(const GeminiCall &c, bool stream) {
  const char *finish = c.finish_reason.c_str();
  if (!stream || c.blocked) {
    std::string text = c.finish_reason == "SAFETY" ? "" : c.reply;
    return {dump_owned(gemini_response(c, text, finish, count_words(text) * c.candidate_count))};
  }
  std::vector<std::string> out;
  auto pieces = split_pieces(c.reply);
  for (size_t i = 0; i < pieces.size(); ++i) {
    bool last = i + 1 == pieces.size();
    out.push_back(dump_owned(gemini_response(c, pieces[i], last ? finish : nullptr,
                                             static_cast<long>(i + 1) * c.candidate_count)));
  }
  return out;
}

void gemini_generate_common(const httplib::Request &req, httplib::Response &res,
                            Exchange &ex, bool stream) {
  if (!gemini_auth_ok(req, res, ex)) return;
  GeminiCall c;
  c.model = req.matches[1];
  const char *method = stream ? "streamGenerateContent" : "generateContent";
  if (c.model.find("nonexistent") != std::string::npos)
    return send_json(res, ex, 404,
                     gemini_error(404, "models/" + c.model +
                                           " is not found for API version v1beta, or is not "
                                           "supported for " + method +
                                           ". Call ListModels to see the list of available "
                                           "models and their supported methods.",
                                  "NOT_FOUND"));
  Json body = parse_json(ex.body);
  json_t *contents = json_object_get(body.get(), "contents");
  if (!json_is_array(contents) || json_array_size(contents) == 0)
    return send_json(res, ex, 400,
                     gemini_error(400,
                                  body ? "* GenerateContentRequest.contents: contents is not "
                                         "specified\n"
                                       : "Invalid JSON payload received.",
                                  "INVALID_ARGUMENT"));
  std::string last_user;
  size_t i;
  json_t *content;
  json_array_foreach(contents, i, content) {
    std::string text = gemini_parts_text(content);
    c.prompt_tokens += count_words(text);
    std::string role = str_field(content, "role");
    if (role.empty() || role == "user") last_user = text;
  }
  c.prompt_tokens += count_words(gemini_parts_text(json_object_get(body.get(), "systemInstruction")));
  json_int_t cc = json_integer_value(
      json_object_get(json_object_get(body.get(), "generationConfig"), "candidateCount"));
  c.candidate_count = static_cast<int>(std::min<json_int_t>(std::max<json_int_t>(cc, 1), 8));
  c.reply = "This is a fake reply from fake-gemini to: " + last_user;
  c.response_id = "fake-resp-" + std::to_string(ex.rec->seq);
  c.thoughts_tokens = contains(c.model, "thinking") ? 7 : 0;
  c.blocked = contains(c.model, "blocked");
  if (contains(c.model, "safety")) c.finish_reason = "SAFETY";
  if (contains(c.model, "maxtokens")) c.finish_reason = "MAX_TOKENS";

  auto payloads = gemini_payloads(c, stream);
  if (!stream) return send_body(res, ex, 200, payloads[0], "application/json; charset=UTF-8");
  if (req.get_param_value("alt") == "sse")
    return send_stream(req, res, ex, "text/event-stream",
                       sse_frames(payloads, sse_separator(ex.beh, ex.proto)));
  // Without alt=sse the real API streams one JSON array; emulate that framing.
  for (size_t k = 0; k < payloads.size(); ++k) payloads[k] = (k ? ",\r\n" : "[") + payloads[k];
  payloads.push_back("]");
  send_stream(req, res, ex, "application/json; charset=UTF-8", payloads);
}

void gemini_generate(const httplib::Request &req, httplib::Response &res, Exchange &ex) {
  gemini_generate_common(req, res, ex, false);
}

void gemini_stream(const httplib::Request &req, httplib::Response &res, Exchange &ex) {
  gemini_generate_common(req, res, ex, true);
}

// ---------------------------------------------------------------------------
// Control and inspection API
// ---------------------------------------------------------------------------

void reply_json(httplib::Response &res, int status, json_t *j) {
  res.status = status;
  res.set_content(dump_owned(j), "application/json");
}

void control_error(httplib::Response &res, const std::string &message) {
  reply_json(res, 400, json_pack("{s:s}", "error", message.c_str()));
}

void control_script_post(const httplib::Request &, httplib::Response &res,
                         const httplib::ContentReader &reader) {
  Json body = parse_json(read_body(reader));
  if (json_is_object(body.get())) {  // a single behaviour is fine too
    json_t *arr = json_array();
    json_array_append(arr, body.get());
    body.reset(arr);
  }
  if (!json_is_array(body.get()))
    return control_error(res, "body must be a JSON array of behaviour objects");
  std::vector<Behaviour> parsed;
  size_t i;
  json_t *item;
  json_array_foreach(body.get(), i, item) {
    Behaviour b;
    std::string err = parse_behaviour(item, b);
    if (!err.empty()) return control_error(res, "behaviour " + std::to_string(i) + ": " + err);
    parsed.push_back(b);
  }
  std::lock_guard<std::mutex> lk(g.mu);
  g.script.insert(g.script.end(), parsed.begin(), parsed.end());
  reply_json(res, 200, json_pack("{s:i}", "queued", static_cast<int>(g.script.size())));
}

void control_script_get(const httplib::Request &, httplib::Response &res) {
  json_t *arr = json_array();
  std::lock_guard<std::mutex> lk(g.mu);
  for (const auto &b : g.script) json_array_append_new(arr, parse_json(b.source).release());
  reply_json(res, 200, arr);
}

void control_script_delete(const httplib::Request &, httplib::Response &res) {
  std::lock_guard<std::mutex> lk(g.mu);
  g.script.clear();
  reply_json(res, 200, json_pack("{s:i}", "queued", 0));
}

void control_requests_get(const httplib::Request &, httplib::Response &res) {
  json_t *arr = json_array();
  std::lock_guard<std::mutex> lk(g.mu);
  for (const auto &r : g.records) json_array_append_new(arr, record_to_json(*r));
  res.status = 200;
  res.set_content(dump_owned(arr), "application/json");  // dumped under the lock
}

void control_requests_delete(const httplib::Request &, httplib::Response &res) {
  std::lock_guard<std::mutex> lk(g.mu);
  g.records.clear();
  g.key_in_url_count = 0;
  g.max_in_flight = g.in_flight;
  reply_json(res, 200, json_pack("{s:i}", "recorded", 0));
}

void control_stats(const httplib::Request &, httplib::Response &res) {
  std::lock_guard<std::mutex> lk(g.mu);
  reply_json(res, 200,
             json_pack("{s:I, s:I, s:I, s:I, s:I}", "recorded",
                       static_cast<json_int_t>(g.records.size()), "in_flight",
                       static_cast<json_int_t>(g.in_flight), "max_in_flight",
                       static_cast<json_int_t>(g.max_in_flight), "key_in_url",
                       static_cast<json_int_t>(g.key_in_url_count), "script_queued",
                       static_cast<json_int_t>(g.script.size())));
}

void root(const httplib::Request &, httplib::Response &res) {
  reply_json(res, 200, json_pack("{s:b}", "fake_llm", 1));
}

// Unknown routes get a JSON 404; handler replies with bodies are left alone
// (httplib 0.11 calls the error handler for every status >= 400).
httplib::Server::HandlerResponse not_found(const httplib::Request &req, httplib::Response &res) {
  if (res.status != 404 || !res.body.empty() || res.content_provider_)
    return httplib::Server::HandlerResponse::Unhandled;
  reply_json(res, 404, json_pack("{s:{s:i, s:s, s:s}}", "error", "code", 404, "message",
                                 ("fake_llm: no route for " + req.method + " " + req.path).c_str(),
                                 "status", "NOT_FOUND"));
  return httplib::Server::HandlerResponse::Handled;
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

// httplib 0.11 listens with a backlog of 5 (compiled into the library);
// listen() on an already listening socket just updates the backlog on Linux.
class FakeServer : public httplib::Server {
public:
  void raise_backlog(int n) { ::listen(svr_sock_, n); }
};

void usage_exit() {
  fprintf(stderr,
          "usage: fake_llm --port N [--host 127.0.0.1] [--openai-key K] [--gemini-key K]\n"
          "                [--threads 1100] [--verbose]\n");
  exit(2);
}

Options parse_args(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage_exit();
      return argv[++i];
    };
    if (a == "--port") o.port = atoi(next().c_str());
    else if (a == "--host") o.host = next();
    else if (a == "--openai-key") o.openai_key = next();
    else if (a == "--gemini-key") o.gemini_key = next();
    else if (a == "--threads") o.threads = static_cast<size_t>(atol(next().c_str()));
    else if (a == "--verbose") o.verbose = true;
    else usage_exit();
  }
  if (o.port < 0 || o.port > 65535 || o.threads == 0) usage_exit();
  return o;
}

}  // namespace

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  g.opt = parse_args(argc, argv);

  FakeServer svr;
  // httplib serves each connection on one pool thread for its whole life, so
  // the pool bounds how many slow streams can run at once.
  const size_t threads = g.opt.threads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_tcp_nodelay(true);  // small SSE writes go out at once (no Nagle delay)
  // Real providers keep a connection for many requests; httplib would close it after 5.
  svr.set_keep_alive_max_count(100000);
  svr.set_error_handler(httplib::Server::HandlerWithResponse(not_found));
  if (g.opt.verbose)
    svr.set_logger([](const httplib::Request &req, const httplib::Response &res) {
      fprintf(stderr, "fake_llm: %s %s -> %d\n", req.method.c_str(), req.target.c_str(),
              res.status);
    });

  svr.Get("/", root);
  // OpenAI-compatible
  svr.Get("/v1/models", api_get(Protocol::OpenAI, openai_models));
  svr.Post("/v1/chat/completions", api_post(Protocol::OpenAI, openai_chat));
  // Gemini
  svr.Get("/v1beta/models", api_get(Protocol::Gemini, gemini_models));
  svr.Post(R"(/v1beta/models/([^/:]+):generateContent)", api_post(Protocol::Gemini, gemini_generate));
  svr.Post(R"(/v1beta/models/([^/:]+):streamGenerateContent)", api_post(Protocol::Gemini, gemini_stream));
  // Control
  svr.Post("/_control/script", control_script_post);
  svr.Get("/_control/script", control_script_get);
  svr.Delete("/_control/script", control_script_delete);
  svr.Get("/_control/requests", control_requests_get);
  svr.Delete("/_control/requests", control_requests_delete);
  svr.Get("/_control/stats", control_stats);

  int port = g.opt.port;
  if (port == 0) port = svr.bind_to_any_port(g.opt.host);
  else if (!svr.bind_to_port(g.opt.host, port)) port = -1;
  if (port <= 0) {
    fprintf(stderr, "fake_llm: cannot bind %s:%d\n", g.opt.host.c_str(), g.opt.port);
    return 1;
  }
  svr.raise_backlog(4096);
  printf("fake_llm listening on %s:%d\n", g.opt.host.c_str(), port);
  fflush(stdout);
  return svr.listen_after_bind() ? 0 : 1;
}
