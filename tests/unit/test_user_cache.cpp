// llmapi::auth::UserCache: how often the Bearer check's user row is read.
#include "auth/user_cache.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

using llmapi::auth::UserCache;
using llmapi::db::User;
using namespace std::chrono_literals;

namespace {

// A "database" that counts its reads.
struct FakeUsers {
    int reads = 0;
    bool exists = true;
    bool active = true;
    bool fail = false;
    std::optional<User> operator()(int64_t id) {
        ++reads;
        if (fail) throw std::runtime_error("database down");
        if (!exists) return std::nullopt;
        User u;
        u.id = id;
        u.username = "u" + std::to_string(id);
        u.is_active = active;
        return u;
    }
};

const UserCache::Clock::time_point kT0{};

}  // namespace

class UserCacheTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(UserCacheTest);
    CPPUNIT_TEST(testReadsOncePerTtl);
    CPPUNIT_TEST(testChangeSeenAfterTtl);
    CPPUNIT_TEST(testZeroTtlReadsEveryTime);
    CPPUNIT_TEST(testMissingUserNotCached);
    CPPUNIT_TEST(testLoaderErrorPassesThroughAndCachesNothing);
    CPPUNIT_TEST(testUsersKeptApart);
    CPPUNIT_TEST(testBounded);
    CPPUNIT_TEST(testConcurrentMissesReadOnce);
    CPPUNIT_TEST_SUITE_END();

public:
    void testReadsOncePerTtl() {
        UserCache cache(1000);
        FakeUsers db;
        auto load = [&](int64_t id) { return db(id); };
        for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT(cache.get(7, load, kT0 + i * 100ms)->is_active);
        CPPUNIT_ASSERT_EQUAL(1, db.reads);
        cache.get(7, load, kT0 + 999ms);
        CPPUNIT_ASSERT_EQUAL(1, db.reads);
        cache.get(7, load, kT0 + 1000ms);  // expired exactly at the TTL
        CPPUNIT_ASSERT_EQUAL(2, db.reads);
    }

    void testChangeSeenAfterTtl() {
        UserCache cache(1000);
        FakeUsers db;
        auto load = [&](int64_t id) { return db(id); };
        CPPUNIT_ASSERT(cache.get(7, load, kT0)->is_active);
        db.active = false;  // deactivated in the database
        CPPUNIT_ASSERT(cache.get(7, load, kT0 + 500ms)->is_active);  // stale within the TTL, as documented
        CPPUNIT_ASSERT(!cache.get(7, load, kT0 + 1001ms)->is_active);
        db.exists = false;  // then deleted
        CPPUNIT_ASSERT(!cache.get(7, load, kT0 + 1500ms)->is_active);
        CPPUNIT_ASSERT(!cache.get(7, load, kT0 + 2002ms).has_value());
    }

    void testZeroTtlReadsEveryTime() {
        UserCache cache(0);
        FakeUsers db;
        auto load = [&](int64_t id) { return db(id); };
        for (int i = 0; i < 3; ++i) cache.get(7, load, kT0);
        CPPUNIT_ASSERT_EQUAL(3, db.reads);
        CPPUNIT_ASSERT_EQUAL(size_t(0), cache.size());
    }

    void testMissingUserNotCached() {
        UserCache cache(1000);
        FakeUsers db;
        db.exists = false;
        auto load = [&](int64_t id) { return db(id); };
        CPPUNIT_ASSERT(!cache.get(7, load, kT0).has_value());
        db.exists = true;  // e.g. imported a moment later
        CPPUNIT_ASSERT(cache.get(7, load, kT0 + 1ms).has_value());
        CPPUNIT_ASSERT_EQUAL(2, db.reads);
    }

    void testLoaderErrorPassesThroughAndCachesNothing() {
        UserCache cache(1000);
        FakeUsers db;
        db.fail = true;
        auto load = [&](int64_t id) { return db(id); };
        CPPUNIT_ASSERT_THROW(cache.get(7, load, kT0), std::runtime_error);
        CPPUNIT_ASSERT_EQUAL(size_t(0), cache.size());
        db.fail = false;
        CPPUNIT_ASSERT(cache.get(7, load, kT0).has_value());
    }

    void testUsersKeptApart() {
        UserCache cache(1000);
        FakeUsers db;
        auto load = [&](int64_t id) { return db(id); };
        CPPUNIT_ASSERT_EQUAL(std::string("u1"), cache.get(1, load, kT0)->username);
        CPPUNIT_ASSERT_EQUAL(std::string("u2"), cache.get(2, load, kT0)->username);
        CPPUNIT_ASSERT_EQUAL(std::string("u1"), cache.get(1, load, kT0)->username);
        CPPUNIT_ASSERT_EQUAL(2, db.reads);
    }

    void testBounded() {
        UserCache cache(1000, 4);
        FakeUsers db;
        auto load = [&](int64_t id) { return db(id); };
        for (int64_t id = 1; id <= 10; ++id) cache.get(id, load, kT0);
        CPPUNIT_ASSERT(cache.size() <= 4);
        // Expired entries make room before fresh ones are dropped.
        UserCache c2(1000, 3);
        c2.get(1, load, kT0);
        c2.get(2, load, kT0);
        c2.get(3, load, kT0 + 900ms);
        c2.get(4, load, kT0 + 1100ms);  // 1 and 2 have expired: dropped, 3 stays
        const int before = db.reads;
        c2.get(3, load, kT0 + 1200ms);
        CPPUNIT_ASSERT_EQUAL(before, db.reads);
        CPPUNIT_ASSERT_EQUAL(size_t(2), c2.size());
    }

    // 32 threads miss at once (the entry expired under load): one reads the
    // row, the others get its answer; a failed read reaches every waiter.
    void testConcurrentMissesReadOnce() {
        UserCache cache(1000);
        std::atomic<int> reads{0};
        std::atomic<bool> fail{false};
        auto slow = [&](int64_t id) -> std::optional<User> {
            ++reads;
            std::this_thread::sleep_for(50ms);  // the others arrive meanwhile
            if (fail) throw std::runtime_error("database down");
            User u;
            u.id = id;
            return u;
        };
        for (const bool failing : {false, true}) {
            fail = failing;
            reads = 0;
            std::atomic<int> answered{0}, errors{0};
            std::vector<std::thread> ts;
            for (int i = 0; i < 32; ++i)
                ts.emplace_back([&] {
                    try {
                        answered += cache.get(failing ? 8 : 7, slow, kT0)->id == (failing ? 8 : 7);
                    } catch (const std::runtime_error&) {
                        ++errors;
                    }
                });
            for (auto& t : ts) t.join();
            CPPUNIT_ASSERT_MESSAGE(std::to_string(reads.load()) + " reads", reads.load() <= 2);
            CPPUNIT_ASSERT_EQUAL(failing ? 0 : 32, answered.load());
            CPPUNIT_ASSERT_EQUAL(failing ? 32 : 0, errors.load());
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(UserCacheTest);
