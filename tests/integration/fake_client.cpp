#include "fake_client.h"

#include <stdexcept>
#include <utility>
#include <vector>

#include "json_path.h"
#include "stack.h"
#include "wait.h"

namespace it::fake {
namespace {

std::string url(const std::string& path) { return stackEnv("LLMAPI_TEST_FAKE_URL") + path; }

Response control(const std::string& method, const std::string& path, const std::string& body = "") {
    Response r = requestUrl(method, url(path), body,
                            body.empty() ? std::vector<std::string>{}
                                         : std::vector<std::string>{"Content-Type: application/json"});
    if (r.status != 200)
        throw std::runtime_error("fake " + method + " " + path + ": status " + std::to_string(r.status) + ": " +
                                 r.body);
    return r;
}

JsonPtr controlJson(const std::string& path) {
    Response r = control("GET", path);
    JsonPtr j = r.json();
    if (!j) throw std::runtime_error("fake GET " + path + ": not JSON: " + r.body);
    return j;
}

}  // namespace

void reset() {
    control("DELETE", "/_control/script");
    control("DELETE", "/_control/requests");
}

void script(const std::string& behaviours) {
    JsonPtr parsed = parseJson(behaviours);
    if (!parsed) throw std::logic_error("bad behaviour JSON in the test: " + behaviours);
    size_t expected = json_is_array(parsed.get()) ? json_array_size(parsed.get()) : 1;
    JsonPtr answer = control("POST", "/_control/script", behaviours).json();
    if (jint(answer.get(), "queued") != static_cast<json_int_t>(expected))
        throw std::runtime_error("the fake did not queue " + behaviours + ": " + dumpJson(answer.get()));
}

JsonPtr requests() { return controlJson("/_control/requests"); }
JsonPtr stats() { return controlJson("/_control/stats"); }
size_t queued() { return json_array_size(controlJson("/_control/script").get()); }
long inFlight() { return static_cast<long>(jint(stats().get(), "in_flight")); }

std::string repeated(int n, const std::string& behaviour) {
    std::string out = "[";
    for (int i = 0; i < n; ++i) out += (i ? "," : "") + behaviour;
    return out + "]";
}

JsonPtr waitForRequests(const std::function<bool(const json_t*)>& done, double seconds) {
    JsonPtr list;
    pollUntil(seconds, [&] {
        list = requests();
        return done(list.get());
    });
    return list ? std::move(list) : requests();  // never answered: ask once more, so its error is thrown
}

}  // namespace it::fake
