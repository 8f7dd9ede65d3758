// The test stack's control script ($LLMAPI_TEST_CTL, tests/integration/stack.sh):
// restarts, workers, SQL, configuration changes and database outages.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "http_client.h"

namespace it {

// A variable `stack.sh env` (or the caller) gave the test binary; throws when unset.
std::string stackEnv(const char* name);

// Runs `$LLMAPI_TEST_CTL <args>` and returns its stdout; throws on a non-zero exit.
std::string ctl(const std::string& args);
std::string sql(const std::string& statement);
std::string sqlQuote(const std::string& value);  // 'value', escaped
std::set<std::string> workerPids();
// MariaDB's COM_STMT_EXECUTE: the prepared statements run so far, by the
// workers or llm-api-admin (sql() sends plain queries, which it does not count).
long statementsExecuted();

// The source tree the control script lives in (<root>/tests/integration/stack.sh).
std::string sourceRoot();
// The stack's state directory as stack.sh computes it: $LLMAPI_TEST_VAR, else
// var/test in the tree of $LLMAPI_TEST_CTL (spool/, log/access.log, second/ ...).
std::string stackVar();

// `stack.sh config-set SECTION KEY VALUE` (the stack's own copy of app.ini).
void configSet(const std::string& section, const std::string& key, const std::string& value);
// SIGHUP, then waits (20 s at most, else throws) until a full new set of
// workers runs and, with `oldGone`, every old one has exited. Returns the new pids.
std::set<std::string> reloadWorkers(bool oldGone = true);

// The second gateway (its own nginx and worker pool on port + 1, the same
// MariaDB) for a scope; `settings` are LLMAPI_SERVER_KEY=VALUE of its own.
class SecondGateway {
public:
    explicit SecondGateway(const std::vector<std::string>& settings = {});
    ~SecondGateway();
    SecondGateway(const SecondGateway&) = delete;
    SecondGateway& operator=(const SecondGateway&) = delete;
    const std::string& url() const { return url_; }

private:
    std::string url_;
};

// GET /healthz answers 200 within `seconds`.
bool waitHealthy(double seconds = 15);

// `stack.sh db-stop` now; `end()` (or the destructor, on a failed assertion)
// runs db-start and waits until /healthz answers 200 again.
class DatabaseOutage {
public:
    DatabaseOutage();
    ~DatabaseOutage();
    void end();
    DatabaseOutage(const DatabaseOutage&) = delete;
    DatabaseOutage& operator=(const DatabaseOutage&) = delete;

private:
    bool ended_ = false;
};

// A configuration change for the duration of a scope: config-set + reload,
// then `restoreTo` + reload when it ends (reloadWorkers waits both times).
class ScopedConfig {
public:
    ScopedConfig(std::string section, std::string key, const std::string& value, std::string restoreTo,
                 bool oldGone = true);
    ~ScopedConfig();
    ScopedConfig(const ScopedConfig&) = delete;
    ScopedConfig& operator=(const ScopedConfig&) = delete;

private:
    std::string section_, key_, restoreTo_;
};

// The stack's access log (one JSON line per request), and the line for a
// request id once written (after the response: polls 5 s, fails the test if absent).
std::string accessLogPath();
JsonPtr accessLogLine(const std::string& requestId);

}  // namespace it
