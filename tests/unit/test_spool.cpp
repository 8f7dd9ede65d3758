// The usage spool on a real directory: append, replay in batches, torn
// lines, files left by other workers, a replay that fails midway, and a
// file another process holds locked.
#include "usage/spool.h"

#include <cppunit/extensions/HelperMacros.h>

#include "usage_rows.h"
#include "vector_traits.h"
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

using llmapi::usage::Spool;
using llmapi::usage::UsageEvent;
namespace fs = std::filesystem;

namespace {

UsageEvent event(int n) { return sample_usage_row(n); }

std::vector<std::string> spool_files(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& f : fs::directory_iterator(dir)) out.push_back(f.path().filename().string());
    return out;
}

}  // namespace

class SpoolTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SpoolTest);
    CPPUNIT_TEST(testAppendThenReplayAll);
    CPPUNIT_TEST(testReplayInBatches);
    CPPUNIT_TEST(testTornLineSkipped);
    CPPUNIT_TEST(testOtherWorkersFilesReplayed);
    CPPUNIT_TEST(testFailedInsertKeepsTheFile);
    CPPUNIT_TEST(testLockedFileLeftAlone);
    CPPUNIT_TEST_SUITE_END();

    std::string dir_;

public:
    void setUp() override {
        char tmpl[] = "/tmp/llmapi-spool-XXXXXX";
        CPPUNIT_ASSERT(mkdtemp(tmpl));
        dir_ = tmpl;
    }
    void tearDown() override { fs::remove_all(dir_); }

    void testAppendThenReplayAll() {
        Spool s(dir_, "usage-1.jsonl");
        CPPUNIT_ASSERT(!s.has_files());
        CPPUNIT_ASSERT(s.append({event(1), event(2)}));
        CPPUNIT_ASSERT(s.append({event(3)}));
        CPPUNIT_ASSERT(s.has_files());
        std::vector<UsageEvent> got;
        CPPUNIT_ASSERT_EQUAL(3, s.replay([&](const std::vector<UsageEvent>& rows) { got.insert(got.end(), rows.begin(), rows.end()); }));
        CPPUNIT_ASSERT_EQUAL(size_t(3), got.size());
        // Every column survives the round trip.
        const UsageEvent& e = got[2];
        CPPUNIT_ASSERT_EQUAL(event(3).event_id, e.event_id);
        CPPUNIT_ASSERT_EQUAL(3L, e.prompt_tokens);
        CPPUNIT_ASSERT_EQUAL(6L, e.completion_tokens);
        CPPUNIT_ASSERT(e.streamed);
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-01 10:00:00.000001"), e.started_at);
        CPPUNIT_ASSERT(!s.has_files());  // replayed files are deleted
    }

    void testReplayInBatches() {
        Spool s(dir_, "usage-1.jsonl");
        std::vector<UsageEvent> rows;
        for (int i = 1; i <= 600; ++i) rows.push_back(event(i));
        CPPUNIT_ASSERT(s.append(rows));
        std::vector<size_t> batches;
        CPPUNIT_ASSERT_EQUAL(600, s.replay([&](const std::vector<UsageEvent>& b) { batches.push_back(b.size()); }));
        CPPUNIT_ASSERT_EQUAL(std::vector<size_t>({Spool::kReplayBatch, Spool::kReplayBatch, 600 - 2 * Spool::kReplayBatch}),
                             batches);
    }

    void testTornLineSkipped() {
        Spool s(dir_, "usage-1.jsonl");
        CPPUNIT_ASSERT(s.append({event(1)}));
        {
            std::ofstream f(dir_ + "/usage-1.jsonl", std::ios::app);
            f << "{\"event_id\":\"torn";  // a worker killed mid-write
        }
        int n = 0;
        CPPUNIT_ASSERT_EQUAL(1, s.replay([&](const std::vector<UsageEvent>& b) { n += static_cast<int>(b.size()); }));
        CPPUNIT_ASSERT_EQUAL(1, n);
    }

    void testOtherWorkersFilesReplayed() {
        Spool dead(dir_, "usage-99.jsonl");
        CPPUNIT_ASSERT(dead.append({event(1), event(2)}));
        Spool s(dir_, "usage-1.jsonl");
        CPPUNIT_ASSERT_EQUAL(2, s.replay([](const std::vector<UsageEvent>&) {}));
        CPPUNIT_ASSERT(spool_files(dir_).empty());
    }

    void testFailedInsertKeepsTheFile() {
        Spool s(dir_, "usage-1.jsonl");
        CPPUNIT_ASSERT(s.append({event(1)}));
        CPPUNIT_ASSERT_EQUAL(0, s.replay([](const std::vector<UsageEvent>&) { throw std::runtime_error("db gone"); }));
        CPPUNIT_ASSERT(s.has_files());  // moved aside, kept for later
        // Rows spooled meanwhile go to a fresh own file; the next replay takes both.
        CPPUNIT_ASSERT(s.append({event(2)}));
        CPPUNIT_ASSERT_EQUAL(size_t(2), spool_files(dir_).size());
        CPPUNIT_ASSERT_EQUAL(2, s.replay([](const std::vector<UsageEvent>&) {}));
        CPPUNIT_ASSERT(!s.has_files());
    }

    void testLockedFileLeftAlone() {
        Spool other(dir_, "usage-99.jsonl");
        CPPUNIT_ASSERT(other.append({event(1)}));
        // flock locks belong to the open file description: a second open of
        // the file is refused LOCK_NB as another process would be.
        const int fd = open((dir_ + "/usage-99.jsonl").c_str(), O_RDONLY);
        CPPUNIT_ASSERT(fd >= 0 && flock(fd, LOCK_EX) == 0);
        Spool s(dir_, "usage-1.jsonl");
        CPPUNIT_ASSERT_EQUAL(0, s.replay([](const std::vector<UsageEvent>&) {}));
        CPPUNIT_ASSERT(s.has_files());
        close(fd);
        CPPUNIT_ASSERT_EQUAL(1, s.replay([](const std::vector<UsageEvent>&) {}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SpoolTest);
