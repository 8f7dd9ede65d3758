// Writes usage rows off the request path: record() queues the row and a
// writer thread inserts it, so accounting delays neither this response nor
// the next request on the same (kept-alive) connection. The writer lets rows
// gather for up to flush_ms and writes them in one transaction (one commit
// per batch instead of two autocommit statements per row: at one request at
// a time that was MariaDB's biggest cost); a row is in the database at most
// ~flush_ms after its response. Before it is queued, a row is appended to
// the journal (usage/journal.h) under [server] spool_dir, so a worker that
// dies loses no row; a row the database cannot take stays there, and every
// 2 s the same thread replays the files left for it (its own, and those of
// workers that died or stopped) when the database answers. Replays are
// exactly-once: event_id is unique. On shutdown the queue is written.
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/pool.h"
#include "usage/event.h"
#include "usage/journal.h"
#include "usage/spool.h"

namespace llmapi::usage {

class UsageRecorder {
public:
    UsageRecorder(db::Pool& pool, std::string spool_dir, long flush_ms);
    ~UsageRecorder();
    UsageRecorder(const UsageRecorder&) = delete;
    UsageRecorder& operator=(const UsageRecorder&) = delete;

    // Journals the row (a write(2), no fsync), then queues it for its batch.
    void record(UsageEvent e);
    // Journals the row, then commits it (and its tokens) in the calling
    // thread, for requests under a token quota: the next request must see
    // these tokens (API.md section 7). On a database error it is queued as
    // record() would; false then.
    bool record_now(UsageEvent e);
    // Writes (or spools) what is queued and stops the writer; record() then
    // spools directly. The destructor does it too; a worker that must exit
    // before its requests finish calls it first, so finished rows are kept.
    void shutdown();
    // Replays every spool file it can lock now; returns the number of rows inserted.
    int replay_now();

private:
    void enqueue(UsageEvent e, uint64_t segment);
    enum class DbResult { Written, Down, Refused };
    // Runs an insert; a lost database is Down (and skipped for a while), an
    // SQL error on the rows themselves is Refused.
    DbResult attempt(const std::function<void()>& insert);
    struct Queued {
        UsageEvent event;
        uint64_t segment;  // its journal segment
    };
    void write(const std::vector<Queued>& batch);
    bool db_maybe_up() const;
    void run();

    db::Pool& pool_;
    Journal journal_;  // appended by request threads, resolved by the writer
    Spool spool_;      // the files left for the replay, replayed by the writer
    const std::chrono::milliseconds flush_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::once_flag joined_;
    std::deque<Queued> queue_;
    // After a failed write, rows go straight to the spool for a while rather
    // than each waiting out a connect timeout (writer thread only).
    std::chrono::steady_clock::time_point db_down_until_{};
    std::thread writer_;
};

}  // namespace llmapi::usage
