#include "providers/model_cache.h"

#include <optional>

namespace llmapi::providers {

std::vector<std::string> ModelCache::get(Provider& p, upstream::HttpClient& http, UpstreamError& err, ModelTask task) {
    const std::string key = p.name() + (task == ModelTask::Chat ? "" : "\n embeddings");
    std::optional<std::promise<Answer>> promise;  // made only by the thread that fetches
    {
        std::unique_lock<std::mutex> lock(mu_);
        auto it = entries_.find(key);
        if (it != entries_.end() && it->second.expires > std::chrono::steady_clock::now()) return it->second.models;
        auto flight = in_flight_.find(key);
        if (flight != in_flight_.end()) {
            std::shared_future<Answer> answer = flight->second;
            lock.unlock();
            const Answer& a = answer.get();  // bounded by the provider's own timeouts
            err = a.second;
            return a.first;
        }
        in_flight_.emplace(key, promise.emplace().get_future().share());
    }
    Answer a;
    try {
        a.first = p.list_models(http, a.second, task);
    } catch (...) {
        a.second = bad_response("the model list could not be read");
    }
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (!a.second && ttl_.count() > 0) entries_[key] = Entry{std::chrono::steady_clock::now() + ttl_, a.first};
        in_flight_.erase(key);
    }
    promise->set_value(a);
    err = a.second;
    return a.first;
}

}  // namespace llmapi::providers
