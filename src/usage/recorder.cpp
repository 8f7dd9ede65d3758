#include "usage/recorder.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <cstdio>
#include <stdexcept>
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

// An fd with an owner.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

bool write_all(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = write(fd, s.data() + off, s.size() - off);
        if (n < 0) return false;
        off += static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

UsageRecorder::UsageRecorder(db::Pool& pool, std::string spool_dir, long flush_ms)
    : pool_(pool),
      dir_(std::move(spool_dir)),
      own_file_(dir_ + "/usage-" + std::to_string(getpid()) + ".jsonl"),
      flush_(flush_ms) {
    mkdir(dir_.c_str(), 0700);
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
    {
        std::lock_guard<std::mutex> lock(mu_);
        // After shutdown nobody writes the queue: straight to the spool.
        if (!stop_ && queue_.size() < kMaxQueued) {
            queue_.push_back(std::move(e));
            // The writer needs waking only to start a batch, or to cut a full one.
            if (queue_.size() == 1 || queue_.size() == kMaxBatch) cv_.notify_one();
            return;
        }
    }
    spool({e});
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

void UsageRecorder::write(const std::vector<UsageEvent>& batch, bool stopping) {
    // A stopping worker is killed if a hung database keeps it past the
    // master's deadline: its rows go to the spool first, then to the
    // database; a later replay skips the rows the database has (event_id).
    if (stopping) spool(batch);
    auto keep = [&](const std::vector<UsageEvent>& rows) {
        if (!stopping) spool(rows);
    };
    switch (attempt([&] { db::insert_usage_rows(pool_, batch); })) {
        case DbResult::Written: return;
        case DbResult::Down: return keep(batch);
        case DbResult::Refused: break;
    }
    // A row the database refuses: row by row, only that one is spooled.
    std::vector<UsageEvent> failed;
    for (const auto& e : batch)
        if (attempt([&] { db::insert_usage(pool_, e); }) != DbResult::Written) failed.push_back(e);
    keep(failed);
}

void UsageRecorder::spool(const std::vector<UsageEvent>& rows) {
    if (rows.empty()) return;
    std::string text;
    for (const auto& e : rows) text += to_json_line(e);
    for (int attempt = 0; attempt < 3; ++attempt) {
        Fd fd(open(own_file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
        if (fd.get() < 0 || flock(fd.get(), LOCK_EX) != 0) break;
        // A replayer may have consumed and unlinked the file while we waited:
        // then write to a fresh one, or the row would vanish with the inode.
        struct stat st;
        if (fstat(fd.get(), &st) == 0 && st.st_nlink == 0) continue;
        if (write_all(fd.get(), text)) {
            fdatasync(fd.get());
            return;
        }
        break;
    }
    log_error("%zu usage rows (first %s) could not be spooled to %s", rows.size(), rows[0].event_id.c_str(),
              own_file_.c_str());
}

int UsageRecorder::replay_file(int fd) {
    int inserted = 0;
    std::vector<UsageEvent> batch;
    auto flush = [&] {
        if (batch.empty()) return;
        db::insert_usage_rows(pool_, batch);
        inserted += static_cast<int>(batch.size());
        batch.clear();
    };
    auto take = [&](const std::string& line) {
        UsageEvent e;
        if (!from_json_line(line, e)) return;
        batch.push_back(std::move(e));
        if (batch.size() >= kMaxBatch) flush();
    };
    std::string pending;
    char buf[65536];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error("reading a usage spool file failed");
        if (n == 0) break;
        pending.append(buf, static_cast<size_t>(n));
        size_t pos = 0;
        for (size_t nl; (nl = pending.find('\n', pos)) != std::string::npos; pos = nl + 1)
            take(pending.substr(pos, nl - pos));
        pending.erase(0, pos);
    }
    if (!pending.empty()) take(pending);  // a last line without its newline
    flush();
    return inserted;
}

int UsageRecorder::replay_now() {
    // Files are only touched when the database answers: an outage costs a
    // ping per tick, not a failed replay holding the files.
    if (!pool_.ping()) {
        db_down_until_ = std::chrono::steady_clock::now() + kReplayEvery;
        return 0;
    }
    std::vector<std::string> files;
    if (DIR* d = opendir(dir_.c_str())) {
        while (dirent* ent = readdir(d)) {
            const std::string name = ent->d_name;
            if (name.rfind("usage-", 0) == 0 && name.size() > 6 && name.substr(name.size() - 6) == ".jsonl")
                files.push_back(dir_ + "/" + name);
        }
        closedir(d);
    }
    int inserted = 0;
    for (std::string path : files) {
        Fd fd(open(path.c_str(), O_RDWR | O_CLOEXEC));
        if (fd.get() < 0 || flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // another worker is on it
        // Our own file: move it aside first, so that rows spooled meanwhile
        // (by request threads, when the queue is full) go to a new file
        // instead of waiting for this replay's lock.
        if (path == own_file_) {
            const std::string aside = dir_ + "/usage-" + std::to_string(getpid()) + "." + std::to_string(++replays_) + ".jsonl";
            if (rename(path.c_str(), aside.c_str()) == 0) path = aside;
        }
        try {
            inserted += replay_file(fd.get());
        } catch (const std::exception&) {
            continue;  // the database went away again: the file stays, replayed later (inserts are idempotent)
        }
        unlink(path.c_str());  // every row is in the database now
    }
    if (inserted > 0) log_info("replayed %d spooled usage rows", inserted);
    return inserted;
}

bool UsageRecorder::spool_files_exist() const {
    bool any = false;
    if (DIR* d = opendir(dir_.c_str())) {
        while (dirent* ent = readdir(d)) any = any || std::string(ent->d_name).rfind("usage-", 0) == 0;
        closedir(d);
    }
    return any;
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
            if (db_maybe_up() && spool_files_exist()) replay_now();
            lock.lock();
            continue;
        }
        if (!queue_.empty()) {
            // Let the batch gather (shutdown and a full batch cut it short).
            cv_.wait_for(lock, flush_, [this] { return stop_ || queue_.size() >= kMaxBatch; });
            std::vector<UsageEvent> batch;
            while (!queue_.empty() && batch.size() < kMaxBatch) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
            const bool stopping = stop_;
            lock.unlock();
            write(batch, stopping);
            lock.lock();
            continue;
        }
        if (stop_) break;
        cv_.wait_until(lock, next_replay, [this] { return stop_ || !queue_.empty(); });
    }
    lock.unlock();
    pool_.thread_end();
}

}  // namespace llmapi::usage
