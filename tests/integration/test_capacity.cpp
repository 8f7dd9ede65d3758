// Capacity and isolation (issue 10): chats beyond the host's seats are
// refused at once while everything else answers; a user's concurrent chats
// are bounded exactly across the workers, and a killed worker's seats come
// back; a login flood is throttled by nginx and the hash gate's wait is
// bounded; a chat whose client left while it waited is never sent upstream;
// a worker killed under a burst loses no usage row; the FastCGI socket is
// 0660 in nginx's group. The stack (stack.sh): 2 workers x (4 + 12 chat
// seats) threads, so 24 chats on the host; a user's default limit is 20.
#include <cppunit/extensions/HelperMacros.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <atomic>
#include <iterator>
#include <set>
#include <sstream>
#include <chrono>
#include <future>
#include <thread>

#include "accounts.h"
#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "fcgi_client.h"
#include "json_path.h"
#include "skip.h"
#include "stack.h"
#include "text.h"
#include "wait.h"

using namespace it;

namespace {

constexpr int kHostSeats = 24;  // 2 workers x max_streams 12 (stack.sh)

const std::string kV1Chat = "/v1/chat/completions?provider=openai";

std::future<StreamResponse> openStream(const Account& a) {
    return std::async(std::launch::async, [a] {
        return streamRequest("POST", kV1Chat, seedChatBody("gpt-capacity", true),
                             {"Content-Type: application/json", a.auth()});
    });
}

// `n` streams of `a` opened at once; the fake answers the first `scripted`
// (default: all) with `behaviour`.
std::vector<std::future<StreamResponse>> openStreams(const Account& a, int n, const std::string& behaviour,
                                                     int scripted = -1) {
    fake::script(fake::repeated(scripted < 0 ? n : scripted, behaviour));
    std::vector<std::future<StreamResponse>> streams;
    for (int i = 0; i < n; ++i) streams.push_back(openStream(a));
    return streams;
}

Response chatOnce(const Account& a, const std::string& requestId = "") {
    std::vector<std::string> headers{"Content-Type: application/json", a.auth()};
    if (!requestId.empty()) headers.push_back("X-Request-Id: " + requestId);
    return postJson(kV1Chat, seedChatBody("gpt-capacity"), headers);
}

double msSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// A user's own max_concurrent_requests, back to the default at the end.
class ConcurrencyLimit {
public:
    ConcurrencyLimit(const Account& a, int n) : a_(a) {
        ctl("admin set-limits " + a.user.username + " --concurrent " + std::to_string(n));
        awaitUserCache();
    }
    ~ConcurrencyLimit() {
        try {
            ctl("admin set-limits " + a_.user.username + " --concurrent default");
        } catch (const std::exception&) {
        }
    }

private:
    Account a_;
};

std::string socketPath() { return stackVar() + "/run/fcgi.sock"; }

}  // namespace

class CapacityTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CapacityTest);
    CPPUNIT_TEST(testOverCapacityRefusedFastWhileOthersAnswer);
    CPPUNIT_TEST(testPerUserConcurrencyExactAcrossWorkers);
    CPPUNIT_TEST(testKilledWorkersSeatsComeBack);
    CPPUNIT_TEST(testQueuedChatWhoseClientLeftIsNotSent);
    CPPUNIT_TEST(testHealthChecksHaveTheirOwnLane);
    CPPUNIT_TEST(testLaneIsAProcessOfItsOwnAtRealtimePriority);
    CPPUNIT_TEST(testKilledWorkerLosesNoUsageRow);
    CPPUNIT_TEST(testLoginFloodThrottledByNginx);
    CPPUNIT_TEST(testHashGateWaitIsBounded);
    CPPUNIT_TEST(testSocketIsNotWorldWritable);
    CPPUNIT_TEST(testNginxOutweighsThePool);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { fake::reset(); }
    void tearDown() override { fake::reset(); }

    // Every chat seat of the host taken by slow streams (two users, 12 each):
    // one more chat is a 503 server_overloaded with Retry-After, at once;
    // /healthz, /metrics, the token endpoints and the console still answer;
    // when the streams end, chats are admitted again.
    void testOverCapacityRefusedFastWhileOthersAnswer() {
        Account a = createAccount(), b = createAccount(), c = createAccount();
        fake::script(fake::repeated(kHostSeats, R"({"chunk_delay_ms":250})"));  // ~4 s each
        std::vector<std::future<StreamResponse>> streams;
        for (int i = 0; i < kHostSeats; ++i) streams.push_back(openStream(i % 2 ? b : a));
        WAIT_FOR([] { return fake::inFlight() == kHostSeats; }, 10, "every seat taken by a stream");

        const auto t0 = std::chrono::steady_clock::now();
        Response refused = chatOnce(c);
        const double refusedMs = msSince(t0);
        JsonPtr err = ASSERT_OPENAI_ERROR(503, "server_error", nullptr, refused);
        CPPUNIT_ASSERT_EQUAL(std::string("server_overloaded"), jstr(err.get(), "code"));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), refused.header("Retry-After"));
        CPPUNIT_ASSERT_MESSAGE(std::to_string(refusedMs) + " ms", refusedMs < 1000);  // not queued (bench: ms)
        StreamResponse refusedStream = streamRequest("POST", kV1Chat, seedChatBody("gpt-capacity", true),
                                                     {"Content-Type: application/json", c.auth()});
        CPPUNIT_ASSERT_EQUAL(503L, refusedStream.status);
        CPPUNIT_ASSERT_EQUAL(kHostSeats, static_cast<int>(fake::inFlight()));  // nothing more reached the provider

        // Everything else answers while the chats are at capacity.
        ASSERT_STATUS(200, request("GET", "/healthz"));
        ASSERT_STATUS(200, request("GET", "/metrics"));
        ASSERT_STATUS(200, request("GET", "/console/"));
        ASSERT_STATUS(200, getWithBearer("/api/me/", c.token));
        login(c.user);

        for (auto& s : streams) ASSERT_CHAT_STREAM(s.get());
        ASSERT_STATUS(200, chatOnce(c));
    }

    // A user limited to 3: of 6 slow streams opened at once (spread over
    // both workers), exactly 3 are admitted and 3 refused with 429
    // concurrency_limit_exceeded; another user is not affected.
    void testPerUserConcurrencyExactAcrossWorkers() {
        Account a = createAccount(), other = createAccount();
        ConcurrencyLimit limit(a, 3);
        auto streams = openStreams(a, 6, R"({"chunk_delay_ms":200})", 3);  // ~3 s each
        WAIT_FOR([] { return fake::inFlight() == 3; }, 10, "three streams at the provider");
        ASSERT_STATUS(200, chatOnce(other));

        int admitted = 0, refused = 0;
        for (auto& f : streams) {
            StreamResponse s = f.get();
            if (s.status == 200) {
                ASSERT_CHAT_STREAM(s);
                ++admitted;
                continue;
            }
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, 429L, s.status);
            JsonPtr body = parseJson(s.body);
            CPPUNIT_ASSERT_EQUAL(std::string("rate_limit_error"), jstr(body.get(), "error.type"));
            CPPUNIT_ASSERT_EQUAL(std::string("concurrency_limit_exceeded"), jstr(body.get(), "error.code"));
            ++refused;
        }
        CPPUNIT_ASSERT_EQUAL(3, admitted);
        CPPUNIT_ASSERT_EQUAL(3, refused);
        // All three seats are back: three more at once are admitted.
        auto again = openStreams(a, 3, R"({"chunk_delay_ms":10})");
        for (auto& f : again) ASSERT_CHAT_STREAM(f.get());
    }

    // The workers are SIGKILLed while a user holds all of their 2 seats: the
    // master gives the dead workers' seats back, so the user's next streams
    // are admitted (stale seats would refuse them for ever).
    void testKilledWorkersSeatsComeBack() {
        Account a = createAccount();
        ConcurrencyLimit limit(a, 2);
        auto streams = openStreams(a, 2, R"({"chunk_delay_ms":500})");  // ~8 s each
        WAIT_FOR([] { return fake::inFlight() == 2; }, 10, "two streams at the provider");
        ASSERT_STATUS(429, chatOnce(a));

        for (const std::string& pid : workerPids()) ::kill(std::stoi(pid), SIGKILL);
        for (auto& s : streams) s.get();  // cut off
        CPPUNIT_ASSERT(waitHealthy());
        // The fake notices the cut streams on its next write (500 ms).
        WAIT_FOR([] { return fake::inFlight() == 0; }, 5, "the cut streams to end at the provider");
        fake::reset();
        WAIT_FOR([&] { return chatOnce(a).status == 200; }, 10, "a chat admitted after the workers died");
        auto again = openStreams(a, 2, R"({"chunk_delay_ms":300})");
        WAIT_FOR([] { return fake::inFlight() == 2; }, 10, "two new streams at the provider");
        ASSERT_STATUS(429, chatOnce(a));
        for (auto& f : again) ASSERT_CHAT_STREAM(f.get());
    }

    // Every worker thread is held (pinned connections), so a chat waits in
    // the socket's queue; its client (nginx, here our FastCGI client) goes
    // away meanwhile. When a thread comes free, the chat is read, seen
    // abandoned and not sent upstream (access log: 499; no usage row). The
    // same request from a client that stays is sent (the control).
    void testQueuedChatWhoseClientLeftIsNotSent() {
        Account a = createAccount();
        const std::string body = R"({"model":"gpt-capacity","messages":[{"role":"user","content":"left-in-queue"}]})";
        auto params = [&](const std::string& id) {
            return std::vector<std::pair<std::string, std::string>>{
                {"REQUEST_METHOD", "POST"},
                {"DOCUMENT_URI", "/v1/chat/completions"},
                {"REQUEST_URI", "/v1/chat/completions?provider=openai"},
                {"QUERY_STRING", "provider=openai"},
                {"CONTENT_TYPE", "application/json"},
                {"CONTENT_LENGTH", std::to_string(body.size())},
                {"HTTP_AUTHORIZATION", "Bearer " + a.token},
                {"HTTP_X_REQUEST_ID", id},
                {"REMOTE_ADDR", "127.0.0.1"},
                {"SERVER_PROTOCOL", "HTTP/1.1"}};
        };
        const std::string control = uniqueName("stayed");
        const std::string answered = fcgiRequest(socketPath(), params(control), body);
        CPPUNIT_ASSERT_MESSAGE(answered, answered.rfind("Status: 200", 0) == 0);

        const std::string left = uniqueName("left");
        {
            // More pins than the pool has threads: every thread that waits in
            // accept() takes one; the rest, and the chat, queue behind.
            std::vector<std::unique_ptr<FcgiPin>> pins;
            for (int i = 0; i < 2 * 16 + 8; ++i) pins.push_back(std::make_unique<FcgiPin>(socketPath()));
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            fcgiSendAndLeave(socketPath(), params(left), body);
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }  // the pins go: the threads read EOF, then take the queued chat
        JsonPtr line = accessLogLine(left);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(line.get()), json_int_t{499}, jint(line.get(), "status"));
        JsonPtr recorded = fake::requests();
        int sent = 0;
        for (size_t i = 0; i < json_array_size(recorded.get()); ++i)
            sent += dumpJson(json_array_get(recorded.get(), i)).find("left-in-queue") != std::string::npos;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dumpJson(recorded.get()), 1, sent);  // the control's only
        std::this_thread::sleep_for(std::chrono::milliseconds(300));     // a batch's flush
        CPPUNIT_ASSERT_EQUAL(std::string("1"),
                             lines(sql("SELECT COUNT(*) FROM usage_events WHERE user_id = " + std::to_string(a.id)))[0]);
    }

    // Every thread on the main socket held, with more connections queued
    // behind them: /healthz and /metrics still answer at once through nginx,
    // which sends them to the priority socket and its own threads.
    void testHealthChecksHaveTheirOwnLane() {
        std::vector<std::unique_ptr<FcgiPin>> pins;
        for (int i = 0; i < 2 * 16 + 8; ++i) pins.push_back(std::make_unique<FcgiPin>(socketPath()));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        for (const char* path : {"/healthz", "/healthz/", "/metrics"}) {
            const auto t0 = std::chrono::steady_clock::now();
            Response r = request("GET", path);
            const double ms = msSince(t0);
            ASSERT_STATUS(200, r);
            CPPUNIT_ASSERT_MESSAGE(std::string(path) + ": " + std::to_string(ms) + " ms", ms < 1000);
        }
        const std::string direct =
            fcgiRequest(stackVar() + "/run/fcgi-priority.sock",
                        {{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", "/healthz"}, {"REQUEST_URI", "/healthz"},
                         {"REMOTE_ADDR", "127.0.0.1"}, {"SERVER_PROTOCOL", "HTTP/1.1"}});
        CPPUNIT_ASSERT_MESSAGE(direct, direct.rfind("Status: 200", 0) == 0);
        // Nothing else runs on the lane's real-time threads, even sent there.
        for (const char* path : {"/api/", "/v1/models"}) {
            const std::string other =
                fcgiRequest(stackVar() + "/run/fcgi-priority.sock",
                            {{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", path}, {"REQUEST_URI", path},
                             {"REMOTE_ADDR", "127.0.0.1"}, {"SERVER_PROTOCOL", "HTTP/1.1"}});
            CPPUNIT_ASSERT_MESSAGE(other, other.rfind("Status: 404", 0) == 0);
            CPPUNIT_ASSERT_MESSAGE(other, other.find(R"({"detail":"Not found."})") != std::string::npos);
        }
    }

    // The priority socket is served by a process of its own (the lane),
    // whose request threads run at SCHED_FIFO: no lock shared with the
    // chats' threads, no wait behind them for a CPU. The workers have no
    // such thread, and their request threads are nice 5. A killed lane is
    // replaced, and health checks answer again.
    void testLaneIsAProcessOfItsOwnAtRealtimePriority() {
        auto first_line = [](const std::string& text) {
            const std::vector<std::string> l = lines(text);
            return l.empty() ? std::string() : l.front();
        };
        const std::string lane = first_line(ctl("lane-pid"));
        CPPUNIT_ASSERT_MESSAGE("no lane process", !lane.empty());
        // comm -> (nice, rt_priority, policy) of each thread of `pid`.
        auto threads_of = [&](const std::string& pid) {
            std::vector<std::pair<std::string, std::vector<std::string>>> out;
            DIR* d = opendir(("/proc/" + pid + "/task").c_str());
            CPPUNIT_ASSERT_MESSAGE(pid, d != nullptr);
            while (dirent* e = readdir(d)) {
                if (e->d_name[0] == '.') continue;
                const std::string base = "/proc/" + pid + "/task/" + e->d_name;
                const std::string stat = readTextFile(base + "/stat");
                std::istringstream rest(stat.substr(stat.rfind(')') + 2));  // from field 3, state
                std::vector<std::string> f{std::istream_iterator<std::string>(rest), {}};
                if (f.size() < 39) continue;  // the thread ended meanwhile
                out.push_back({first_line(readTextFile(base + "/comm")), {f[16], f[37], f[38]}});
            }
            closedir(d);
            return out;
        };
        int lane_threads = 0;
        for (const auto& [comm, v] : threads_of(lane)) {
            if (comm != "llm-priority") continue;
            ++lane_threads;
            if (geteuid() == 0)  // rt_priority 1, policy 1 (SCHED_FIFO)
                CPPUNIT_ASSERT_EQUAL(std::string("1 1"), v[1] + " " + v[2]);
        }
        CPPUNIT_ASSERT_MESSAGE("the lane's request threads", lane_threads >= 1);
        const std::set<std::string> workers = workerPids();
        CPPUNIT_ASSERT_EQUAL(size_t{2}, workers.size());
        for (const std::string& w : workers) {
            int chat_threads = 0;
            for (const auto& [comm, v] : threads_of(w)) {
                CPPUNIT_ASSERT_MESSAGE("worker " + w + " has a priority thread", comm != "llm-priority");
                if (comm != "llm-request") continue;
                ++chat_threads;
                CPPUNIT_ASSERT_EQUAL(std::string("5 0 0"), v[0] + " " + v[1] + " " + v[2]);  // nice 5, SCHED_OTHER
            }
            CPPUNIT_ASSERT_MESSAGE("worker " + w + ": no request threads", chat_threads > 0);
        }

        ::kill(std::stoi(lane), SIGKILL);
        std::string again;
        WAIT_FOR([&] { return !(again = first_line(ctl("lane-pid"))).empty() && again != lane; }, 10, "a new lane");
        WAIT_FOR([] { return request("GET", "/healthz").status == 200; }, 10, "/healthz from the new lane");
        CPPUNIT_ASSERT(workers == workerPids());  // the workers were left alone
    }

    // Chats from 6 clients, one after another each, for ~3 s; a worker is
    // SIGKILLed in the middle. Every answered chat has its usage row (the
    // dead worker's journal is replayed by the others); at most the chats in
    // flight at the kill (<= 6) have a row without an answer.
    void testKilledWorkerLosesNoUsageRow() {
        Account a = createAccount();
        std::atomic<bool> stop{false};
        std::atomic<long> ok{0};
        std::vector<std::thread> clients;
        for (int i = 0; i < 6; ++i)
            clients.emplace_back([&] {
                while (!stop) {
                    try {
                        ok += chatOnce(a).status == 200;
                    } catch (const std::exception&) {
                    }
                }
            });
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        ctl("kill-worker");
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        stop = true;
        for (auto& t : clients) t.join();
        CPPUNIT_ASSERT(ok > 20);
        long rows = 0;
        const bool all = pollUntil(15, [&] {
            rows = std::stol(lines(sql("SELECT COUNT(*) FROM usage_events WHERE user_id = " + std::to_string(a.id)))[0]);
            return rows >= ok;
        });
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ok) + " answered, " + std::to_string(rows) + " usage rows", all);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ok) + " answered, " + std::to_string(rows) + " usage rows",
                               rows <= ok + 6);
        CPPUNIT_ASSERT(waitHealthy());
    }

    // 300 wrong-password logins at once from one address: nginx admits the
    // burst (100 here) and refuses the rest at once with DRF's 429 and
    // Retry-After, before any worker hashes; of those admitted, the hash
    // gate takes a few per worker (2 hashing, 10 waiting) and answers the
    // others 503 at once; /healthz and chats answer meanwhile.
    void testLoginFloodThrottledByNginx() {
        User u = createUser();
        Account other = createAccount();
        std::this_thread::sleep_for(std::chrono::seconds(2));  // the bucket refills (100/s)
        std::atomic<int> throttled{0}, unauthorized{0}, busy{0}, other_status{0};
        std::atomic<bool> badBody{false};
        std::promise<void> go;
        std::shared_future<void> start = go.get_future().share();
        std::vector<std::thread> flood;
        for (int i = 0; i < 300; ++i)
            flood.emplace_back([&, start] {
                start.wait();  // all at once
                Response r = postJson("/api/token/", credentialsBody(u.username, "wrong-password"));
                if (r.status == 429) {
                    ++throttled;
                    if (r.body != R"({"detail":"Request was throttled. Expected available in 1 second."})" ||
                        r.header("Retry-After") != "1")
                        badBody = true;
                } else if (r.status == 401) {
                    ++unauthorized;
                } else if (r.status == 503 && r.header("Retry-After") == "1") {
                    ++busy;
                } else {
                    other_status = static_cast<int>(r.status);
                }
            });
        go.set_value();
        const auto t0 = std::chrono::steady_clock::now();
        Response health = request("GET", "/healthz");
        const double healthMs = msSince(t0);
        Response chat = chatOnce(other);
        for (auto& t : flood) t.join();
        CPPUNIT_ASSERT_EQUAL(200L, health.status);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(healthMs) + " ms", healthMs < 2000);
        ASSERT_STATUS(200, chat);
        // More than the burst arrive within the second: nginx refuses them.
        CPPUNIT_ASSERT_MESSAGE(std::to_string(throttled) + " throttled", throttled >= 50);
        CPPUNIT_ASSERT_MESSAGE("a 429 without DRF's body or Retry-After", !badBody);
        CPPUNIT_ASSERT_EQUAL(300, throttled + unauthorized + busy);
        CPPUNIT_ASSERT(unauthorized >= 1);
        CPPUNIT_ASSERT_EQUAL(0, other_status.load());
        std::this_thread::sleep_for(std::chrono::seconds(2));  // refilled for the next tests
    }

    // With a 50 ms bound on the hash gate's wait, 12 concurrent logins on
    // 2 workers x 2 hash slots: those that cannot start hashing in time get
    // 503 with Retry-After (not a thread held without bound); the others 200.
    void testHashGateWaitIsBounded() {
        User u = createUser();
        ScopedConfig wait("auth", "hash_wait_ms", "50", "10000");
        std::vector<std::future<Response>> logins;
        for (int i = 0; i < 12; ++i)
            logins.push_back(std::async(std::launch::async, [&] {
                return postJson("/api/token/", credentialsBody(u.username, u.password));
            }));
        int ok = 0, busy = 0;
        for (auto& f : logins) {
            Response r = f.get();
            if (r.status == 200) {
                ++ok;
                continue;
            }
            ASSERT_RESPONSE(503, R"({"detail":"Too many logins in progress; try again shortly."})", r);
            CPPUNIT_ASSERT_EQUAL(std::string("1"), r.header("Retry-After"));
            ++busy;
        }
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ok) + " ok", ok >= 1);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(busy) + " busy", busy >= 1);
    }

    // Only the service's user and nginx's group reach the workers.
    void testSocketIsNotWorldWritable() {
        struct stat st {};
        CPPUNIT_ASSERT_EQUAL(0, stat(socketPath().c_str(), &st));
        CPPUNIT_ASSERT_EQUAL(0660, static_cast<int>(st.st_mode & 07777));
        if (geteuid() != 0) SKIP_TEST("not root: the socket stays in the user's own group");
        const struct group* g = getgrnam("www-data");
        CPPUNIT_ASSERT(g != nullptr);
        CPPUNIT_ASSERT_EQUAL(static_cast<unsigned>(g->gr_gid), static_cast<unsigned>(st.st_gid));
    }

    // nginx's scheduling group weighs ~9 default ones (scripts/lib.sh, as the
    // package's CPUWeight drop-in for nginx.service); the pool's is a default
    // one. /proc/PID/autogroup reads "/autogroup-N nice V".
    void testNginxOutweighsThePool() {
        if (geteuid() != 0) SKIP_TEST("not root: nginx keeps an ordinary group");
        // The first line of /proc/PID/autogroup, PID from a pid file.
        auto group_of = [](const std::string& pid_file) {
            const std::string pid = readTextFile(pid_file);
            CPPUNIT_ASSERT_MESSAGE(pid_file, !pid.empty());
            const std::vector<std::string> got = lines(readTextFile("/proc/" + std::to_string(std::stol(pid)) + "/autogroup"));
            CPPUNIT_ASSERT_MESSAGE(pid_file, !got.empty());
            return got.front();
        };
        const std::string nginx = group_of(stackVar() + "/run/nginx.pid");
        const std::string pool = group_of(stackVar() + "/run/fcgi.pid");
        CPPUNIT_ASSERT_EQUAL(std::string("nice -10"), nginx.substr(nginx.find(' ') + 1));
        CPPUNIT_ASSERT_EQUAL(std::string("nice 0"), pool.substr(pool.find(' ') + 1));
        // Groups of their own: a weight shared with the pool would be no weight.
        CPPUNIT_ASSERT(nginx.substr(0, nginx.find(' ')) != pool.substr(0, pool.find(' ')));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CapacityTest);
