// Waiting for the stack: polls with a deadline instead of fixed sleeps.
#pragma once

#include <cppunit/SourceLine.h>

#include <functional>
#include <string>

namespace it {

// Polls `ok` every 100 ms until it holds or `seconds` pass; an exception counts
// as "not yet". Returns whether it held.
bool pollUntil(double seconds, const std::function<bool()>& ok);

// pollUntil, failing the test when the deadline passes: "timed out after
// N s waiting for <what>", with the last exception `ok` threw, if any.
void waitFor(const std::function<bool()>& ok, double seconds, const std::string& what,
             const CppUnit::SourceLine& at);
#define WAIT_FOR(ok, seconds, what) ::it::waitFor((ok), (seconds), (what), CPPUNIT_SOURCELINE())

// The limiter counts fixed windows starting at :00. Requests that must share
// one window call this first: with `seconds` or fewer left of the current
// minute, it sleeps into the next one (a wait for the clock, not an event).
void awaitRoomInThisMinute(int seconds);

// A flood: `n` threads, each calling `each` once, all released at the same
// instant; returns when all have returned. `each` must not throw.
void allAtOnce(int n, const std::function<void()>& each);

}  // namespace it
