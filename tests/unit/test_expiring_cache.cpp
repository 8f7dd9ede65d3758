// llmapi::ExpiringCache: expiry at the boundary, replacement, the size bound.
#include "common/expiring_cache.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

using Cache = llmapi::ExpiringCache<std::string, int, long>;

class ExpiringCacheTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ExpiringCacheTest);
    CPPUNIT_TEST(testFreshUntilExpiry);
    CPPUNIT_TEST(testPutReplaces);
    CPPUNIT_TEST(testEraseAndBound);
    CPPUNIT_TEST(testPurgeThatFreesLittleStartsOver);
    CPPUNIT_TEST_SUITE_END();

public:
    // As JWT exp: a token with exp = 100 is expired at now = 100.
    void testFreshUntilExpiry() {
        Cache c(10);
        c.put("a", 1, 100, 50);
        CPPUNIT_ASSERT_EQUAL(1, c.find("a", 99).value_or(-1));
        CPPUNIT_ASSERT(!c.find("a", 100).has_value());
        CPPUNIT_ASSERT(!c.find("b", 50).has_value());
    }

    void testPutReplaces() {
        Cache c(10);
        c.put("a", 1, 100, 50);
        c.put("a", 2, 200, 150);
        CPPUNIT_ASSERT_EQUAL(2, c.find("a", 150).value_or(-1));
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.size());
    }

    void testEraseAndBound() {
        Cache c(3);
        c.put("a", 1, 100, 0);
        c.erase("a");
        CPPUNIT_ASSERT(!c.find("a", 1).has_value());
        c.put("x", 1, 10, 0);
        c.put("y", 2, 100, 0);
        c.put("z", 3, 100, 0);
        c.put("w", 4, 100, 20);  // full: x has expired and goes; y, z stay
        CPPUNIT_ASSERT_EQUAL(size_t(3), c.size());
        CPPUNIT_ASSERT_EQUAL(2, c.find("y", 20).value_or(-1));
        c.put("v", 5, 100, 20);  // full of fresh entries: starts over
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.size());
        CPPUNIT_ASSERT_EQUAL(5, c.find("v", 20).value_or(-1));
        c.put("v", 6, 100, 20);  // replacing a key never evicts
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.size());
    }

    // Full, and a purge frees less than a quarter: cleared, so the next
    // inserts don't each rescan a map of live entries under the lock.
    void testPurgeThatFreesLittleStartsOver() {
        Cache few(8), many(8);
        for (int i = 0; i < 8; ++i) {
            few.put("k" + std::to_string(i), i, i < 1 ? 10 : 100, 0);   // 1 of 8 expires at 10
            many.put("k" + std::to_string(i), i, i < 3 ? 10 : 100, 0);  // 3 of 8 do
        }
        few.put("new", 1, 100, 20);
        CPPUNIT_ASSERT_EQUAL(size_t(1), few.size());
        many.put("new", 1, 100, 20);
        CPPUNIT_ASSERT_EQUAL(size_t(6), many.size());
        CPPUNIT_ASSERT_EQUAL(7, many.find("k7", 20).value_or(-1));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ExpiringCacheTest);
