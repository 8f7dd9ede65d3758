// A transaction on a pooled connection, for a scope.
#pragma once
#include "db/pool.h"

namespace llmapi::db {

// autocommit off for a scope; rolled back unless commit() was reached, and
// autocommit restored either way, so the pooled connection goes back clean.
class Transaction {
public:
    explicit Transaction(Connection& c) : c_(c) { c_.raw().setAutoCommit(false); }
    ~Transaction() {
        try {
            if (!done_) c_.raw().rollback();
            c_.raw().setAutoCommit(true);
        } catch (const sql::SQLException&) {
            // A lost connection: the server has rolled back; the pool replaces it.
        }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        c_.raw().commit();
        done_ = true;
    }

private:
    Connection& c_;
    bool done_ = false;
};

}  // namespace llmapi::db
