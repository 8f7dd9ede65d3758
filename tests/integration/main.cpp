// CppUnit runner of the HTTP integration tests.
//   LLMAPI_TEST_URL=http://127.0.0.1:18000 LLMAPI_TEST_SECRET=... LLMAPI_TEST_CTL=... ./it [TestName]
// Prints one line per test and each failure, then "N passed, M failed"; exits 0 only if M == 0.
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

namespace {

class Reporter : public CppUnit::TestListener {
public:
    int passed = 0;
    int failed = 0;

    void startTest(CppUnit::Test* test) override {
        testFailed_ = false;
        start_ = std::chrono::steady_clock::now();
        std::cout << test->getName() << " ... " << std::flush;
    }

    void addFailure(const CppUnit::TestFailure& failure) override {
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

    void endTest(CppUnit::Test*) override {
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        if (testFailed_) {
            ++failed;
        } else {
            ++passed;
            std::cout << "ok (" << s << " s)\n";
        }
    }

private:
    bool testFailed_ = false;
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

    std::cout << reporter.passed << " passed, " << reporter.failed << " failed\n";
    curl_global_cleanup();
    return reporter.failed == 0 ? 0 : 1;
}
