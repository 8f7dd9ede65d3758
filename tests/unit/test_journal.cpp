// The usage journal on a real directory: rows on disk before their batch,
// a segment deleted once all its rows are in, kept (and unlocked, for the
// replay) when some are not, and locked while its process owns it.
#include "usage/journal.h"

#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "usage/spool.h"
#include "usage_rows.h"

using llmapi::usage::Journal;
using llmapi::usage::Spool;
using llmapi::usage::UsageEvent;
namespace fs = std::filesystem;

namespace {

UsageEvent row(int n) { return sample_usage_row(n, 9); }

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool locked_by_someone(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY);
    if (fd < 0) return false;
    const bool locked = flock(fd, LOCK_EX | LOCK_NB) != 0;
    close(fd);
    return locked;
}

}  // namespace

class JournalTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(JournalTest);
    CPPUNIT_TEST(testRowOnDiskAtOnceAndGoneWhenCommitted);
    CPPUNIT_TEST(testKeptSegmentIsLeftForTheReplay);
    CPPUNIT_TEST(testUnresolvedRowsOutliveTheJournal);
    CPPUNIT_TEST_SUITE_END();

    std::string dir_;

public:
    void setUp() override {
        char tmpl[] = "/tmp/llmapi-journal-XXXXXX";
        CPPUNIT_ASSERT(mkdtemp(tmpl));
        dir_ = tmpl;
    }
    void tearDown() override { fs::remove_all(dir_); }

    void testRowOnDiskAtOnceAndGoneWhenCommitted() {
        Journal j(dir_, "usage-1");
        const uint64_t seg = j.append(row(1));
        j.append(row(2));
        const std::string path = dir_ + "/usage-1-0.jsonl";
        CPPUNIT_ASSERT_MESSAGE(slurp(path), slurp(path).find(row(1).event_id) != std::string::npos);
        CPPUNIT_ASSERT(locked_by_someone(path));  // the replay leaves it alone
        j.resolved(seg, false);
        j.seal();
        CPPUNIT_ASSERT(fs::exists(path));  // one row still waits for its batch
        const uint64_t next = j.append(row(3));
        CPPUNIT_ASSERT(next != seg);  // sealed: a new segment takes the next rows
        j.resolved(seg, false);
        CPPUNIT_ASSERT(!fs::exists(path));  // every row in the database: gone
        CPPUNIT_ASSERT(fs::exists(dir_ + "/usage-1-1.jsonl"));
    }

    void testKeptSegmentIsLeftForTheReplay() {
        Journal j(dir_, "usage-2");
        const uint64_t seg = j.append(row(4));
        j.append(row(5));
        j.resolved(seg, false);
        j.resolved(seg, true);  // the database was down for this one
        j.seal();
        const std::string path = dir_ + "/usage-2-0.jsonl";
        CPPUNIT_ASSERT(fs::exists(path));
        CPPUNIT_ASSERT(!locked_by_someone(path));
        // The replay finds it like any spool file and takes both rows (the
        // database ignores the one it has: event_id).
        Spool spool(dir_, "usage-3.jsonl");
        int seen = 0;
        CPPUNIT_ASSERT_EQUAL(2, spool.replay([&](const std::vector<UsageEvent>& rows) {
            seen += static_cast<int>(rows.size());
        }));
        CPPUNIT_ASSERT_EQUAL(2, seen);
        CPPUNIT_ASSERT(!fs::exists(path));
    }

    // A process that ends (or dies) with rows not yet in the database leaves
    // them on disk, unlocked.
    void testUnresolvedRowsOutliveTheJournal() {
        const std::string path = dir_ + "/usage-4-0.jsonl";
        {
            Journal j(dir_, "usage-4");
            j.append(row(6));
        }
        CPPUNIT_ASSERT(slurp(path).find(row(6).event_id) != std::string::npos);
        CPPUNIT_ASSERT(!locked_by_someone(path));
        CPPUNIT_ASSERT_EQUAL(0, Journal(dir_, "usage-5").append(row(7)) == Journal::kNotJournaled ? 1 : 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JournalTest);
