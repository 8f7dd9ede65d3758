// The control API of the fake providers (tests/fakes/control.cpp) at
// LLMAPI_TEST_FAKE_URL: a queue of scripted behaviours and the recorded requests.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "http_client.h"

namespace it::fake {

void reset();                                // clears the behaviour queue and the recorded requests
void script(const std::string& behaviours);  // appends behaviours (a JSON array or one object)
JsonPtr requests();                          // the recorded API requests, oldest first
JsonPtr stats();                             // {"recorded","in_flight","max_in_flight",...}
long inFlight();                             // stats()'s in_flight: requests the fake is answering now
std::string repeated(int n, const std::string& behaviour);  // `behaviour` n times, as a script
size_t queued();                             // behaviours not consumed yet
// Polls requests() until `done(list)` holds or `seconds` pass; returns the last list.
JsonPtr waitForRequests(const std::function<bool(const json_t*)>& done, double seconds);

}  // namespace it::fake
