#include "usage/journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/log.h"

namespace llmapi::usage {

Journal::Journal(std::string dir, std::string prefix) : dir_(std::move(dir)), prefix_(std::move(prefix)) {
    mkdir(dir_.c_str(), 0700);
}

Journal::~Journal() { seal(); }

bool Journal::open_current() {
    Segment s;
    s.path = dir_ + "/" + prefix_ + "-" + std::to_string(current_) + ".jsonl";
    s.fd = Fd(open(s.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    // Locked while we own it: the spool replay takes only unlocked files.
    if (!s.fd.valid() || flock(s.fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (!warned_) log_error("usage journal %s: %s; rows wait in memory only", s.path.c_str(), std::strerror(errno));
        warned_ = true;
        if (s.fd.valid()) unlink(s.path.c_str());
        return false;
    }
    segments_.emplace(current_, std::move(s));
    current_open_ = true;
    return true;
}

uint64_t Journal::append(const UsageEvent& e) {
    const std::string line = to_json_line(e);
    std::lock_guard<std::mutex> lock(mu_);
    if (!current_open_ && !open_current()) return kNotJournaled;
    Segment& s = segments_.at(current_);
    if (!write_all(s.fd.get(), line)) {
        if (!warned_) log_error("usage journal %s: %s; rows wait in memory only", s.path.c_str(), std::strerror(errno));
        warned_ = true;
        return kNotJournaled;
    }
    ++s.appended;
    return current_;
}

void Journal::resolved(uint64_t segment, bool kept) {
    if (segment == kNotJournaled) return;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = segments_.find(segment);
    if (it == segments_.end()) return;
    ++it->second.resolved;
    it->second.kept |= kept;
    finish_if_done(it);
}

void Journal::seal() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!current_open_) return;
    auto it = segments_.find(current_);
    current_open_ = false;
    ++current_;
    if (it == segments_.end()) return;
    it->second.sealed = true;
    finish_if_done(it);
}

void Journal::finish_if_done(std::map<uint64_t, Segment>::iterator it) {
    Segment& s = it->second;
    if (!s.sealed || s.resolved < s.appended) return;
    // All in the database: the file has served. Else closing it unlocks it
    // for the replay, which inserts what is not in yet (event_id decides).
    if (!s.kept) unlink(s.path.c_str());
    segments_.erase(it);
}

size_t Journal::open_segments() const {
    std::lock_guard<std::mutex> lock(mu_);
    return segments_.size();
}

}  // namespace llmapi::usage
