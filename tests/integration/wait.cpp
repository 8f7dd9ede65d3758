#include "wait.h"

#include <chrono>
#include <exception>
#include <thread>

namespace it {

bool pollUntil(double seconds, const std::function<bool()>& ok) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (;;) {
        try {
            if (ok()) return true;
        } catch (const std::exception&) {
        }
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace it
