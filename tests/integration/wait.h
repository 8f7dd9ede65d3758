// Waiting for the stack: polls with a deadline instead of fixed sleeps.
#pragma once

#include <functional>

namespace it {

// Polls `ok` every 100 ms until it holds or `seconds` pass; an exception counts
// as "not yet". Returns whether it held.
bool pollUntil(double seconds, const std::function<bool()>& ok);

}  // namespace it
