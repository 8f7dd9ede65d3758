#include "providers/model_cache.h"

#include <optional>

namespace llmapi::providers {

std::vector<std::string> ModelCache::get(Provider& p, upstream::HttpClient& http, UpstreamError& err) {
    std::optional<std::promise<Answer>> promise;  // made only by the thread that fetches
    {
        std::unique_lock<std::mutex> lock(mu_);
        auto it = entries_.find(p.name());
        if (it != entries_.end() && it->second.expires > std::chrono::steady_clock::now()) return it->second.models;
        auto flight = in_flight_.find(p.name());
        if (flight != in_flight_.end()) {
            std::shared_future<Answer> answer = flight->second;
            lock.unlock();
            const Answer& a = answer.get();  // bounded by the provider's own timeouts
            err = a.second;
            return a.first;
        }
        in_flight_.emplace(p.name(), promise.emplace().get_future().share());
    }
    Answer a;
    try {
        a.first = p.list_models(http, a.second);
    } catch (...) {
        a.second = bad_response("the model list could not be read");
    }
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (!a.second && ttl_.count() > 0) entries_[p.name()] = Entry{std::chrono::steady_clock::now() + ttl_, a.first};
        in_flight_.erase(p.name());
    }
    promise->set_value(a);
    err = a.second;
    return a.first;
}

}  // namespace llmapi::providers
