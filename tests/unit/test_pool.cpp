// Which connection errors the pool may repeat a statement after.
#include <cppconn/exception.h>
#include <cppunit/extensions/HelperMacros.h>

#include "db/pool.h"

using llmapi::db::Pool;

namespace {
sql::SQLException error(int code) { return sql::SQLException("test", "HY000", code); }
}  // namespace

class PoolTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PoolTest);
    CPPUNIT_TEST(testNeverSentOnlyWhenNothingRan);
    CPPUNIT_TEST_SUITE_END();

public:
    void testNeverSentOnlyWhenNothingRan() {
        for (int code : {2002, 2003, 2006, 4031}) {
            CPPUNIT_ASSERT(Pool::is_connection_error(error(code)));
            CPPUNIT_ASSERT(Pool::never_sent(error(code)));
        }
        // Lost during the query, or killed: the UPDATE may have counted.
        for (int code : {2013, 2055, 1053, 1927}) {
            CPPUNIT_ASSERT(Pool::is_connection_error(error(code)));
            CPPUNIT_ASSERT(!Pool::never_sent(error(code)));
        }
        CPPUNIT_ASSERT(!Pool::never_sent(error(1213)));  // a deadlock is not a connection error at all
        CPPUNIT_ASSERT(!Pool::is_connection_error(error(1213)));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PoolTest);
