// The usage spool: append-only files of JSON lines under [server] spool_dir,
// where usage rows wait while the database is unreachable. Each worker
// appends to its own file (usage-<pid>.jsonl) under flock; any worker
// replays any file it can lock, its own included, so the rows of workers
// that died or stopped are not lost. Replays are exactly-once only together
// with the inserts: event_id is unique in the database.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "usage/event.h"

namespace llmapi::usage {

class Spool {
public:
    // Rows per call of the replay's insert function, at most.
    static constexpr size_t kReplayBatch = 256;
    // Inserts rows; throws when the database fails (the file then stays).
    using InsertFn = std::function<void(const std::vector<UsageEvent>&)>;

    // `own_name`: this process's file name in `dir` (made 0700 if missing).
    Spool(std::string dir, const std::string& own_name);

    // Appends the rows to this process's file and syncs it; false (and a
    // log line) when they could not be written.
    bool append(const std::vector<UsageEvent>& rows);
    // Is there any spool file in the directory?
    bool has_files() const;
    // Replays every spool file not locked by someone else: reads it in
    // blocks, hands its rows to `insert` in batches, and deletes it once all
    // are in. A torn or foreign line is skipped. Returns the rows inserted.
    int replay(const InsertFn& insert);

    const std::string& own_file() const { return own_file_; }

private:
    int replay_file(int fd, const InsertFn& insert);
    std::vector<std::string> files() const;

    const std::string dir_;
    const std::string own_file_;
    unsigned replays_ = 0;  // names own files moved aside (one replaying thread)
};

}  // namespace llmapi::usage
