// /healthz's state (db/health.cpp): what the latest ping said, never a wait
// on the database once a ping has ended, and stale means unhealthy.
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "db/health.h"

using llmapi::db::HealthWatch;
using namespace std::chrono_literals;

namespace {

// A ping the test steers: its answer, and whether it hangs (until released).
struct Steered {
    std::atomic<bool> answer{true};
    std::atomic<bool> hang{false};
    std::atomic<int> pings{0};
    std::atomic<int> begun{0};
    std::atomic<int> ended{0};

    HealthWatch::Probe probe() {
        return {[this] { ++begun; },
                [this] {
                    while (hang.load()) std::this_thread::sleep_for(1ms);
                    ++pings;
                    return answer.load();
                },
                [this] { ++ended; }};
    }
};

template <class F>
bool within(std::chrono::milliseconds limit, F f) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (f()) return true;
        std::this_thread::sleep_for(2ms);
    }
    return f();
}

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

class HealthWatchTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HealthWatchTest);
    CPPUNIT_TEST(testFollowsThePing);
    CPPUNIT_TEST(testFirstAnswerWaitsForTheFirstPing);
    CPPUNIT_TEST(testHungPingGoesStaleWithoutBlockingTheProbe);
    CPPUNIT_TEST(testThreadBeginsAndEndsOnce);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFollowsThePing() {
        Steered s;
        HealthWatch watch(s.probe(), 20ms, 1000ms);
        CPPUNIT_ASSERT(watch.healthy());
        s.answer = false;
        CPPUNIT_ASSERT_MESSAGE("a failed ping is not noticed", within(500ms, [&] { return !watch.healthy(); }));
        s.answer = true;
        CPPUNIT_ASSERT_MESSAGE("the recovery is not noticed", within(500ms, [&] { return watch.healthy(); }));
        const int before = s.pings.load();
        std::this_thread::sleep_for(150ms);
        CPPUNIT_ASSERT_MESSAGE("it does not keep pinging", s.pings.load() >= before + 2);
    }

    void testFirstAnswerWaitsForTheFirstPing() {
        Steered s;
        s.hang = true;
        HealthWatch watch(s.probe(), 20ms, 300ms);
        std::thread release([&] {
            std::this_thread::sleep_for(50ms);
            s.hang = false;
        });
        CPPUNIT_ASSERT_MESSAGE("answered before any ping ended", watch.healthy());
        release.join();
        CPPUNIT_ASSERT(s.pings.load() > 0);

        Steered never;
        never.hang = true;
        {
            HealthWatch blind(never.probe(), 20ms, 100ms);
            const auto t0 = std::chrono::steady_clock::now();
            CPPUNIT_ASSERT_MESSAGE("healthy with no ping ever ended", !blind.healthy());
            CPPUNIT_ASSERT_MESSAGE(std::to_string(ms_since(t0)) + " ms", ms_since(t0) < 1000);
            never.hang = false;  // lets the destructor join
        }
    }

    // A database that stops answering without closing the connection: the
    // ping hangs (up to the read timeout). The probe answers at once from
    // the last result, and turns 503 once that result is older than max_age.
    void testHungPingGoesStaleWithoutBlockingTheProbe() {
        Steered s;
        HealthWatch watch(s.probe(), 10ms, 200ms);
        CPPUNIT_ASSERT(watch.healthy());
        s.hang = true;
        const auto t0 = std::chrono::steady_clock::now();
        CPPUNIT_ASSERT(watch.healthy());  // the last ping succeeded just now
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ms_since(t0)) + " ms", ms_since(t0) < 100);
        CPPUNIT_ASSERT_MESSAGE("a hung ping never makes it unhealthy", within(1000ms, [&] { return !watch.healthy(); }));
        CPPUNIT_ASSERT_MESSAGE("stale before max_age", ms_since(t0) >= 150);
        s.hang = false;
        CPPUNIT_ASSERT(within(500ms, [&] { return watch.healthy(); }));
    }

    void testThreadBeginsAndEndsOnce() {
        Steered s;
        {
            HealthWatch watch(s.probe(), 5ms, 1000ms);
            CPPUNIT_ASSERT(within(500ms, [&] { return s.pings.load() >= 3; }));
            CPPUNIT_ASSERT_EQUAL(1, s.begun.load());
            CPPUNIT_ASSERT_EQUAL(0, s.ended.load());
        }
        CPPUNIT_ASSERT_EQUAL(1, s.ended.load());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HealthWatchTest);
