// The stack's lifecycle: a full restart keeps the data; a killed FastCGI worker
// is replaced and requests keep succeeding.
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "accounts.h"
#include "assertions.h"
#include "skip.h"
#include "stack.h"
#include "text.h"
#include "wait.h"

using namespace it;

namespace {

std::string joined(const std::set<std::string>& pids) {
    std::string out;
    for (const auto& p : pids) out += p + " ";
    return out;
}

}  // namespace

class LifecycleTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LifecycleTest);
    CPPUNIT_TEST(testRestartKeepsData);
    CPPUNIT_TEST(testKilledWorkerIsReplaced);
    CPPUNIT_TEST(testReloadRollsWorkers);
    CPPUNIT_TEST(testTermDrainsInFlightRequests);
    CPPUNIT_TEST(testDatabaseOutageAndRecovery);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRestartKeepsData() {
        User u = createUser();
        TokenPair before = login(u);
        TokenPair loggedOut = login(u);
        ASSERT_RESPONSE(200, "{}", blacklist(loggedOut.refresh));

        ctl("restart");

        login(u);                                                    // the user survived
        ASSERT_STATUS(200, getWithBearer("/api/me/", before.access));  // same secret
        ASSERT_STATUS(200, refresh(before.refresh));
        ASSERT_RESPONSE(401, refreshErrorBody("Token is blacklisted"), refresh(loggedOut.refresh));
    }

    void testKilledWorkerIsReplaced() {
        std::set<std::string> before = workerPids();
        CPPUNIT_ASSERT_MESSAGE("no worker pids", !before.empty());
        auto killedLines = lines(ctl("kill-worker"));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, killedLines.size());
        std::string killed = killedLines[0];
        CPPUNIT_ASSERT_MESSAGE("killed " + killed + ", not among " + joined(before), before.count(killed) == 1);

        int streak = 0;  // 10 successes in a row, within 10 s
        bool serving = pollUntil(10, [&] {
            try {
                streak = request("GET", "/healthz").status == 200 ? streak + 1 : 0;
            } catch (const std::exception&) {
                streak = 0;
            }
            return streak >= 10;
        });
        CPPUNIT_ASSERT_MESSAGE("requests still failing 10 s after kill-worker", serving);

        std::set<std::string> after;
        bool replaced = pollUntil(20, [&] {
            after = workerPids();
            return after.size() == before.size() && after.count(killed) == 0;
        });
        CPPUNIT_ASSERT_MESSAGE("before: " + joined(before) + "after: " + joined(after), replaced);

        User u = createUser();  // the database path works on the new worker set
        ASSERT_STATUS(200, getWithBearer("/api/me/", login(u).access));
    }

    // SIGHUP: a new set of workers replaces the old one, and no request fails meanwhile.
    void testReloadRollsWorkers() {
        std::set<std::string> before = workerPids();
        ctl("reload");
        int failures = 0;
        std::set<std::string> after;
        bool rolled = pollUntil(20, [&] {
            failures += request("GET", "/api/").status != 200;
            after = workerPids();
            for (const auto& p : after)
                if (before.count(p)) return false;
            return after.size() == before.size();
        });
        CPPUNIT_ASSERT_MESSAGE("before: " + joined(before) + "after: " + joined(after), rolled);
        CPPUNIT_ASSERT_EQUAL(0, failures);
        User u = createUser();
        ASSERT_STATUS(200, getWithBearer("/api/me/", login(u).access));
    }

    // SIGTERM to the pool while logins (each an argon2 hash, ~100+ ms) are in
    // flight: every one of them still gets its answer before the workers exit.
    void testTermDrainsInFlightRequests() {
        User u = createUser();
        std::vector<long> statuses(6, 0);
        std::atomic<size_t> sent{0}, answered{0};
        std::vector<std::thread> clients;
        for (size_t i = 0; i < statuses.size(); ++i)
            clients.emplace_back([&, i] {
                try {
                    statuses[i] = postJsonNotifying("/api/token/", credentialsBody(u.username, u.password),
                                                    [&] { ++sent; })
                                      .status;
                } catch (const std::exception&) {
                    statuses[i] = -1;
                }
                ++answered;
            });
        // SIGTERM once every login is on its way: sent whole, so nginx has it.
        const bool allSent = pollUntil(10, [&] { return sent == statuses.size(); });
        const size_t inFlight = statuses.size() - answered;
        ctl("pool-stop");
        for (auto& t : clients) t.join();
        ctl("pool-start");
        CPPUNIT_ASSERT_MESSAGE("the logins were not all sent within 10 s", allSent);
        for (long s : statuses) CPPUNIT_ASSERT_EQUAL(200L, s);
        CPPUNIT_ASSERT_MESSAGE("/healthz not 200 within 10 s after pool-start", waitHealthy(10));
        if (inFlight == 0)
            SKIP_TEST("every login had its answer before SIGTERM: hashing is too cheap here to test the drain");
    }

    // The database goes away: 503s in DRF's shape, no hang, no crash; it comes
    // back: the same workers recover by themselves (lost connections replaced).
    void testDatabaseOutageAndRecovery() {
        User u = createUser();
        std::set<std::string> workers = workerPids();
        ctl("db-stop");
        auto started = std::chrono::steady_clock::now();
        // /healthz answers from each worker's latest ping (health_check_ms, 250 ms).
        Response health;
        pollUntil(2, [&] { return (health = request("GET", "/healthz")).status != 200; });
        ASSERT_RESPONSE(503, R"({"status":"unavailable","detail":"database unreachable"})", health);
        ASSERT_RESPONSE(503, R"({"detail":"Service temporarily unavailable, try again later."})",
                        postJson("/api/token/", credentialsBody(u.username, u.password)));
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
        ctl("db-start");
        CPPUNIT_ASSERT_MESSAGE("/healthz not 200 within 15 s after db-start", waitHealthy(15));
        login(u);
        CPPUNIT_ASSERT_EQUAL(joined(workers), joined(workerPids()));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LifecycleTest);
