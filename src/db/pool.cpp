#include "db/pool.h"

#include <mysql_driver.h>

#include <chrono>

#include <cppconn/statement.h>

namespace llmapi::db {

sql::PreparedStatement& Connection::prepare(const char* query) {
    auto it = statements_.find(query);
    if (it != statements_.end()) return *it->second;
    std::unique_ptr<sql::PreparedStatement> ps(conn_->prepareStatement(query));
    return *statements_.emplace(query, std::move(ps)).first->second;
}

Pool::Pool(const config::DatabaseConfig& cfg, sql::mysql::MySQL_Driver* driver) : cfg_(cfg), driver_(driver) {}

bool Pool::never_sent(const sql::SQLException& e) {
    switch (e.getErrorCode()) {
        case 2002:  // can't connect (socket)
        case 2003:  // can't connect (TCP)
        case 2006:  // server has gone away: the client failed to send
        case 4031:  // disconnected by the server while idle
            return true;
        default: return false;  // 2013, 2055, 1053, 1927: the query may have run
    }
}

bool Pool::is_connection_error(const sql::SQLException& e) {
    switch (e.getErrorCode()) {
        case 1053:  // server shutdown in progress
        case 1927:  // connection was killed
        case 2002:  // can't connect (socket)
        case 2003:  // can't connect (TCP)
        case 2006:  // server has gone away
        case 2013:  // lost connection during query
        case 2055:  // lost connection (system error)
        case 4031:  // disconnected by the server (idle timeout)
            return true;
        default: return false;
    }
}

std::unique_ptr<Connection> Pool::open() {
    sql::ConnectOptionsMap opts;
    opts["hostName"] = sql::SQLString(cfg_.socket.empty() ? "tcp://" + cfg_.host + ":" + std::to_string(cfg_.port)
                                                          : "unix://" + cfg_.socket);
    opts["userName"] = sql::SQLString(cfg_.user);
    opts["password"] = sql::SQLString(cfg_.password);
    opts["schema"] = sql::SQLString(cfg_.name);
    opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    opts["OPT_CONNECT_TIMEOUT"] = cfg_.connect_timeout_s;
    // Bound reads/writes too, so a hung server can't hold a thread forever.
    opts["OPT_READ_TIMEOUT"] = 30;
    opts["OPT_WRITE_TIMEOUT"] = 30;
    opts["OPT_RECONNECT"] = false;
    try {
        std::unique_ptr<sql::Connection> c(driver_->connect(opts));
        std::unique_ptr<sql::Statement> st(c->createStatement());
        st->execute("SET time_zone = '+00:00'");
        return std::make_unique<Connection>(std::move(c));
    } catch (const sql::SQLException&) {
        // The message may name the user and host; callers only need to know it failed.
        throw DbUnavailable("cannot connect to the database");
    }
}

std::unique_ptr<Connection> Pool::acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(cfg_.borrow_timeout_ms);
    for (;;) {
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return c;
        }
        if (open_or_lent_ < cfg_.pool_size) {
            ++open_or_lent_;
            lock.unlock();
            try {
                return open();
            } catch (...) {
                lock.lock();
                --open_or_lent_;
                cv_.notify_one();
                throw;
            }
        }
        if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_or_lent_ >= cfg_.pool_size)
            throw DbUnavailable("no database connection free");
    }
}

void Pool::release(std::unique_ptr<Connection> c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (c) idle_.push_back(std::move(c));
    else --open_or_lent_;
    cv_.notify_one();
}

Pool::Lease::Lease(Pool& p) : pool_(p), conn_(p.acquire()) {}
Pool::Lease::~Lease() { pool_.release(std::move(conn_)); }

void Pool::thread_init() { driver_->threadInit(); }
void Pool::thread_end() { driver_->threadEnd(); }

// On a connection of its own: /healthz asks whether the database answers,
// not whether one of the chats' connections is free. Borrowed from the pool,
// a host whose chats held every connection past borrow_timeout_ms looked
// down to its load balancer, and the probe queued behind the chat threads'
// borrows. Only the health thread (db/health.cpp) calls this. A COM_PING
// (isValid), as mysqladmin ping: the server's answer without a statement,
// so four pings a second per worker add nothing to the statement counts
// the tests and an operator's dashboards read.
bool Pool::ping() {
    std::lock_guard<std::mutex> lock(ping_mu_);
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            if (!ping_conn_) ping_conn_ = open();
            if (ping_conn_->raw().isValid()) return true;
            ping_conn_.reset();  // lost: once more on a fresh one
        } catch (const sql::SQLException& e) {
            ping_conn_.reset();  // a stale connection: once more on a fresh one
            if (!is_connection_error(e)) return false;
        } catch (const std::exception&) {  // DbUnavailable: cannot connect
            ping_conn_.reset();
            return false;
        }
    }
    return false;
}

}  // namespace llmapi::db
