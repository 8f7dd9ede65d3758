#include "usage/spool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>

#include "common/fd.h"
#include "common/log.h"

namespace llmapi::usage {

namespace {

bool is_spool_name(const std::string& name) {
    return name.rfind("usage-", 0) == 0 && name.size() > 12 && name.compare(name.size() - 6, 6, ".jsonl") == 0;
}

}  // namespace

Spool::Spool(std::string dir, const std::string& own_name) : dir_(std::move(dir)), own_file_(dir_ + "/" + own_name) {
    mkdir(dir_.c_str(), 0700);
}

bool Spool::append(const std::vector<UsageEvent>& rows) {
    if (rows.empty()) return true;
    std::string text;
    for (const auto& e : rows) text += to_json_line(e);
    for (int attempt = 0; attempt < 3; ++attempt) {
        Fd fd(open(own_file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
        if (!fd.valid() || flock(fd.get(), LOCK_EX) != 0) break;
        // A replayer may have consumed and unlinked the file while we waited:
        // then write to a fresh one, or the rows would vanish with the inode.
        struct stat st;
        if (fstat(fd.get(), &st) == 0 && st.st_nlink == 0) continue;
        if (write_all(fd.get(), text)) {
            fdatasync(fd.get());
            return true;
        }
        break;
    }
    log_error("%zu usage rows (first %s) could not be spooled to %s", rows.size(), rows[0].event_id.c_str(),
              own_file_.c_str());
    return false;
}

std::vector<std::string> Spool::files() const {
    std::vector<std::string> out;
    if (DirPtr d{opendir(dir_.c_str())}) {
        while (const dirent* ent = readdir(d.get()))
            if (is_spool_name(ent->d_name)) out.push_back(dir_ + "/" + ent->d_name);
    }
    return out;
}

bool Spool::has_files() const { return !files().empty(); }

int Spool::replay_file(int fd, const InsertFn& insert) {
    int inserted = 0;
    std::vector<UsageEvent> batch;
    auto flush = [&] {
        if (batch.empty()) return;
        insert(batch);
        inserted += static_cast<int>(batch.size());
        batch.clear();
    };
    auto take = [&](const std::string& line) {
        UsageEvent e;
        if (!from_json_line(line, e)) return;
        batch.push_back(std::move(e));
        if (batch.size() >= kReplayBatch) flush();
    };
    // In blocks: a long outage's file is never held in memory whole.
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

int Spool::replay(const InsertFn& insert) {
    int inserted = 0;
    for (std::string path : files()) {
        Fd fd(open(path.c_str(), O_RDWR | O_CLOEXEC));
        if (!fd.valid() || flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // another worker is on it
        // Our own file: move it aside first, so that rows spooled meanwhile
        // go to a new file instead of waiting for this replay's lock.
        if (path == own_file_) {
            const std::string aside =
                own_file_.substr(0, own_file_.size() - 6) + "." + std::to_string(++replays_) + ".jsonl";
            if (rename(path.c_str(), aside.c_str()) == 0) path = aside;
        }
        try {
            inserted += replay_file(fd.get(), insert);
        } catch (const std::exception&) {
            continue;  // the database went away again: the file stays, replayed later (inserts are idempotent)
        }
        unlink(path.c_str());  // every row is in the database now
    }
    return inserted;
}

}  // namespace llmapi::usage
