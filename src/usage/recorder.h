// Writes usage rows after each response has been sent, so accounting never
// delays the client. While the database is unreachable, rows go to an
// append-only spool file under [server] spool_dir; a background thread in
// every worker replays spool files (its own and those of dead workers) when
// the database is back. Replays are exactly-once: event_id is unique.
#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "db/pool.h"
#include "usage/event.h"

namespace llmapi::usage {

class UsageRecorder {
public:
    UsageRecorder(db::Pool& pool, std::string spool_dir);
    ~UsageRecorder();
    UsageRecorder(const UsageRecorder&) = delete;
    UsageRecorder& operator=(const UsageRecorder&) = delete;

    void record(const UsageEvent& e);
    // Replays every spool file it can lock now; returns the number of rows inserted.
    int replay_now();

private:
    void spool(const UsageEvent& e);
    void replay_loop();

    db::Pool& pool_;
    const std::string dir_;
    const std::string own_file_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::atomic<bool> spooled_{false};  // something was spooled: worth a replay pass soon
    std::thread replayer_;
};

}  // namespace llmapi::usage
