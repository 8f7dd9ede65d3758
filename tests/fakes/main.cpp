// fake_llm: a fake LLM provider for the gateway's integration tests. One
// process, one port, two wire protocols: OpenAI-compatible Chat Completions
// and Embeddings under /v1 (openai.cpp) and the Google Gemini native API
// (generateContent, embedContent) under /v1beta (gemini.cpp); plus a
// control/inspection API under /_control for tests (control.cpp). See README.md.
//
// Run:
//   fake_llm --port N [--host 127.0.0.1] [--openai-key K] [--gemini-key K]
//            [--threads 1100] [--verbose]
//   (--port 0 picks a free port; the banner line tells which.)
#include "handlers.h"

#include <signal.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <functional>

namespace fake {
namespace {

// httplib 0.11 listens with a backlog of 5 (compiled into the library);
// listen() on an already listening socket just updates the backlog on Linux.
class FakeServer : public httplib::Server {
public:
    void raise_backlog(int n) { ::listen(svr_sock_, n); }
};

void usage_exit() {
    fprintf(stderr,
            "usage: fake_llm --port N [--host 127.0.0.1] [--openai-key K] [--gemini-key K]\n"
            "                [--threads 1100] [--verbose]\n");
    exit(2);
}

Options parse_args(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) usage_exit();
            return argv[++i];
        };
        if (a == "--port") o.port = atoi(next().c_str());
        else if (a == "--host") o.host = next();
        else if (a == "--openai-key") o.openai_key = next();
        else if (a == "--gemini-key") o.gemini_key = next();
        else if (a == "--threads") o.threads = static_cast<size_t>(atol(next().c_str()));
        else if (a == "--verbose") o.verbose = true;
        else usage_exit();
    }
    if (o.port < 0 || o.port > 65535 || o.threads == 0) usage_exit();
    return o;
}

// The wrapper every API route goes through: count it, take the next
// behaviour, record the request, then apply hang, reset and status before
// the handler sees it.
void run_api(const Options& opt, Shared& shared, Protocol proto, ApiHandler handler, const httplib::Request& req,
             httplib::Response& res, std::string body) {
    Exchange ex(proto, opt, shared);
    ex.body = std::move(body);
    ex.inflight = std::make_shared<InFlight>(shared);
    ex.beh = pop_behaviour(shared);
    ex.rec = record_request(shared, req, ex.body, proto, ex.beh);
    sleep_ms(ex.beh.hang_ms);
    if (ex.beh.reset) {
        set_response_end(shared, *ex.rec, "reset_by_fake");
        return reset_connection(req);
    }
    if (ex.beh.status != 0) return send_scripted_status(res, ex);
    handler(req, res, ex);
}

// A route given the whole request body, however httplib delivered it.
using BodyHandler = std::function<void(const httplib::Request&, httplib::Response&, std::string body)>;

// GET and DELETE: httplib has read the body into req.body.
httplib::Server::Handler with_body(BodyHandler h) {
    return [h](const httplib::Request& req, httplib::Response& res) { h(req, res, req.body); };
}

// POST: through the content reader (see read_body()).
httplib::Server::HandlerWithContentReader with_reader(BodyHandler h) {
    return [h](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        h(req, res, read_body(reader));
    };
}

// Unknown routes get a JSON 404; handler replies with bodies are left alone
// (httplib 0.11 calls the error handler for every status >= 400).
httplib::Server::HandlerResponse not_found(const httplib::Request& req, httplib::Response& res) {
    if (res.status != 404 || !res.body.empty() || res.content_provider_)
        return httplib::Server::HandlerResponse::Unhandled;
    reply_json(res, 404,
               json_pack("{s:{s:i, s:s, s:s}}", "error", "code", 404, "message",
                         ("fake_llm: no route for " + req.method + " " + req.path).c_str(), "status", "NOT_FOUND"));
    return httplib::Server::HandlerResponse::Handled;
}

void add_routes(FakeServer& svr, const Options& opt, Shared& shared) {
    auto api = [&opt, &shared](Protocol proto, ApiHandler handler) -> BodyHandler {
        return [&opt, &shared, proto, handler](const httplib::Request& req, httplib::Response& res,
                                               std::string body) {
            run_api(opt, shared, proto, handler, req, res, std::move(body));
        };
    };
    auto ctl = [&shared](ControlHandler handler) -> BodyHandler {
        return [&shared, handler](const httplib::Request&, httplib::Response& res, std::string body) {
            handler(shared, body, res);
        };
    };

    svr.Get("/", control::root);
    // OpenAI-compatible
    svr.Get("/v1/models", with_body(api(Protocol::OpenAI, openai::models)));
    svr.Post("/v1/chat/completions", with_reader(api(Protocol::OpenAI, openai::chat)));
    svr.Post("/v1/embeddings", with_reader(api(Protocol::OpenAI, openai::embeddings)));
    // Gemini
    svr.Get("/v1beta/models", with_body(api(Protocol::Gemini, gemini::models)));
    svr.Post(R"(/v1beta/models/([^/:]+):generateContent)", with_reader(api(Protocol::Gemini, gemini::generate)));
    svr.Post(R"(/v1beta/models/([^/:]+):streamGenerateContent)", with_reader(api(Protocol::Gemini, gemini::stream)));
    svr.Post(R"(/v1beta/models/([^/:]+):embedContent)", with_reader(api(Protocol::Gemini, gemini::embed)));
    svr.Post(R"(/v1beta/models/([^/:]+):batchEmbedContents)", with_reader(api(Protocol::Gemini, gemini::batch_embed)));
    // Control
    svr.Post("/_control/script", with_reader(ctl(control::script_post)));
    svr.Get("/_control/script", with_body(ctl(control::script_get)));
    svr.Delete("/_control/script", with_body(ctl(control::script_delete)));
    svr.Get("/_control/requests", with_body(ctl(control::requests_get)));
    svr.Delete("/_control/requests", with_body(ctl(control::requests_delete)));
    svr.Get("/_control/stats", with_body(ctl(control::stats)));
    svr.Get("/_control/media-hits", with_body(ctl(control::media_hits)));
    // Media for the gateway's image fetches: not recorded, no behaviour, no key.
    svr.Get(R"(/media/.*)",
            [&shared](const httplib::Request& req, httplib::Response& res) { media::serve(shared, req, res); });
}

int run(const Options& opt) {
    Shared shared;  // outlives the server, whose threads use it
    FakeServer svr;
    // httplib serves each connection on one pool thread for its whole life, so
    // the pool bounds how many slow streams can run at once.
    const size_t threads = opt.threads;
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    svr.set_tcp_nodelay(true);  // small SSE writes go out at once (no Nagle delay)
    // Real providers keep a connection for many requests; httplib would close it after 5.
    svr.set_keep_alive_max_count(100000);
    svr.set_error_handler(httplib::Server::HandlerWithResponse(not_found));
    if (opt.verbose)
        svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
            fprintf(stderr, "fake_llm: %s %s -> %d\n", req.method.c_str(), req.target.c_str(), res.status);
        });
    add_routes(svr, opt, shared);

    int port = opt.port;
    if (port == 0) port = svr.bind_to_any_port(opt.host);
    else if (!svr.bind_to_port(opt.host, port)) port = -1;
    if (port <= 0) {
        fprintf(stderr, "fake_llm: cannot bind %s:%d\n", opt.host.c_str(), opt.port);
        return 1;
    }
    svr.raise_backlog(4096);
    printf("fake_llm listening on %s:%d\n", opt.host.c_str(), port);
    fflush(stdout);
    return svr.listen_after_bind() ? 0 : 1;
}

}  // namespace
}  // namespace fake

int main(int argc, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    const fake::Options opt = fake::parse_args(argc, argv);
    return fake::run(opt);
}
