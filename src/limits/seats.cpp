#include "limits/seats.h"

#include <pthread.h>
#include <sys/mman.h>

#include <cerrno>

#include <new>

namespace llmapi::limits {

// std::atomic<int64_t> is lock-free and address-free on the targets we
// build for, so it works across processes (as the metrics' counters do).
static_assert(std::atomic<int64_t>::is_always_lock_free);

struct SeatMap {
    pthread_mutex_t take;  // process-shared, robust: held while counting and taking
    int slots;
    int threads;
    std::atomic<int> live_slots;  // 1 + the highest slot ever started: the scan's bound
    std::atomic<int64_t> cells[];  // slots x threads
};

SeatMap* create_seat_map(int worker_slots, int threads) {
    const size_t bytes = sizeof(SeatMap) + sizeof(std::atomic<int64_t>) * static_cast<size_t>(worker_slots) *
                                               static_cast<size_t>(threads);
    // Anonymous shared pages are zero (every cell free) and take memory only
    // once touched: the slots that never run a worker cost address space only.
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    auto* m = static_cast<SeatMap*>(p);
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&m->take, &a);
    pthread_mutexattr_destroy(&a);
    m->slots = worker_slots;
    m->threads = threads;
    return m;
}

int seat_map_threads(const SeatMap* map) { return map ? map->threads : 0; }

void seat_map_worker_started(SeatMap* map, int slot) {
    if (!map || slot < 0 || slot >= map->slots) return;
    int live = map->live_slots.load();
    while (live < slot + 1 && !map->live_slots.compare_exchange_weak(live, slot + 1)) {
    }
}

void seat_map_worker_gone(SeatMap* map, int slot) {
    if (!map || slot < 0 || slot >= map->slots) return;
    std::atomic<int64_t>* row = map->cells + static_cast<size_t>(slot) * static_cast<size_t>(map->threads);
    for (int t = 0; t < map->threads; ++t) row[t].store(0);
}

std::atomic<int64_t>* Seats::cell(int thread) const {
    return map_->cells + static_cast<size_t>(slot_) * static_cast<size_t>(map_->threads) + static_cast<size_t>(thread);
}

namespace {

// The take lock; a holder that died (its worker was killed) left the cells
// consistent (one store each), so its lock is simply taken over.
class TakeLock {
public:
    explicit TakeLock(pthread_mutex_t* m) : m_(m) {
        if (pthread_mutex_lock(m_) == EOWNERDEAD) pthread_mutex_consistent(m_);
    }
    ~TakeLock() { pthread_mutex_unlock(m_); }
    TakeLock(const TakeLock&) = delete;
    TakeLock& operator=(const TakeLock&) = delete;

private:
    pthread_mutex_t* m_;
};

}  // namespace

SeatResult Seats::take(int thread, int64_t user_id, long host_limit, long user_limit) {
    if (!map_ || thread < 0 || thread >= map_->threads || user_id <= 0) return SeatResult::Taken;
    TakeLock lock(&map_->take);
    const Counts c = count(user_id);
    if (c.host >= host_limit) return SeatResult::HostFull;
    if (user_limit > 0 && c.user >= user_limit) return SeatResult::UserFull;
    cell(thread)->store(user_id);
    return SeatResult::Taken;
}

void Seats::release(int thread) {
    if (map_ && thread >= 0 && thread < map_->threads) cell(thread)->store(0);
}

Seats::Counts Seats::count(int64_t user_id) const {
    Counts c;
    if (!map_) return c;
    const size_t n = static_cast<size_t>(map_->live_slots.load()) * static_cast<size_t>(map_->threads);
    for (size_t i = 0; i < n; ++i) {
        const int64_t v = map_->cells[i].load(std::memory_order_relaxed);
        c.host += v != 0;
        c.user += v == user_id;
    }
    return c;
}

}  // namespace llmapi::limits
