// The stack's lifecycle: a full restart keeps the data; a killed FastCGI worker
// is replaced and requests keep succeeding.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <functional>
#include <thread>

#include "test_support.h"

using namespace it;

namespace {

// Polls `ok` every 200 ms until it holds or `seconds` pass; transport errors count as "not yet".
bool waitUntil(double seconds, const std::function<bool()>& ok) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (ok()) return true;
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
}

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
        bool serving = waitUntil(10, [&] {
            try {
                streak = request("GET", "/healthz").status == 200 ? streak + 1 : 0;
            } catch (const std::exception&) {
                streak = 0;
            }
            return streak >= 10;
        });
        CPPUNIT_ASSERT_MESSAGE("requests still failing 10 s after kill-worker", serving);

        std::set<std::string> after;
        bool replaced = waitUntil(20, [&] {
            after = workerPids();
            return after.size() == before.size() && after.count(killed) == 0;
        });
        CPPUNIT_ASSERT_MESSAGE("before: " + joined(before) + "after: " + joined(after), replaced);

        User u = createUser();  // the database path works on the new worker set
        ASSERT_STATUS(200, getWithBearer("/api/me/", login(u).access));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LifecycleTest);
