// The model-list cache: one upstream call for many threads that miss at once.
#include "providers/model_cache.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "vector_traits.h"

using namespace llmapi;
using providers::UpstreamError;

namespace {

class SlowLister : public providers::Provider {
public:
    explicit SlowLister(bool fail = false) : Provider(make_config()), fail_(fail) {}
    std::atomic<int> calls{0};

    std::vector<std::string> list_models(upstream::HttpClient&, UpstreamError& err, providers::ModelTask) override {
        ++calls;
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // long enough for every thread to miss
        if (fail_) {
            err.kind = UpstreamError::Status;
            err.status = 503;
            return {};
        }
        return {"m1", "m2"};
    }
    UpstreamError chat(upstream::HttpClient&, const providers::ChatCall&, providers::ChatSink&) override { return {}; }
    UpstreamError embeddings(upstream::HttpClient&, const providers::EmbeddingsCall&, providers::Embeddings&) override {
        return {};
    }

private:
    std::string auth_header() const override { return ""; }
    static config::ProviderConfig make_config() {
        config::ProviderConfig c;
        c.name = "slow";
        c.auth = "none";
        return c;
    }
    const bool fail_;
};

// `threads` threads call get() at once; returns what each got.
std::vector<std::vector<std::string>> burst(providers::ModelCache& cache, SlowLister& p, int threads,
                                            std::atomic<int>* errors = nullptr) {
    std::vector<std::vector<std::string>> got(threads);
    std::vector<std::thread> ts;
    for (int i = 0; i < threads; ++i)
        ts.emplace_back([&, i] {
            upstream::HttpClient http;
            UpstreamError err;
            got[i] = cache.get(p, http, err);
            if (err && errors) ++*errors;
        });
    for (auto& t : ts) t.join();
    return got;
}

}  // namespace

class ModelCacheTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ModelCacheTest);
    CPPUNIT_TEST(testSingleFlight);
    CPPUNIT_TEST(testCachedUntilExpiry);
    CPPUNIT_TEST(testFailureSharedNotCached);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSingleFlight() {
        providers::ModelCache cache(0);  // no caching: only the coalescing is left
        SlowLister p;
        const auto got = burst(cache, p, 8);
        CPPUNIT_ASSERT_EQUAL(1, p.calls.load());
        for (const auto& g : got) CPPUNIT_ASSERT_EQUAL(std::vector<std::string>({"m1", "m2"}), g);
        burst(cache, p, 1);  // the flight is over: a later miss fetches again
        CPPUNIT_ASSERT_EQUAL(2, p.calls.load());
    }

    void testCachedUntilExpiry() {
        providers::ModelCache cache(300);
        SlowLister p;
        burst(cache, p, 4);
        burst(cache, p, 4);
        CPPUNIT_ASSERT_EQUAL(1, p.calls.load());
    }

    void testFailureSharedNotCached() {
        providers::ModelCache cache(300);
        SlowLister p(true);
        std::atomic<int> errors{0};
        burst(cache, p, 6, &errors);
        CPPUNIT_ASSERT_EQUAL(1, p.calls.load());
        CPPUNIT_ASSERT_EQUAL(6, errors.load());
        burst(cache, p, 1, &errors);
        CPPUNIT_ASSERT_EQUAL(2, p.calls.load());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ModelCacheTest);
