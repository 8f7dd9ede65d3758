#include "usage/recorder.h"

#include <unistd.h>

#include <chrono>
#include <functional>
#include <vector>

#include "common/log.h"
#include "db/usage.h"

namespace llmapi::usage {

namespace {

constexpr auto kReplayEvery = std::chrono::seconds(2);
// Past this many queued rows (the database is slow or gone), record() spools
// directly instead of growing the queue without bound.
constexpr size_t kMaxQueued = 10000;
// Rows per transaction, at most; a fuller queue is written without waiting.
constexpr size_t kMaxBatch = 256;

}  // namespace

UsageRecorder::UsageRecorder(db::Pool& pool, std::string spool_dir, long flush_ms)
    : pool_(pool),
      journal_(spool_dir, "usage-" + std::to_string(getpid())),
      spool_(spool_dir, "usage-" + std::to_string(getpid()) + ".jsonl"),
      flush_(flush_ms) {
    writer_ = std::thread([this] { run(); });
}

UsageRecorder::~UsageRecorder() { shutdown(); }

void UsageRecorder::shutdown() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    std::call_once(joined_, [this] { writer_.join(); });
}

void UsageRecorder::record(UsageEvent e) {
    const uint64_t segment = journal_.append(e);
    enqueue(std::move(e), segment);
}

bool UsageRecorder::record_now(UsageEvent e) {
    const uint64_t segment = journal_.append(e);
    try {
        db::insert_usage(pool_, e);  // the row and its tokens, committed now
        if (segment != Journal::kNotJournaled) journal_.resolved(segment, false);
        return true;
    } catch (const std::exception& ex) {
        // The database is down or refused the row: the batch (and then the
        // replay) takes it, as any other row.
        log_warn("usage row not committed at once (%s); queued for the batch", ex.what());
    }
    enqueue(std::move(e), segment);
    return false;
}

void UsageRecorder::enqueue(UsageEvent e, uint64_t segment) {
    {
        std::lock_guard<std::mutex> lock(mu_);
        // After shutdown nobody writes the queue: the journal keeps the row
        // for the replay (or, if even that failed, the spool file below).
        if (!stop_ && queue_.size() < kMaxQueued) {
            queue_.push_back(Queued{std::move(e), segment});
            // The writer needs waking only to start a batch, or to cut a full one.
            if (queue_.size() == 1 || queue_.size() == kMaxBatch) cv_.notify_one();
            return;
        }
    }
    if (segment == Journal::kNotJournaled) spool_.append({e});
    else journal_.resolved(segment, true);
}

bool UsageRecorder::db_maybe_up() const { return std::chrono::steady_clock::now() >= db_down_until_; }

UsageRecorder::DbResult UsageRecorder::attempt(const std::function<void()>& insert) {
    if (!db_maybe_up()) return DbResult::Down;
    try {
        insert();
        return DbResult::Written;
    } catch (const db::DbUnavailable&) {
    } catch (const sql::SQLException& ex) {
        if (!db::Pool::is_connection_error(ex)) {
            log_error("usage rows not written (SQL error %d)", ex.getErrorCode());
            return DbResult::Refused;
        }
    }
    // Rows go straight to the spool for a while rather than each waiting out
    // a connect timeout.
    db_down_until_ = std::chrono::steady_clock::now() + kReplayEvery;
    return DbResult::Down;
}

void UsageRecorder::write(const std::vector<Queued>& batch) {
    // Each row is resolved in its journal segment: in the database, or kept
    // there for the replay (a row that was never journaled goes to the spool).
    auto done = [&](const Queued& q, bool written) {
        if (q.segment == Journal::kNotJournaled) {
            if (!written) spool_.append({q.event});
            return;
        }
        journal_.resolved(q.segment, !written);
    };
    std::vector<UsageEvent> rows;
    rows.reserve(batch.size());
    for (const auto& q : batch) rows.push_back(q.event);
    switch (attempt([&] { db::insert_usage_rows(pool_, rows); })) {
        case DbResult::Written:
            for (const auto& q : batch) done(q, true);
            return;
        case DbResult::Down:
            for (const auto& q : batch) done(q, false);
            return;
        case DbResult::Refused: break;
    }
    // A row the database refuses: row by row, only that one is kept.
    for (const auto& q : batch) done(q, attempt([&] { db::insert_usage(pool_, q.event); }) == DbResult::Written);
}

int UsageRecorder::replay_now() {
    // Files are only touched when the database answers: an outage costs a
    // ping per tick, not a failed replay holding the files.
    if (!pool_.ping()) {
        db_down_until_ = std::chrono::steady_clock::now() + kReplayEvery;
        return 0;
    }
    const int inserted =
        spool_.replay([this](const std::vector<UsageEvent>& rows) { db::insert_usage_rows(pool_, rows); });
    if (inserted > 0) log_info("replayed %d spooled usage rows", inserted);
    return inserted;
}

void UsageRecorder::run() {
    pool_.thread_init();
    // Every kReplayEvery, from the start and also under load: spool files
    // left by this worker (the database was away) or by workers that died
    // or were stopped.
    auto next_replay = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_replay && !stop_) {
            next_replay = now + kReplayEvery;
            lock.unlock();
            // A new journal segment from here: the sealed one goes (or is
            // left for the replay) once its rows are resolved.
            journal_.seal();
            if (db_maybe_up() && spool_.has_files()) replay_now();
            lock.lock();
            continue;
        }
        if (!queue_.empty()) {
            // Let the batch gather (shutdown and a full batch cut it short).
            cv_.wait_for(lock, flush_, [this] { return stop_ || queue_.size() >= kMaxBatch; });
            std::vector<Queued> batch;
            while (!queue_.empty() && batch.size() < kMaxBatch) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
            lock.unlock();
            write(batch);
            lock.lock();
            continue;
        }
        if (stop_) break;
        cv_.wait_until(lock, next_replay, [this] { return stop_ || !queue_.empty(); });
    }
    lock.unlock();
    journal_.seal();
    pool_.thread_end();
}

}  // namespace llmapi::usage
