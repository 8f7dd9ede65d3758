// The control and inspection API under /_control, for tests: the behaviour
// script queue, the recorded requests and the counters (see README.md).
#include "handlers.h"

namespace fake::control {

namespace {

void error(httplib::Response& res, const std::string& message) {
    reply_json(res, 400, json_pack("{s:s}", "error", message.c_str()));
}

}  // namespace

// All or nothing: one bad behaviour and none is queued.
void script_post(Shared& shared, const std::string& text, httplib::Response& res) {
    Json body = parse_json(text);
    if (json_is_object(body.get())) {  // a single behaviour is fine too
        json_t* arr = json_array();
        json_array_append(arr, body.get());
        body.reset(arr);
    }
    if (!json_is_array(body.get())) return error(res, "body must be a JSON array of behaviour objects");
    std::vector<Behaviour> parsed;
    size_t i;
    json_t* item;
    json_array_foreach(body.get(), i, item) {
        Behaviour b;
        std::string err = parse_behaviour(item, b);
        if (!err.empty()) return error(res, "behaviour " + std::to_string(i) + ": " + err);
        parsed.push_back(b);
    }
    auto s = shared.lock();
    s->script.insert(s->script.end(), parsed.begin(), parsed.end());
    reply_json(res, 200, json_pack("{s:i}", "queued", static_cast<int>(s->script.size())));
}

void script_get(Shared& shared, const std::string&, httplib::Response& res) {
    json_t* arr = json_array();
    auto s = shared.lock();
    for (const auto& b : s->script) json_array_append_new(arr, parse_json(b.source).release());
    reply_json(res, 200, arr);
}

void script_delete(Shared& shared, const std::string&, httplib::Response& res) {
    auto s = shared.lock();
    s->script.clear();
    reply_json(res, 200, json_pack("{s:i}", "queued", 0));
}

void requests_get(Shared& shared, const std::string&, httplib::Response& res) {
    json_t* arr = json_array();
    auto s = shared.lock();
    for (const auto& r : s->records) json_array_append_new(arr, record_to_json(*r));
    res.status = 200;
    res.set_content(dump_owned(arr), "application/json");  // dumped under the lock
}

// `seq` keeps counting, so a test can tell old requests from new ones.
void requests_delete(Shared& shared, const std::string&, httplib::Response& res) {
    auto s = shared.lock();
    s->records.clear();
    s->key_in_url_count = 0;
    s->max_in_flight = s->in_flight;
    reply_json(res, 200, json_pack("{s:i}", "recorded", 0));
}

void stats(Shared& shared, const std::string&, httplib::Response& res) {
    auto s = shared.lock();
    reply_json(res, 200,
               json_pack("{s:I, s:I, s:I, s:I, s:I}", "recorded", static_cast<json_int_t>(s->records.size()),
                         "in_flight", static_cast<json_int_t>(s->in_flight), "max_in_flight",
                         static_cast<json_int_t>(s->max_in_flight), "key_in_url",
                         static_cast<json_int_t>(s->key_in_url_count), "script_queued",
                         static_cast<json_int_t>(s->script.size())));
}

void root(const httplib::Request&, httplib::Response& res) { reply_json(res, 200, json_pack("{s:b}", "fake_llm", 1)); }

}  // namespace fake::control
