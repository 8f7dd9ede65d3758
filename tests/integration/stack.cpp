#include "stack.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cppunit/TestAssert.h>

#include <stdexcept>

#include "http_client.h"
#include "json_path.h"
#include "text.h"
#include "wait.h"

namespace it {

std::string stackEnv(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set");
    return v;
}

SecondGateway::SecondGateway(const std::vector<std::string>& settings) {
    std::string args = "second-start";
    for (const std::string& kv : settings) args += " " + shellQuote(kv);
    const auto out = lines(ctl(args));
    if (out.empty() || out.back().rfind("http://", 0) != 0) throw std::runtime_error("second-start printed no URL");
    url_ = out.back();
}

SecondGateway::~SecondGateway() {
    try {
        ctl("second-stop");
    } catch (const std::exception&) {
    }
}

std::string ctl(const std::string& args) {
    // Output goes to a file, not a pipe: a daemon the script starts could hold
    // a pipe open forever. `timeout` bounds a stuck script.
    char path[] = "/tmp/llmapi-it-ctl-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    close(fd);
    std::string cmd = "timeout 300 " + shellQuote(stackEnv("LLMAPI_TEST_CTL")) + " " + args + " </dev/null >" +
                      shellQuote(path);
    int status = std::system(cmd.c_str());
    std::string out = readTextFile(path);
    unlink(path);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("control script failed (status " + std::to_string(status) + "): " + cmd + "\n" + out);
    return out;
}

std::string sql(const std::string& statement) { return ctl("sql " + shellQuote(statement)); }

std::string sqlQuote(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

std::set<std::string> workerPids() {
    auto pids = lines(ctl("worker-pids"));
    return {pids.begin(), pids.end()};
}

long statementsExecuted() {
    return std::stol(lines(sql("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                               "WHERE VARIABLE_NAME='COM_STMT_EXECUTE'"))[0]);
}

std::string sourceRoot() {
    std::string dir = stackEnv("LLMAPI_TEST_CTL");  // <root>/tests/integration/stack.sh
    for (int i = 0; i < 3; ++i) {
        const size_t slash = dir.find_last_of('/');
        dir = slash == std::string::npos ? "." : dir.substr(0, slash);
    }
    return dir.empty() ? "." : dir;
}

std::string stackVar() {
    if (const char* v = std::getenv("LLMAPI_TEST_VAR"); v && *v) return v;
    return sourceRoot() + "/var/test";
}

void configSet(const std::string& section, const std::string& key, const std::string& value) {
    ctl("config-set " + shellQuote(section) + " " + shellQuote(key) + " " + shellQuote(value));
}

std::set<std::string> reloadWorkers(bool oldGone) {
    const std::set<std::string> before = workerPids();
    ctl("reload");
    std::set<std::string> fresh, all;
    const bool rolled = pollUntil(20, [&] {
        all = workerPids();
        fresh.clear();
        for (const auto& p : all)
            if (!before.count(p)) fresh.insert(p);
        return fresh.size() >= before.size() && (!oldGone || all.size() == fresh.size());
    });
    if (!rolled) {
        std::string now;
        for (const auto& p : all) now += p + " ";
        throw std::runtime_error("the workers did not roll within 20 s after SIGHUP; now: " + now);
    }
    return fresh;
}

bool waitHealthy(double seconds) {
    return pollUntil(seconds, [] { return request("GET", "/healthz").status == 200; });
}

DatabaseOutage::DatabaseOutage() { ctl("db-stop"); }

DatabaseOutage::~DatabaseOutage() {
    try {
        end();
    } catch (const std::exception&) {
    }
}

void DatabaseOutage::end() {
    if (ended_) return;
    ended_ = true;
    ctl("db-start");
    if (!waitHealthy()) throw std::runtime_error("/healthz is not 200 within 15 s after db-start");
}

ScopedConfig::ScopedConfig(std::string section, std::string key, const std::string& value, std::string restoreTo,
                           bool oldGone)
    : section_(std::move(section)), key_(std::move(key)), restoreTo_(std::move(restoreTo)) {
    configSet(section_, key_, value);
    try {
        reloadWorkers(oldGone);
    } catch (...) {
        configSet(section_, key_, restoreTo_);
        throw;
    }
}

ScopedConfig::~ScopedConfig() {
    try {
        configSet(section_, key_, restoreTo_);
        reloadWorkers(true);
    } catch (const std::exception&) {
    }
}

std::string accessLogPath() { return stackVar() + "/log/access.log"; }

JsonPtr accessLogLine(const std::string& requestId) {
    JsonPtr found;
    pollUntil(5, [&] {
        for (auto& line : jsonLines(readTextFile(accessLogPath())))
            if (jstr(line.get(), "request_id") == requestId) found = std::move(line);
        return found != nullptr;
    });
    if (!found) CPPUNIT_FAIL("no line with request_id " + requestId + " in " + accessLogPath());
    return found;
}

}  // namespace it
