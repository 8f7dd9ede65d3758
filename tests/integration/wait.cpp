#include "wait.h"

#include <cppunit/Asserter.h>

#include <chrono>
#include <exception>
#include <future>
#include <sstream>
#include <thread>
#include <vector>

namespace it {
namespace {

// pollUntil, keeping the message of the last exception `ok` threw.
bool poll(double seconds, const std::function<bool()>& ok, std::string& lastError) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (;;) {
        try {
            if (ok()) return true;
        } catch (const std::exception& e) {
            lastError = e.what();
        }
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace

bool pollUntil(double seconds, const std::function<bool()>& ok) {
    std::string ignored;
    return poll(seconds, ok, ignored);
}

void waitFor(const std::function<bool()>& ok, double seconds, const std::string& what,
             const CppUnit::SourceLine& at) {
    std::string lastError;
    if (poll(seconds, ok, lastError)) return;
    std::ostringstream message;
    message << "timed out after " << seconds << " s waiting for " << what;
    if (lastError.empty()) CppUnit::Asserter::fail(CppUnit::Message(message.str()), at);
    CppUnit::Asserter::fail(CppUnit::Message(message.str(), "last error: " + lastError), at);
}

void awaitRoomInThisMinute(int seconds) {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto left = minutes(1) - duration_cast<milliseconds>(now.time_since_epoch()) % minutes(1);
    if (left <= std::chrono::seconds(seconds)) std::this_thread::sleep_for(left + milliseconds(100));
}

void allAtOnce(int n, const std::function<void()>& each) {
    std::promise<void> go;
    std::shared_future<void> start = go.get_future().share();
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&each, start] {
            start.wait();
            each();
        });
    go.set_value();
    for (auto& t : threads) t.join();
}

}  // namespace it
