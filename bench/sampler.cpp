// The capacity benchmark's observers, in one small process instead of shell
// loops: on this 2-vCPU machine the loops' forks (curl, ls, wc, awk, pgrep
// and bash's own copies, ~10 a sample) took ~45 % of the CPU during a
// 4,000-stream opening (perf, 2026-12-02), i.e. they were most of the load
// they measured. Built by bench/capacity.sh:
//   g++ -O2 -std=c++17 -pthread bench/sampler.cpp $(pkg-config --cflags --libs libcurl) -o .../sampler
//
//   sampler http OUT STOP URL [TIMEOUT_S]
//     Every 250 ms a GET of URL on a thread of its own (so a slow answer does
//     not delay the next sample), until the file STOP exists; each appends
//     "status seconds curl_exit start_us connect_s first_byte_s" to OUT
//     (status 000 when there was no response), the format of capacity.sh's
//     probe().
//   sampler proc OUT STOP POOL_PIDFILE NGINX_PIDFILE
//     Every 500 ms, until STOP exists: the pool's (master + children) summed
//     VmRSS, threads and descriptors and nginx's summed VmRSS; OUT holds the
//     peaks, rewritten each time: "pool_rss_kib pool_threads pool_fds
//     nginx_rss_kib samples".
#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

long long now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

// One probe; the line is written with one write() on an O_APPEND descriptor.
void probe(int fd, const std::string& url, long timeout_s) {
    long long start = now_us();
    CURL* h = curl_easy_init();
    if (!h) return;
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    double total = 0, connect = 0, first = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &total);
    curl_easy_getinfo(h, CURLINFO_CONNECT_TIME, &connect);
    curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME, &first);
    curl_easy_cleanup(h);
    char line[160];
    int n = snprintf(line, sizeof line, "%03ld %.6f %d %lld %.6f %.6f\n", status, total, static_cast<int>(rc),
                     start, connect, first);
    if (write(fd, line, static_cast<size_t>(n)) < 0) perror("sampler: write");
}

int run_http(const std::string& out, const std::string& stop, const std::string& url, long timeout_s) {
    int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) { perror(out.c_str()); return 1; }
    std::vector<std::thread> probes;
    auto next = Clock::now();
    while (!exists(stop)) {
        probes.emplace_back(probe, fd, url, timeout_s);
        next += std::chrono::milliseconds(250);
        std::this_thread::sleep_until(next);
    }
    for (auto& t : probes) t.join();
    close(fd);
    return 0;
}

// The master named by PIDFILE and its children ("" when it is not running).
std::vector<long> family(const std::string& pidfile) {
    std::ifstream f(pidfile);
    long master = 0;
    if (!(f >> master) || master <= 0 || kill(static_cast<pid_t>(master), 0) != 0) return {};
    std::vector<long> pids{master};
    DIR* d = opendir("/proc");
    if (!d) return pids;
    while (dirent* e = readdir(d)) {
        char* end = nullptr;
        long pid = strtol(e->d_name, &end, 10);
        if (pid <= 0 || *end) continue;
        std::ifstream st("/proc/" + std::string(e->d_name) + "/stat");
        std::string text;
        std::getline(st, text);
        size_t close_paren = text.rfind(')');  // comm may hold spaces
        if (close_paren == std::string::npos) continue;
        std::istringstream rest(text.substr(close_paren + 2));
        std::string state;
        long ppid = 0;
        if (rest >> state >> ppid && ppid == master) pids.push_back(pid);
    }
    closedir(d);
    return pids;
}

struct Figures {
    long long rss_kib = 0, threads = 0, fds = 0;
};

Figures figures(const std::vector<long>& pids, bool count_fds) {
    Figures f;
    for (long pid : pids) {
        std::string base = "/proc/" + std::to_string(pid);
        std::ifstream st(base + "/status");
        std::string line;
        while (std::getline(st, line)) {
            if (line.rfind("VmRSS:", 0) == 0) f.rss_kib += atoll(line.c_str() + 6);
            else if (line.rfind("Threads:", 0) == 0) f.threads += atoll(line.c_str() + 8);
        }
        if (!count_fds) continue;
        if (DIR* d = opendir((base + "/fd").c_str())) {
            while (dirent* e = readdir(d))
                if (e->d_name[0] != '.') ++f.fds;
            closedir(d);
        }
    }
    return f;
}

int run_proc(const std::string& out, const std::string& stop, const std::string& pool_pidfile,
             const std::string& nginx_pidfile) {
    long long rss = 0, threads = 0, fds = 0, nginx_rss = 0, samples = 0;
    auto next = Clock::now();
    while (!exists(stop)) {
        Figures pool = figures(family(pool_pidfile), true);
        Figures web = figures(family(nginx_pidfile), false);
        rss = std::max(rss, pool.rss_kib);
        threads = std::max(threads, pool.threads);
        fds = std::max(fds, pool.fds);
        nginx_rss = std::max(nginx_rss, web.rss_kib);
        ++samples;
        std::string tmp = out + ".tmp";
        {
            std::ofstream o(tmp, std::ios::trunc);
            o << rss << ' ' << threads << ' ' << fds << ' ' << nginx_rss << ' ' << samples << '\n';
        }
        if (rename(tmp.c_str(), out.c_str()) != 0) perror(out.c_str());
        next += std::chrono::milliseconds(500);
        std::this_thread::sleep_until(next);
    }
    return 0;
}

int usage() {
    fprintf(stderr,
            "usage: sampler http OUT STOP URL [TIMEOUT_S]\n"
            "       sampler proc OUT STOP POOL_PIDFILE NGINX_PIDFILE\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) return usage();
    std::string mode = argv[1];
    if (mode == "http") {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        long timeout = argc > 5 ? atol(argv[5]) : 5;
        int rc = run_http(argv[2], argv[3], argv[4], timeout > 0 ? timeout : 5);
        curl_global_cleanup();
        return rc;
    }
    if (mode == "proc" && argc == 6) return run_proc(argv[2], argv[3], argv[4], argv[5]);
    return usage();
}
