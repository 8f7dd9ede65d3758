// Concurrent chat requests on this host: at most `host_limit` in all (the
// admission control of [server] max_streams) and at most a user's
// max_concurrent_requests each. Exact across the worker processes: every
// request thread of every worker has one cell in memory the master maps
// before forking, holding the user id of the chat it is serving (0: none).
// A seat is counted and taken under one process-shared mutex (robust: a
// worker killed while holding it does not block the others), so the limits
// are exact both ways: never more admitted, and never a request refused
// while a seat was free. Releasing is a plain store. A worker that dies
// leaves its cells behind; the master, which reaps it, clears them, so its
// seats come back at once.
#pragma once
#include <atomic>
#include <cstdint>

namespace llmapi::limits {

struct SeatMap;

// The shared region, for `worker_slots` workers of `threads` each; never
// freed (it lives as long as the process tree). Null if mmap fails.
SeatMap* create_seat_map(int worker_slots, int threads);
// The threads each worker has cells for (the map's width).
int seat_map_threads(const SeatMap* map);
// The master: a worker with this slot starts, or died (its cells cleared).
void seat_map_worker_started(SeatMap* map, int slot);
void seat_map_worker_gone(SeatMap* map, int slot);

enum class SeatResult { Taken, HostFull, UserFull };

// One worker's view: its slot's cells. A null map admits everything (unit tests).
class Seats {
public:
    Seats(SeatMap* map, int worker_slot) : map_(map), slot_(worker_slot) {}
    // Takes the seat of request thread `thread` for `user_id` (> 0) unless
    // the host already has `host_limit` chats, or the user `user_limit`
    // (0 = no per-user limit).
    SeatResult take(int thread, int64_t user_id, long host_limit, long user_limit);
    void release(int thread);
    // Chats in progress on the host, and the user's among them.
    struct Counts {
        long host = 0;
        long user = 0;
    };
    Counts count(int64_t user_id) const;
    long host_count() const { return count(0).host; }
    long user_count(int64_t user_id) const { return count(user_id).user; }

private:
    std::atomic<int64_t>* cell(int thread) const;
    SeatMap* map_;
    int slot_;
};

// Holds a seat for a scope.
class SeatGuard {
public:
    SeatGuard() = default;
    SeatGuard(Seats* seats, int thread) : seats_(seats), thread_(thread) {}
    SeatGuard(SeatGuard&& o) noexcept : seats_(o.seats_), thread_(o.thread_) { o.seats_ = nullptr; }
    SeatGuard& operator=(SeatGuard&&) = delete;
    SeatGuard(const SeatGuard&) = delete;
    ~SeatGuard() {
        if (seats_) seats_->release(thread_);
    }

private:
    Seats* seats_ = nullptr;
    int thread_ = 0;
};

}  // namespace llmapi::limits
