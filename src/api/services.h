// The composition root: what a worker process builds once from its
// configuration and shares between its threads. Only the API layer and the
// server above it see this; everything below takes the piece it needs.
#pragma once
#include "auth/bearer.h"
#include "auth/jwt.h"
#include "auth/key_use.h"
#include "auth/password.h"
#include "config/config.h"
#include "db/health.h"
#include "db/pool.h"
#include "limits/policy.h"
#include "limits/seats.h"
#include "metrics/metrics.h"
#include "providers/model_cache.h"
#include "providers/provider_set.h"
#include "usage/recorder.h"

namespace llmapi::api {

// What the master maps before forking and shares with every worker: the
// metrics and the seat map, and this worker's slot in both.
struct SharedState {
    metrics::Shared* metrics = nullptr;
    limits::SeatMap* seats = nullptr;
    int slot = 0;
};

struct Services {
    Services(const config::Config& c, sql::mysql::MySQL_Driver* driver, SharedState shared)
        : cfg(c),
          pool(c.database, driver),
          health(db::HealthWatch::of(pool), std::chrono::milliseconds(c.server.health_check_ms),
                 std::chrono::milliseconds(4 * c.server.health_check_ms + 1000)),
          jwt(c.jwt.secret, c.jwt.access_lifetime_s, c.jwt.refresh_lifetime_s),
          authenticator(jwt, pool, c.auth.user_cache_ms),
          key_use(pool),
          passwords(c.auth.max_concurrent_hashes, std::chrono::milliseconds(c.auth.hash_wait_ms)),
          limits(c.limits, pool),
          providers(c.providers),
          models(c.providers.models_cache_s),
          usage(pool, c.server.spool_dir, c.server.usage_flush_ms),
          seats(shared.seats, shared.slot),
          metrics(shared.metrics, shared.slot) {}

    const config::Config cfg;
    db::Pool pool;
    db::HealthWatch health;  // /healthz's answer, kept fresh by a thread
    const auth::JwtService jwt;
    auth::Authenticator authenticator;
    auth::KeyUse key_use;  // API keys' last_used_at, written off the request path
    auth::PasswordHasher passwords;
    limits::Policy limits;
    const providers::ProviderSet providers;
    providers::ModelCache models;
    usage::UsageRecorder usage;
    limits::Seats seats;
    metrics::Metrics metrics;
};

}  // namespace llmapi::api
