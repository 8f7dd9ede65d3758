// Operating the gateway: /healthz through a database outage, /metrics summed
// over the workers, the access log and X-Request-Id end to end, a worker
// killed mid-stream, and SIGHUP while streams are open (API.md 4 and 7;
// README "Health", "Metrics", "How it runs").
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <cstdlib>
#include <ctime>
#include <future>
#include <mutex>
#include <thread>

#include "accounts.h"
#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "json_path.h"
#include "fcgi_client.h"
#include "stack.h"
#include "text.h"
#include "wait.h"

using namespace it;

namespace {

std::string chatPath(const std::string& provider) { return "/api/chat/completions/?provider=" + provider; }

const std::string kFakeReply = std::string("This is a fake reply from fake-openai to: ") + kSeedQuestion;


// Threads per worker (threads + max_streams; each open stream or hanging
// request holds one), as stack.sh sets them. threadsPerWorker() + 4 requests
// at once must be spread over both workers, at least 4 on each: the kernel
// hands connections to the threads waiting in accept() in order, so a
// handful would all go to one. (4 + 12 + 4 = 20: the host's 24 chat seats
// and a user's 20 concurrent requests hold them.)
int threadsPerWorker() {
    const char* t = std::getenv("LLMAPI_SERVER_THREADS");
    const char* s = std::getenv("LLMAPI_SERVER_MAX_STREAMS");
    return (t && *t ? std::atoi(t) : 4) + (s && *s ? std::atoi(s) : 12);
}

double secondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// ---- /metrics ------------------------------------------------------------------

const std::string kChatRequests = R"(llm_api_requests_total{route="/v1/chat/completions",status="200",provider="openai"})";
const std::string kUpstreamCount = R"(llm_api_upstream_seconds_count{provider="openai"})";
const std::string kPromptTokens = R"(llm_api_tokens_total{provider="openai",kind="prompt"})";
const std::string kCompletionTokens = R"(llm_api_tokens_total{provider="openai",kind="completion"})";
const std::string kActiveStreams = "llm_api_active_streams";
const std::string kRestarts = "llm_api_worker_restarts_total";
const std::string kHealthRequests = R"(llm_api_requests_total{route="/healthz",status="200",provider=""})";

std::string scrape() {
    Response r = request("GET", "/metrics");
    if (r.status != 200) throw std::runtime_error("GET /metrics: " + std::to_string(r.status) + " " + r.body);
    return r.body;
}

// The sample of `series` (name and labels exactly as rendered); 0 when absent.
long long sample(const std::string& text, const std::string& series) {
    for (const auto& line : lines(text))
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ')
            return std::stoll(line.substr(series.size() + 1));
    return 0;
}

long long sample(const std::string& series) { return sample(scrape(), series); }

// Requests are counted after their response is sent: polls up to 5 s until
// `series` is `expected`, then returns its value (which a failed wait leaves wrong).
long long settledSample(const std::string& series, long long expected) {
    long long value = 0;
    pollUntil(5, [&] { return (value = sample(series)) == expected; });
    return value;
}

// ---- streams, the pool, the fake's records ------------------------------------

// A stream's end as the client saw it: complete ([DONE]), or broken (the
// transfer failed, or it ended without [DONE]).
struct StreamOutcome {
    StreamResponse stream;
    std::string transportError;
    bool complete() const {
        return transportError.empty() && !stream.events.empty() && stream.events.back().data == "[DONE]";
    }
    std::string describe() const {
        return "status " + std::to_string(stream.status) + ", " + std::to_string(stream.events.size()) + " events" +
               (complete() ? " ending [DONE]" : " without [DONE]") + (transportError.empty() ? "" : ", " + transportError);
    }
};

std::future<StreamOutcome> openStream(const std::string& token, const std::string& requestId = "") {
    return std::async(std::launch::async, [token, requestId] {
        StreamOutcome o;
        std::vector<std::string> headers{"Content-Type: application/json", "Authorization: Bearer " + token};
        if (!requestId.empty()) headers.push_back("X-Request-Id: " + requestId);
        try {
            o.stream = streamRequest("POST", chatPath("openai"), seedChatBody("gpt-ops-stream", true), headers);
        } catch (const std::exception& e) {
            o.transportError = e.what();
        }
        return o;
    });
}

// A complete, well-formed stream carrying the whole reply.
void assertCompleteStream(const StreamOutcome& o, const CppUnit::SourceLine& at) {
    CppUnit::Asserter::failIf(!o.complete(), "the stream is not complete: " + o.describe(), at);
    std::vector<JsonPtr> chunks = assertChatStream(o.stream, at);
    CppUnit::Asserter::failIf(deltaText(chunks) != kFakeReply, "the stream's text is \"" + deltaText(chunks) + "\"", at);
}
#define ASSERT_COMPLETE_STREAM(outcome) assertCompleteStream((outcome), CPPUNIT_SOURCELINE())

// The pool runs `n` workers again, `killed` not among them (20 s at most).
bool poolBackTo(size_t n, const std::string& killed) {
    return pollUntil(20, [&] {
        auto pids = workerPids();
        return pids.size() == n && !pids.count(killed);
    });
}

// The request the fake received with that X-Request-Id (null if none).
const json_t* upstreamRequest(const json_t* recorded, const std::string& requestId) {
    size_t i;
    json_t* r;
    json_array_foreach(recorded, i, r) {
        if (jstr(r, "headers.x-request-id") == requestId) return r;
    }
    return nullptr;
}


bool isGeneratedId(const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

class OperationsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OperationsTest);
    CPPUNIT_TEST(testHealthzFollowsTheDatabase);
    CPPUNIT_TEST(testHealthzWhilePoolExhausted);
    CPPUNIT_TEST(testHealthzWhenTheDatabaseHangs);
    CPPUNIT_TEST(testMetrics);
    CPPUNIT_TEST(testMetricsLoopbackOnlyEverySpelling);
    CPPUNIT_TEST(testHealthzFloodRefusedByNginx);
    CPPUNIT_TEST(testRequestIdAndAccessLog);
    CPPUNIT_TEST(testWorkerKilledMidStream);
    CPPUNIT_TEST(testReloadWhileStreaming);
    CPPUNIT_TEST(testLogFilesReopened);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { fake::reset(); }
    void tearDown() override { fake::reset(); }

    // The database goes away: /healthz says so at once, every endpoint that
    // needs it answers 503 in its family's shape; it comes back: the same
    // workers recover by themselves.
    // /healthz asks whether the database answers, not whether a pooled
    // connection is free (db/pool.cpp ping(): a connection of its own). A
    // gateway of one worker with a pool of one: a signup waiting on a table
    // lock holds that connection; the probe still answers at once, where it
    // used to wait borrow_timeout_ms and answer 503 (a healthy host pulled
    // from its load balancer for being busy).
    void testHealthzWhilePoolExhausted() {
        SecondGateway second({"LLMAPI_SERVER_WORKERS=1", "LLMAPI_DATABASE_POOL_SIZE=1",
                              "LLMAPI_DATABASE_BORROW_TIMEOUT_MS=4000"});
        ASSERT_RESPONSE(200, R"({"status":"ok"})", requestUrl("GET", second.url() + "/healthz"));
        // The test's own session holds users' write lock for 6 s.
        runCommand(shellQuote(stackEnv("LLMAPI_TEST_CTL")) +
                   " sql 'LOCK TABLES users WRITE; DO SLEEP(6); UNLOCK TABLES' >/dev/null 2>&1 &");
        const char* waiting = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE = 'Waiting for table metadata lock'";
        std::future<Response> signup = std::async(std::launch::async, [&] {
            const User u{uniqueName("locked"), "secure_pwd_1", ""};
            return requestUrl("POST", second.url() + "/api/signup/", signupBody(u), {"Content-Type: application/json"});
        });
        CPPUNIT_ASSERT_MESSAGE("the signup never waited on the lock",
                               pollUntil(5, [&] { return std::stol(sql(waiting)) >= 1; }));
        const auto started = std::chrono::steady_clock::now();
        ASSERT_RESPONSE(200, R"({"status":"ok"})", requestUrl("GET", second.url() + "/healthz"));
        CPPUNIT_ASSERT_MESSAGE(std::to_string(secondsSince(started)) + " s", secondsSince(started) < 1.0);
        CPPUNIT_ASSERT_MESSAGE("the lock ended before the probe", std::stol(sql(waiting)) >= 1);
        ASSERT_STATUS(201, signup.get());  // once the lock is gone
    }

    // A database that stops answering without closing anything (SIGSTOP):
    // /healthz keeps answering at once, from each worker's latest ping, and
    // says 503 once no ping has ended for 4 x health_check_ms + 1 s (2 s
    // here); 200 again when the database answers. Pinging on the probe's
    // time, a probe waited for the connection's read timeout (30 s).
    void testHealthzWhenTheDatabaseHangs() {
        ASSERT_RESPONSE(200, R"({"status":"ok"})", request("GET", "/healthz"));
        struct Thaw {
            ~Thaw() { ctl("db-thaw"); }
        } thaw;
        ctl("db-freeze");
        const auto frozen = std::chrono::steady_clock::now();
        Response health;
        double slowest = 0;
        pollUntil(8, [&] {
            const auto asked = std::chrono::steady_clock::now();
            health = request("GET", "/healthz");
            slowest = std::max(slowest, secondsSince(asked));
            return health.status != 200;
        });
        const double after = secondsSince(frozen);
        ASSERT_RESPONSE(503, R"({"status":"unavailable","detail":"database unreachable"})", health);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(after) + " s after the freeze", after >= 1.0 && after < 5.0);
        CPPUNIT_ASSERT_MESSAGE("a probe took " + std::to_string(slowest) + " s", slowest < 1.0);
        ctl("db-thaw");
        CPPUNIT_ASSERT_MESSAGE("/healthz not 200 within 10 s after the thaw", waitHealthy(10));
    }

    void testHealthzFollowsTheDatabase() {
        Account a = createAccount();  // its token was issued before the outage
        ASSERT_RESPONSE(200, R"({"status":"ok"})", request("GET", "/healthz"));
        const std::set<std::string> workers = workerPids();
        {
            DatabaseOutage outage;
            auto started = std::chrono::steady_clock::now();
            // Each worker's next ping (health_check_ms, 250 ms) sees it.
            Response health;
            pollUntil(3, [&] { return (health = request("GET", "/healthz")).status != 200; });
            CPPUNIT_ASSERT_MESSAGE(std::to_string(secondsSince(started)) + " s", secondsSince(started) < 3.5);
            ASSERT_STATUS(503, health);
            CPPUNIT_ASSERT(jstr(health.json().get(), "status") != "ok");

            const std::string body = seedChatBody("gpt-ops-outage");
            for (const Response& r : {postJson("/v1/chat/completions", body, {a.auth()}),
                                      postJson(chatPath("openai"), body, {a.auth()}),
                                      getWithBearer("/api/supported-models/?provider=openai", a.token),
                                      getWithBearer("/v1/models", a.token)}) {
                JsonPtr err = ASSERT_OPENAI_ERROR(503, "service_unavailable", nullptr, r);
                CPPUNIT_ASSERT_EQUAL(std::string("service_unavailable"), jstr(err.get(), "code"));
            }
            const std::string unavailable = R"({"detail":"Service temporarily unavailable, try again later."})";
            ASSERT_RESPONSE(503, unavailable, getWithBearer("/api/me/", a.token));
            ASSERT_RESPONSE(503, unavailable, getWithBearer("/api/usage/", a.token));
            ASSERT_RESPONSE(503, unavailable, postJson("/api/token/", credentialsBody(a.user.username, a.user.password)));
            // What needs no database keeps answering.
            ASSERT_RESPONSE(200, R"({"message":"Welcome to the LLM API!"})", request("GET", "/api/"));
            ASSERT_STATUS(200, request("GET", "/metrics"));
            CPPUNIT_ASSERT_MESSAGE(std::to_string(secondsSince(started)) + " s for all", secondsSince(started) < 10);
            outage.end();  // db-start, then /healthz polled until 200
        }
        ASSERT_RESPONSE(200, R"({"status":"ok"})", request("GET", "/healthz"));
        CPPUNIT_ASSERT(workers == workerPids());
        ASSERT_STATUS(200, postJson("/v1/chat/completions", seedChatBody("gpt-ops-outage"), {a.auth()}));
    }

    // /healthz is answered at real-time priority by the lane: a flood of it
    // from one address is refused by nginx beyond a burst of 100 (DRF's 429
    // with Retry-After), and the refused requests never reach the lane (its
    // count grows by the 200s alone).
    void testHealthzFloodRefusedByNginx() {
        std::this_thread::sleep_for(std::chrono::seconds(2));  // the bucket refills (50/s)
        const long long before = sample(kHealthRequests);
        std::atomic<int> ok{0}, throttled{0}, other{0};
        std::atomic<bool> badBody{false};
        std::mutex mu;
        std::string failure;  // a transport error's message
        allAtOnce(300, [&] {
                Response r;
                try {
                    r = request("GET", "/healthz");
                } catch (const std::exception& e) {
                    std::lock_guard<std::mutex> lock(mu);
                    failure = e.what();
                    ++other;
                    return;
                }
                if (r.status == 200) {
                    ++ok;
                } else if (r.status == 429) {
                    ++throttled;
                    if (r.body != R"({"detail":"Request was throttled. Expected available in 1 second."})" ||
                        r.header("Retry-After") != "1")
                        badBody = true;
                } else {
                    ++other;
                }
            });
        CPPUNIT_ASSERT_EQUAL_MESSAGE(failure, 0, other.load());
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ok) + " answered", ok >= 100);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(throttled) + " throttled", throttled >= 100);
        CPPUNIT_ASSERT_MESSAGE("a 429 without DRF's body or Retry-After", !badBody);
        CPPUNIT_ASSERT_EQUAL(before + ok, settledSample(kHealthRequests, before + ok));
        std::this_thread::sleep_for(std::chrono::seconds(3));  // refilled for the next tests
        ASSERT_STATUS(200, request("GET", "/healthz"));
    }

    // nginx routes every spelling the workers accept to its loopback-only
    // location, and the workers refuse a non-loopback REMOTE_ADDR themselves
    // (asked here over their FastCGI socket, as another front end would).
    void testMetricsLoopbackOnlyEverySpelling() {
        for (const char* path : {"/metrics/", "/metrics//", "//metrics"}) {
            Response r = request("GET", path);
            ASSERT_STATUS(200, r);
            CPPUNIT_ASSERT_MESSAGE(path, r.body.find("# TYPE llm_api_requests_total counter") != std::string::npos);
        }
        const std::string socket = stackVar() + "/run/fcgi.sock";
        auto ask = [&](const std::string& remote, const std::string& uri) {
            return fcgiRequest(socket, {{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", uri}, {"REQUEST_URI", uri},
                                        {"QUERY_STRING", ""}, {"REMOTE_ADDR", remote}});
        };
        for (const char* uri : {"/metrics", "/metrics/"}) {
            for (const char* remote : {"10.1.2.3", "192.168.0.7", "2001:db8::1"}) {
                const std::string r = ask(remote, uri);
                CPPUNIT_ASSERT_MESSAGE(r, r.rfind("Status: 403", 0) == 0);
                CPPUNIT_ASSERT_MESSAGE(r, r.find("llm_api_requests_total") == std::string::npos);
            }
            for (const char* remote : {"127.0.0.1", "::1"}) {
                const std::string r = ask(remote, uri);
                CPPUNIT_ASSERT_MESSAGE(r, r.rfind("Status: 200", 0) == 0);
                CPPUNIT_ASSERT_MESSAGE(r, r.find("llm_api_requests_total") != std::string::npos);
            }
        }
    }

    void testMetrics() {
        Response page = request("GET", "/metrics");  // from 127.0.0.1, no credentials
        ASSERT_STATUS(200, page);
        CPPUNIT_ASSERT_MESSAGE(page.header("Content-Type"), page.header("Content-Type").rfind("text/plain", 0) == 0);
        for (const char* type : {"# TYPE llm_api_requests_total counter", "# TYPE llm_api_upstream_seconds histogram",
                                 "# TYPE llm_api_tokens_total counter", "# TYPE llm_api_active_streams gauge",
                                 "# TYPE llm_api_worker_restarts_total counter"})
            CPPUNIT_ASSERT_MESSAGE(type, page.body.find(type) != std::string::npos);

        // One chat: one request, at least one upstream call, its tokens.
        std::string before = scrape();
        Response chat = chatPost("/v1/chat/completions", seedChatBody("gpt-ops-metrics"));
        ASSERT_STATUS(200, chat);
        JsonPtr c = chat.json();
        const long long requests = sample(before, kChatRequests) + 1;
        CPPUNIT_ASSERT_EQUAL(requests, settledSample(kChatRequests, requests));
        std::string after = scrape();
        CPPUNIT_ASSERT(sample(after, kUpstreamCount) > sample(before, kUpstreamCount));
        CPPUNIT_ASSERT_EQUAL(sample(before, kPromptTokens) + jint(c.get(), "usage.prompt_tokens"),
                             sample(after, kPromptTokens));
        CPPUNIT_ASSERT_EQUAL(sample(before, kCompletionTokens) + jint(c.get(), "usage.completion_tokens"),
                             sample(after, kCompletionTokens));

        // More requests at once than one worker has threads (the provider
        // holds each 500 ms), so both workers serve some: the counter, one
        // region shared by the workers, rises by exactly that number.
        const std::string token = apiToken();
        const int burst = threadsPerWorker() + 4;
        fake::script(fake::repeated(burst, R"({"hang_ms":500})"));
        std::vector<std::future<long>> clients;
        for (int i = 0; i < burst; ++i)
            clients.push_back(std::async(std::launch::async, [&token] {
                return postJson("/v1/chat/completions", seedChatBody("gpt-ops-metrics"), {"Authorization: Bearer " + token})
                    .status;
            }));
        std::vector<long> statuses;
        for (auto& f : clients) statuses.push_back(f.get());
        CPPUNIT_ASSERT_EQUAL(joined(std::vector<long>(burst, 200)), joined(statuses));
        CPPUNIT_ASSERT_EQUAL(size_t{0}, fake::queued());
        CPPUNIT_ASSERT_EQUAL(requests + burst, settledSample(kChatRequests, requests + burst));

        // A slow stream is counted while it is open.
        const long long streams = sample(kActiveStreams);
        fake::script(R"({"chunk_delay_ms":300})");
        auto pending = openStream(token);
        WAIT_FOR([&] { return sample(kActiveStreams) == streams + 1; }, 5, "llm_api_active_streams to rise by 1");
        CPPUNIT_ASSERT(pending.wait_for(std::chrono::seconds(0)) != std::future_status::ready);  // still open
        ASSERT_COMPLETE_STREAM(pending.get());
        CPPUNIT_ASSERT_EQUAL(streams, settledSample(kActiveStreams, streams));

        // A killed worker is counted once.
        const long long restarts = sample(kRestarts);
        const std::string killed = lines(ctl("kill-worker")).at(0);
        CPPUNIT_ASSERT(poolBackTo(2, killed));
        CPPUNIT_ASSERT_EQUAL(restarts + 1, settledSample(kRestarts, restarts + 1));
    }

    // X-Request-Id: kept when well-formed, else generated; returned on every
    // response, sent to the provider, and in the request's access log line.
    void testRequestIdAndAccessLog() {
        Account a = createAccount();
        const std::string id = "test-abc-123." + uniqueName("rid");  // unique in a reused var dir
        Response r = postJson(chatPath("openai"), seedChatBody("gpt-ops-log"), {a.auth(), "X-Request-Id: " + id});
        ASSERT_STATUS(200, r);
        CPPUNIT_ASSERT_EQUAL(id, r.header("X-Request-Id"));
        JsonPtr recorded = fake::requests();
        CPPUNIT_ASSERT_MESSAGE(dumpJson(recorded.get()), upstreamRequest(recorded.get(), id) != nullptr);

        JsonPtr line = accessLogLine(id);
        const json_t* l = line.get();
        std::set<std::string> keys;
        const char* key;
        json_t* value;
        json_object_foreach(const_cast<json_t*>(l), key, value) keys.insert(key);
        CPPUNIT_ASSERT_MESSAGE(dumpJson(l), keys == (std::set<std::string>{"time", "request_id", "user_id", "method",
                                                                           "route", "provider", "model", "status",
                                                                           "bytes", "duration_ms", "upstream_ms"}));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(l), a.id, jint(l, "user_id"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(l), std::string("POST"), jstr(l, "method"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(l), std::string("/api/chat/completions"), jstr(l, "route"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(l), std::string("openai"), jstr(l, "provider"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(l), std::string("gpt-ops-log"), jstr(l, "model"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(l), json_int_t{200}, jint(l, "status"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(l), static_cast<json_int_t>(r.body.size()), jint(l, "bytes"));
        const double duration = json_number_value(json_object_get(l, "duration_ms"));
        CPPUNIT_ASSERT_MESSAGE(dumpJson(l), json_is_number(json_object_get(l, "duration_ms")) && duration > 0);
        CPPUNIT_ASSERT_MESSAGE(dumpJson(l), jint(l, "upstream_ms") >= 0 && jint(l, "upstream_ms") <= duration + 1);
        const std::string time = jstr(l, "time");  // 2026-11-25T05:23:58.810Z
        CPPUNIT_ASSERT_MESSAGE(time, time.size() == 24 && time[10] == 'T' && time[19] == '.' && time.back() == 'Z');

        // No id, or a malformed one: a generated one, a new one each time.
        const std::string tooLong(129, 'x');
        std::set<std::string> generated;
        for (const std::string& sent : {std::string(), std::string("bad id with spaces"), tooLong,
                                        std::string("semi;colon"), std::string("caf\xc3\xa9")}) {
            Response g = request("GET", "/api/", "", sent.empty() ? std::vector<std::string>{}
                                                                 : std::vector<std::string>{"X-Request-Id: " + sent});
            ASSERT_STATUS(200, g);
            const std::string got = g.header("X-Request-Id");
            CPPUNIT_ASSERT_MESSAGE("sent \"" + sent + "\", got \"" + got + "\"", isGeneratedId(got));
            generated.insert(got);
        }
        CPPUNIT_ASSERT_EQUAL(size_t{5}, generated.size());
        JsonPtr anonymous = accessLogLine(*generated.begin());
        CPPUNIT_ASSERT_EQUAL(std::string("/api"), jstr(anonymous.get(), "route"));
        CPPUNIT_ASSERT_MESSAGE(dumpJson(anonymous.get()), json_is_null(json_object_get(anonymous.get(), "user_id")));
        // Up to 128 characters of [A-Za-z0-9._:-] are kept.
        const std::string longest = std::string(120, 'a') + "Z9._:-_x";
        CPPUNIT_ASSERT_EQUAL(longest, request("GET", "/api/", "", {"X-Request-Id: " + longest}).header("X-Request-Id"));

        // Errors carry it too.
        for (const auto& [path, status] : {std::pair<std::string, long>{"/api/me/", 401}, {"/no/such/path", 404}}) {
            const std::string sent = id + "-" + std::to_string(status);
            Response e = request("GET", path, "", {"X-Request-Id: " + sent});
            ASSERT_STATUS(status, e);
            CPPUNIT_ASSERT_EQUAL(sent, e.header("X-Request-Id"));
        }

        // Gemini gets it, and a stream returns it in its headers.
        fake::reset();
        ASSERT_STATUS(200, postJson(chatPath("gemini"), seedChatBody("fake-gemini-2.0-flash"),
                                    {a.auth(), "X-Request-Id: " + id + "-gemini"}));
        StreamResponse s = streamRequest("POST", chatPath("openai"), seedChatBody("gpt-ops-log", true),
                                         {"Content-Type: application/json", a.auth(), "X-Request-Id: " + id + "-stream"});
        ASSERT_CHAT_STREAM(s);
        auto header = s.headers.find("X-Request-Id");
        CPPUNIT_ASSERT(header != s.headers.end());
        CPPUNIT_ASSERT_EQUAL(id + "-stream", header->second);
        recorded = fake::requests();
        CPPUNIT_ASSERT_MESSAGE(dumpJson(recorded.get()), upstreamRequest(recorded.get(), id + "-gemini") != nullptr);
        CPPUNIT_ASSERT_MESSAGE(dumpJson(recorded.get()), upstreamRequest(recorded.get(), id + "-stream") != nullptr);
        CPPUNIT_ASSERT_EQUAL(id + "-stream", jstr(accessLogLine(id + "-stream").get(), "request_id"));
    }

    // Slow streams on both workers, then one worker is killed: its streams
    // break, the other's finish, new requests keep succeeding, the pool is
    // whole again.
    void testWorkerKilledMidStream() {
        const std::string token = apiToken();
        const long long streams = sample(kActiveStreams), restarts = sample(kRestarts);
        const int n = threadsPerWorker() + 4;  // at least 4 on each worker
        fake::script(fake::repeated(n, R"({"chunk_delay_ms":500})"));  // ~17 events: ~8 s
        std::vector<std::future<StreamOutcome>> pending;
        for (int i = 0; i < n; ++i) pending.push_back(openStream(token));
        WAIT_FOR([&] { return sample(kActiveStreams) >= streams + n; }, 5, "all the streams to start");

        const std::string killed = lines(ctl("kill-worker")).at(0);
        std::vector<long> afterKill;
        for (int i = 0; i < 20; ++i) {
            try {
                afterKill.push_back(request("GET", "/api/").status);
            } catch (const std::exception&) {
                afterKill.push_back(-1);
            }
        }

        std::vector<StreamOutcome> outcomes;
        for (auto& p : pending) outcomes.push_back(p.get());
        size_t broken = 0;
        std::string all;
        for (const auto& o : outcomes) {
            broken += !o.complete();
            all += "\n  " + o.describe();
        }
        CPPUNIT_ASSERT_MESSAGE(std::to_string(broken) + " streams broke:" + all, broken >= 4 && broken <= outcomes.size() - 4);
        for (const auto& o : outcomes)
            if (o.complete()) ASSERT_COMPLETE_STREAM(o);
        CPPUNIT_ASSERT_EQUAL(joined(std::vector<long>(20, 200)), joined(afterKill));

        CPPUNIT_ASSERT_MESSAGE("the pool is not back to 2 workers", poolBackTo(2, killed));
        CPPUNIT_ASSERT_EQUAL(restarts + 1, settledSample(kRestarts, restarts + 1));
        // The dead worker's streams are over too: the gauge is back where it was.
        CPPUNIT_ASSERT_EQUAL_MESSAGE("llm_api_active_streams after every stream ended;" + all, streams,
                                     settledSample(kActiveStreams, streams));
    }

    // SIGHUP with 3 streams open: they finish on the old workers (old
    // configuration); requests after the reload get the new one.
    void testReloadWhileStreaming() {
        const std::string token = apiToken();
        fake::script(fake::repeated(3, R"({"chunk_delay_ms":300})"));  // ~17 events: ~5 s
        std::vector<std::string> ids;
        std::vector<std::future<StreamOutcome>> pending;
        for (int i = 0; i < 3; ++i) {
            ids.push_back(uniqueName("reload-stream"));
            pending.push_back(openStream(token, ids.back()));
        }
        WAIT_FOR([] { return json_array_size(fake::requests().get()) == 3; }, 5, "the fake to record 3 requests");

        const auto probe = [&token](const std::string& expectedGeneration) {
            return pollUntil(15, [&] {
                const std::string id = uniqueName("reload-probe");
                if (postJson(chatPath("openai"), seedChatBody("gpt-ops-reload"),
                             {"Authorization: Bearer " + token, "X-Request-Id: " + id}).status != 200)
                    return false;
                JsonPtr recorded = fake::requests();
                const json_t* upstream = upstreamRequest(recorded.get(), id);
                return upstream && jstr(upstream, "headers.x-config-generation") == expectedGeneration;
            });
        };
        {
            ScopedConfig generation("provider.openai", "headers", "X-Config-Generation: 2", "", /*oldGone=*/false);
            CPPUNIT_ASSERT_MESSAGE("no request reached the provider with x-config-generation: 2", probe("2"));
            for (auto& p : pending) ASSERT_COMPLETE_STREAM(p.get());
            JsonPtr recorded = fake::requests();
            for (const auto& id : ids) {
                const json_t* upstream = upstreamRequest(recorded.get(), id);
                CPPUNIT_ASSERT_MESSAGE(id, upstream != nullptr);
                CPPUNIT_ASSERT_MESSAGE(dumpJson(upstream),
                                       json_object_get(json_object_get(upstream, "headers"), "x-config-generation") == nullptr);
            }
        }  // restored, and reloaded
        CPPUNIT_ASSERT_MESSAGE("the header is still sent after the restore", probe(""));
    }

    // [server] error_log and access_log after logrotate moved them: SIGUSR1
    // to the master (its postrotate) and both are written anew, by the
    // master and by every worker.
    void testLogFilesReopened() {
        const std::string errorLog = stackVar() + "/log/error.log", accessLog = accessLogPath();
        std::remove(errorLog.c_str());
        auto contains = [](const std::string& path, const std::string& text) {
            return readTextFile(path).find(text) != std::string::npos;
        };
        ScopedConfig scoped("server", "error_log", errorLog, "");
        CPPUNIT_ASSERT_MESSAGE(readTextFile(errorLog), pollUntil(5, [&] { return contains(errorLog, "SIGHUP: configuration reloaded"); }));

        CPPUNIT_ASSERT_EQUAL(0, std::rename(errorLog.c_str(), (errorLog + ".1").c_str()));
        CPPUNIT_ASSERT_EQUAL(0, std::rename(accessLog.c_str(), (accessLog + ".1").c_str()));
        ctl("reopen-logs");
        CPPUNIT_ASSERT_MESSAGE("no new error log", pollUntil(5, [&] { return contains(errorLog, "SIGUSR1: log files reopened"); }));
        // Every worker writes the new file: requests until each worker's
        // line is there (the access log names no pid: enough requests, 2 s).
        std::string id;
        const bool reopened = pollUntil(5, [&] {
            id = uniqueName("rotated");
            request("GET", "/api/", "", {"X-Request-Id: " + id});
            return pollUntil(0.5, [&] { return contains(accessLog, id); });
        });
        CPPUNIT_ASSERT_MESSAGE("no line in the new access log", reopened);
        for (int i = 0; i < 20; ++i) {
            const std::string later = uniqueName("rotated");
            request("GET", "/api/", "", {"X-Request-Id: " + later});
            CPPUNIT_ASSERT_MESSAGE(later, pollUntil(2, [&] { return contains(accessLog, later); }));
            CPPUNIT_ASSERT_MESSAGE(later + " in the moved file", !contains(accessLog + ".1", later));
        }
        // The moved file keeps what was written before; nothing is lost between.
        std::remove((errorLog + ".1").c_str());
        const std::string before = readTextFile(accessLog + ".1");
        std::ofstream(accessLog, std::ios::app) << before;  // the other tests' lines back in one file
        std::remove((accessLog + ".1").c_str());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OperationsTest);
