// The shared metrics: counted across processes, and a slot left half-claimed
// by a process that died is taken back instead of blocking the others.
#include <cppunit/extensions/HelperMacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "metrics/metrics.h"

using llmapi::metrics::Metrics;

class MetricsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MetricsTest);
    CPPUNIT_TEST(testCountsAcrossProcesses);
    CPPUNIT_TEST(testSlotOfDeadClaimerIsReclaimed);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCountsAcrossProcesses() {
        llmapi::metrics::Shared* s = llmapi::metrics::create_shared();
        const pid_t child = fork();
        if (child == 0) {
            Metrics(s, 1).request("/v1/chat/completions", 200, "openai");
            _exit(0);
        }
        waitpid(child, nullptr, 0);
        Metrics(s, 0).request("/v1/chat/completions", 200, "openai");
        const std::string out = Metrics(s).render();
        CPPUNIT_ASSERT_MESSAGE(out, out.find("llm_api_requests_total{route=\"/v1/chat/completions\",status=\"200\","
                                             "provider=\"openai\"} 2\n") != std::string::npos);
    }

    // Every slot looks claimed by a process that no longer exists (killed
    // between claiming and writing its key): counting still works.
    void testSlotOfDeadClaimerIsReclaimed() {
        llmapi::metrics::Shared* s = llmapi::metrics::create_shared();
        const pid_t child = fork();
        if (child == 0) _exit(0);
        waitpid(child, nullptr, 0);  // its pid is now dead
        for (auto& c : s->requests) c.state.store(static_cast<uint32_t>(child));
        Metrics(s).request("/healthz", 200, "");
        const std::string out = Metrics(s).render();
        CPPUNIT_ASSERT_MESSAGE(out, out.find("llm_api_requests_total{route=\"/healthz\",status=\"200\",provider=\"\"} 1\n") !=
                                        std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsTest);
