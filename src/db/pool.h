// A small per-process pool of MariaDB connections (Connector/C++ 1.1).
// A thread borrows a connection only for its queries and gives it back before
// any slow work (an upstream call), so the pool is sized apart from the
// thread count. Connections are opened lazily and replaced when lost.
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "config/config.h"

namespace sql::mysql {
class MySQL_Driver;
}

namespace llmapi::db {

// The database can't be reached (connect failed, connection lost twice,
// or no connection free within borrow_timeout_ms). Mapped to 503.
class DbUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One connection and the statements prepared on it (prepared once, reused).
class Connection {
public:
    explicit Connection(std::unique_ptr<sql::Connection> c) : conn_(std::move(c)) {}
    // A prepared statement for `query`; `query` must be a string literal (keyed by address).
    sql::PreparedStatement& prepare(const char* query);
    sql::Connection& raw() { return *conn_; }

private:
    std::unique_ptr<sql::Connection> conn_;
    std::unordered_map<const char*, std::unique_ptr<sql::PreparedStatement>> statements_;
};

using ResultPtr = std::unique_ptr<sql::ResultSet>;

class Pool {
public:
    Pool(const config::DatabaseConfig& cfg, sql::mysql::MySQL_Driver* driver);
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // Runs f(Connection&) with a borrowed connection. A connection-level
    // failure discards the connection and retries once on a fresh one
    // (queries passed here must be safe to repeat); other SQL errors propagate.
    template <class F>
    auto run(F&& f) -> decltype(f(std::declval<Connection&>())) {
        return run_retrying(f, [](const sql::SQLException&) { return true; });
    }

    // The same for work that must not run twice (a counter's UPDATE): it is
    // retried only when the failure shows the statement never reached the
    // server (a stale pooled connection); a connection lost during the
    // query, when it may have run, is DbUnavailable at once.
    template <class F>
    auto run_once(F&& f) -> decltype(f(std::declval<Connection&>())) {
        return run_retrying(f, never_sent);
    }

    // True when a trivial query succeeds (db/health.cpp's thread, for
    // /healthz), on a connection kept apart from the pool's.
    bool ping();

    // Connector/C++ wants these around the life of every thread that queries.
    void thread_init();
    void thread_end();

    static bool is_connection_error(const sql::SQLException& e);
    // A connection error raised before the statement reached the server.
    static bool never_sent(const sql::SQLException& e);

private:
    // f on a borrowed connection; after a connection error, once more on a
    // fresh one if may_retry(error) says so, else DbUnavailable.
    template <class F, class Pred>
    auto run_retrying(F& f, Pred may_retry) -> decltype(f(std::declval<Connection&>())) {
        for (int attempt = 0;; ++attempt) {
            Lease lease(*this);
            try {
                return f(lease.get());
            } catch (const sql::SQLException& e) {
                if (!is_connection_error(e)) throw;
                lease.discard();
                if (attempt >= 1 || !may_retry(e)) throw DbUnavailable("database connection lost");
            }
        }
    }

    class Lease {
    public:
        explicit Lease(Pool& p);
        ~Lease();
        Connection& get() { return *conn_; }
        void discard() { conn_.reset(); }

    private:
        Pool& pool_;
        std::unique_ptr<Connection> conn_;
    };

    std::unique_ptr<Connection> acquire();
    void release(std::unique_ptr<Connection> c);
    std::unique_ptr<Connection> open();

    const config::DatabaseConfig cfg_;
    sql::mysql::MySQL_Driver* driver_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Connection>> idle_;
    int open_or_lent_ = 0;  // connections that exist or are being opened
    std::mutex ping_mu_;
    std::unique_ptr<Connection> ping_conn_;  // ping()'s own, outside the pool
};

}  // namespace llmapi::db
