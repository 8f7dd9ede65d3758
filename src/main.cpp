// llm-api-fcgi: the FastCGI worker-pool daemon behind nginx.
#include <cstdio>
#include <cstring>
#include <string>

#include "config/config.h"
#include "providers/provider.h"
#include "server/master.h"

extern char** environ;

namespace {

void usage() {
    std::fprintf(stderr,
                 "usage: llm-api-fcgi [--config PATH] [--pid-file PATH] [--check]\n"
                 "  --config PATH    configuration file (default /etc/llm-service-api/app.ini)\n"
                 "  --pid-file PATH  write the master's pid there\n"
                 "  --check          validate the configuration and exit\n"
                 "  --show           print the effective server settings as shell assignments\n"
                 "  --providers      print each provider: name, kind, configured or not, base URL\n"
                 "  --version        print the version and exit\n");
}

}  // namespace

int main(int argc, char** argv) {
    std::string config_path = "/etc/llm-service-api/app.ini";
    std::string pid_file;
    bool check_only = false;
    bool show = false;
    bool list_providers = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--config") && i + 1 < argc) config_path = argv[++i];
        else if (!std::strcmp(argv[i], "--pid-file") && i + 1 < argc) pid_file = argv[++i];
        else if (!std::strcmp(argv[i], "--check")) check_only = true;
        else if (!std::strcmp(argv[i], "--show")) show = true;
        else if (!std::strcmp(argv[i], "--providers")) list_providers = true;
        else if (!std::strcmp(argv[i], "--version")) {
            std::printf("llm-api-fcgi %s\n", PACKAGE_VERSION);
            return 0;
        }
        else {
            usage();
            return 2;
        }
    }
    llmapi::config::Config cfg;
    std::string error;
    // Listing settings needs no secret (scripts call these before making one).
    if (!llmapi::config::load_config(config_path, environ, cfg, error, !(show || list_providers)) ||
        !(error = llmapi::providers::check_config(cfg.providers)).empty()) {
        std::fprintf(stderr, "llm-api-fcgi: %s\n", error.c_str());
        return 1;
    }
    if (show) {
        // For scripts/lib.sh, which renders nginx's config from these; no secrets here.
        const auto& s = cfg.server;
        std::printf("port=%d\nworkers=%d\nthreads=%d\nmax_streams=%d\nthread_stack_kb=%d\nmax_body_bytes=%ld\nsocket='%s'\n",
                    s.port, s.workers, s.threads, s.max_streams, s.thread_stack_kb, s.max_body_bytes, s.socket.c_str());
        std::printf("priority_socket='%s'\npriority_threads=%d\n", s.priority_socket.c_str(), s.priority_threads);
        std::printf("login_rate_per_minute=%ld\nlogin_burst=%ld\n", cfg.auth.login_rate_per_minute, cfg.auth.login_burst);
        // Validated above: addresses, CIDRs and paths without quotes.
        std::printf("bind='%s'\ntls_port=%d\ntls_cert='%s'\ntls_key='%s'\nhttp_redirect=%d\ntrusted_proxies='%s'\n",
                    s.bind.c_str(), s.tls_port, s.tls_cert.c_str(), s.tls_key.c_str(), s.http_redirect ? 1 : 0,
                    s.trusted_proxies.c_str());
        return 0;
    }
    if (list_providers) {
        // No keys printed: only whether one is set.
        for (const auto& p : cfg.providers.providers)
            std::printf("%s %s %s %s\n", p.name.c_str(), p.kind.c_str(),
                        (!p.api_key.empty() || p.auth == "none") ? "configured" : "not-configured", p.base_url.c_str());
        return 0;
    }
    if (check_only) {
        std::printf("configuration ok\n");
        return 0;
    }
    return llmapi::server::run_master(config_path, std::move(cfg), pid_file);
}
