// The usage journal: every usage row is appended to a local file before it
// waits for its batch, so a worker killed at any moment loses no answered
// request's row. No fsync per row: the page cache outlives a process's death
// (a machine's crash is the database's and the spool's concern, not this).
//
// Rows go to the current segment, usage-<pid>-<n>.jsonl under the spool
// directory, held under flock while this process owns it. The writer seals
// the segment now and then (a new one takes the next rows); once every row
// of a sealed segment is resolved it is deleted if all went into the
// database, or closed and left for the spool replay (by any worker) if some
// could not. A dead process's segments are unlocked: the other workers
// replay them, exactly once thanks to event_id.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/fd.h"
#include "usage/event.h"

namespace llmapi::usage {

class Journal {
public:
    // Returned by append() when the row could not be written (disk full, no
    // directory): it then lives in memory only, as before the journal.
    static constexpr uint64_t kNotJournaled = UINT64_MAX;

    // Segments are named `<prefix>-<n>.jsonl` in `dir`.
    Journal(std::string dir, std::string prefix);
    // Seals the current segment; rows still unresolved stay on disk.
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    // Appends the row to the current segment; returns the segment's number.
    uint64_t append(const UsageEvent& e);
    // A row of `segment` is in the database (kept = false), or must wait for
    // the replay (kept = true).
    void resolved(uint64_t segment, bool kept);
    // The current segment takes no more rows (if it has any).
    void seal();
    // Segment files this process holds open (for tests and the log).
    size_t open_segments() const;

private:
    struct Segment {
        std::string path;
        Fd fd;
        size_t appended = 0;
        size_t resolved = 0;
        bool kept = false;
        bool sealed = false;
    };
    bool open_current();
    void finish_if_done(std::map<uint64_t, Segment>::iterator it);

    const std::string dir_;
    const std::string prefix_;
    mutable std::mutex mu_;
    std::map<uint64_t, Segment> segments_;
    uint64_t current_ = 0;
    bool current_open_ = false;
    bool warned_ = false;
};

}  // namespace llmapi::usage
