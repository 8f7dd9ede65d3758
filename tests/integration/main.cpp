// CppUnit runner of the HTTP integration tests.
//   LLMAPI_TEST_URL=http://127.0.0.1:18000 LLMAPI_TEST_SECRET=... LLMAPI_TEST_CTL=... ./it [TestName]
// Prints one line per test and each failure, a "SKIP <test>: <why>" line for a
// test that cannot run here (SKIP_TEST, skip.h), then "K skipped: <tests>" and,
// last, "N passed, M failed" (skipped tests are in neither); exits 0 only if M == 0.
#include <cppunit/Exception.h>
#include <cppunit/Test.h>
#include <cppunit/TestFailure.h>
#include <cppunit/TestListener.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <curl/curl.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "openapi_check.h"
#include "skip.h"

namespace {

class Reporter : public CppUnit::TestListener {
public:
    int passed = 0;
    int failed = 0;
    std::vector<std::string> skipped;

    void startTest(CppUnit::Test* test) override {
        testFailed_ = false;
        skip_ = false;
        skipReason_.clear();
        start_ = std::chrono::steady_clock::now();
        std::cout << test->getName() << " ... " << std::flush;
    }

    void addFailure(const CppUnit::TestFailure& failure) override {
        if (const auto* skip = dynamic_cast<const it::TestSkipped*>(failure.thrownException())) {
            skip_ = true;
            skipReason_ = skip->reason();
            return;
        }
        if (!testFailed_) std::cout << "FAIL\n";
        testFailed_ = true;
        const CppUnit::Exception* e = failure.thrownException();
        const CppUnit::SourceLine& at = failure.sourceLine();
        std::cout << "  " << (failure.isError() ? "error" : "failure");
        if (at.isValid()) std::cout << " at " << at.fileName() << ":" << at.lineNumber();
        std::cout << "\n    " << e->message().shortDescription() << "\n";
        std::string details = e->message().details();
        for (size_t at = 0; (at = details.find('\n', at)) != std::string::npos && at + 1 < details.size(); at += 5)
            details.insert(at + 1, "    ");
        if (!details.empty()) std::cout << "    " << details;
    }

    void endTest(CppUnit::Test* test) override {
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        if (testFailed_) {  // a failure after SKIP_TEST (e.g. in tearDown) still fails
            ++failed;
        } else if (skip_) {
            skipped.push_back(test->getName());
            std::cout << "skipped\nSKIP " << test->getName() << ": " << skipReason_ << "\n";
        } else {
            ++passed;
            std::cout << "ok (" << s << " s)\n";
        }
    }

private:
    bool testFailed_ = false;
    bool skip_ = false;
    std::string skipReason_;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace

int main(int argc, char** argv) {
    if (!std::getenv("LLMAPI_TEST_URL")) {
        std::cerr << "LLMAPI_TEST_URL is not set (e.g. http://127.0.0.1:18000)\n";
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);

    CppUnit::TestResult result;
    Reporter reporter;
    result.addListener(&reporter);
    CppUnit::TestRunner runner;
    runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
    try {
        runner.run(result, argc > 1 ? argv[1] : "");
    } catch (const std::invalid_argument&) {
        std::cerr << "no test named " << (argc > 1 ? argv[1] : "") << "\n";
        return 2;
    }

    // The document and the service, both ways (openapi_check.h): what the
    // suite sent that the document lacks, and, on a whole run, an operation
    // it documents that never answered (a failure: nothing checked it).
    const it::openapi::Coverage docs = it::openapi::coverage();
    std::cout << "docs/openapi.yaml: " << docs.checked << " responses checked";
    if (!docs.undocumented.empty()) {
        std::cout << "; sent to paths or methods it does not describe:";
        for (const auto& u : docs.undocumented) std::cout << " [" << u << "]";
    }
    std::cout << "\n";
    if (argc <= 1 && !docs.neverAnswered.empty()) {
        for (const auto& n : docs.neverAnswered) std::cout << "FAIL docs/openapi.yaml: " << n << " documented, never answered in this run\n";
        ++reporter.failed;
    }

    // scripts/test.sh reads the last line: it stays exactly "N passed, M failed".
    std::cout << reporter.skipped.size() << " skipped";
    for (size_t i = 0; i < reporter.skipped.size(); ++i) std::cout << (i ? ", " : ": ") << reporter.skipped[i];
    std::cout << "\n" << reporter.passed << " passed, " << reporter.failed << " failed\n";
    curl_global_cleanup();
    return reporter.failed == 0 ? 0 : 1;
}
