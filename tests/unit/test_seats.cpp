// The seat map: admission (host limit) and per-user concurrency, exact
// across processes, and a dead worker's seats given back by the master.
#include <cppunit/extensions/HelperMacros.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "limits/seats.h"

using llmapi::limits::SeatMap;
using llmapi::limits::SeatResult;
using llmapi::limits::Seats;

class SeatsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SeatsTest);
    CPPUNIT_TEST(testHostLimit);
    CPPUNIT_TEST(testUserLimit);
    CPPUNIT_TEST(testNoMapAdmitsAll);
    CPPUNIT_TEST(testRacingThreadsNeverOverAdmit);
    CPPUNIT_TEST(testAcrossProcessesAndDeadWorker);
    CPPUNIT_TEST_SUITE_END();

public:
    void testHostLimit() {
        SeatMap* m = llmapi::limits::create_seat_map(4, 8);
        llmapi::limits::seat_map_worker_started(m, 0);
        llmapi::limits::seat_map_worker_started(m, 1);
        Seats a(m, 0), b(m, 1);
        CPPUNIT_ASSERT(a.take(0, 7, 3, 0) == SeatResult::Taken);
        CPPUNIT_ASSERT(b.take(0, 8, 3, 0) == SeatResult::Taken);
        CPPUNIT_ASSERT(b.take(1, 9, 3, 0) == SeatResult::Taken);
        CPPUNIT_ASSERT(a.take(1, 10, 3, 0) == SeatResult::HostFull);  // the fourth, from either worker
        CPPUNIT_ASSERT_EQUAL(3L, a.host_count());
        b.release(0);
        CPPUNIT_ASSERT(a.take(1, 10, 3, 0) == SeatResult::Taken);
        CPPUNIT_ASSERT_EQUAL(3L, b.host_count());
    }

    void testUserLimit() {
        SeatMap* m = llmapi::limits::create_seat_map(4, 8);
        llmapi::limits::seat_map_worker_started(m, 0);
        llmapi::limits::seat_map_worker_started(m, 1);
        Seats a(m, 0), b(m, 1);
        CPPUNIT_ASSERT(a.take(0, 7, 100, 2) == SeatResult::Taken);
        CPPUNIT_ASSERT(b.take(0, 7, 100, 2) == SeatResult::Taken);
        CPPUNIT_ASSERT(a.take(1, 7, 100, 2) == SeatResult::UserFull);  // user 7's third
        CPPUNIT_ASSERT(a.take(1, 8, 100, 2) == SeatResult::Taken);     // another user is not affected
        CPPUNIT_ASSERT_EQUAL(2L, a.user_count(7));
        CPPUNIT_ASSERT_EQUAL(1L, a.user_count(8));
        CPPUNIT_ASSERT(a.take(2, 7, 100, 0) == SeatResult::Taken);  // 0 = no per-user limit
        {
            llmapi::limits::SeatGuard g(&b, 3);
            CPPUNIT_ASSERT(b.take(3, 9, 100, 1) == SeatResult::Taken);
        }
        CPPUNIT_ASSERT_EQUAL(0L, a.user_count(9));  // released by the guard
    }

    void testNoMapAdmitsAll() {
        Seats s(nullptr, 0);
        for (int i = 0; i < 100; ++i) CPPUNIT_ASSERT(s.take(0, 1, 1, 1) == SeatResult::Taken);
    }

    // Many threads competing for 5 seats: at no moment more than 5 held.
    void testRacingThreadsNeverOverAdmit() {
        const int threads = 16;
        SeatMap* m = llmapi::limits::create_seat_map(2, threads);
        llmapi::limits::seat_map_worker_started(m, 0);
        Seats s(m, 0);
        std::atomic<int> held{0}, peak{0};
        std::atomic<long> taken{0};
        std::vector<std::thread> ts;
        for (int t = 0; t < threads; ++t)
            ts.emplace_back([&, t] {
                for (int i = 0; i < 2000; ++i) {
                    if (s.take(t, 1 + t % 3, 5, 0) != SeatResult::Taken) continue;
                    const int now = ++held;
                    int p = peak.load();
                    while (now > p && !peak.compare_exchange_weak(p, now)) {
                    }
                    ++taken;
                    --held;
                    s.release(t);
                }
            });
        for (auto& t : ts) t.join();
        CPPUNIT_ASSERT(peak.load() <= 5);
        CPPUNIT_ASSERT(taken.load() > 0);
        CPPUNIT_ASSERT_EQUAL(0L, s.host_count());
    }

    // A child process (a worker) holds two seats of user 5; the parent (the
    // master's view) counts them, and gets them back when the child dies.
    void testAcrossProcessesAndDeadWorker() {
        SeatMap* m = llmapi::limits::create_seat_map(4, 4);
        llmapi::limits::seat_map_worker_started(m, 2);
        int ready[2];
        CPPUNIT_ASSERT_EQUAL(0, pipe(ready));
        const pid_t child = fork();
        if (child == 0) {
            Seats w(m, 2);
            w.take(0, 5, 10, 2);
            w.take(1, 5, 10, 2);
            (void)!write(ready[1], "x", 1);
            pause();
            _exit(0);
        }
        char c;
        CPPUNIT_ASSERT_EQUAL(ssize_t(1), read(ready[0], &c, 1));
        Seats other(m, 0);
        llmapi::limits::seat_map_worker_started(m, 0);
        CPPUNIT_ASSERT_EQUAL(2L, other.user_count(5));
        CPPUNIT_ASSERT(other.take(0, 5, 10, 2) == SeatResult::UserFull);
        kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
        llmapi::limits::seat_map_worker_gone(m, 2);
        CPPUNIT_ASSERT_EQUAL(0L, other.user_count(5));
        CPPUNIT_ASSERT(other.take(0, 5, 10, 2) == SeatResult::Taken);
        close(ready[0]);
        close(ready[1]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SeatsTest);
