// What handlers share within one worker process: immutable config, the
// connection pool, the token service, and the gate on password hashing.
#pragma once
#include "auth/jwt.h"
#include "common/semaphore.h"
#include "config/config.h"
#include "db/pool.h"
#include "metrics/metrics.h"
#include "providers/provider_set.h"
#include "usage/recorder.h"

namespace llmapi::app {

struct Services {
    Services(const config::Config& c, sql::mysql::MySQL_Driver* driver, metrics::Shared* shared_metrics, int metrics_slot)
        : cfg(c),
          pool(c.database, driver),
          jwt(c.jwt.secret, c.jwt.access_lifetime_s, c.jwt.refresh_lifetime_s),
          hash_gate(c.auth.max_concurrent_hashes),
          providers(c.providers),
          models(c.providers.models_cache_s),
          usage(pool, c.server.spool_dir),
          metrics(shared_metrics, metrics_slot) {}

    const config::Config cfg;
    db::Pool pool;
    const auth::JwtService jwt;
    // argon2 at Django's cost takes ~100 MiB and both cores: a burst of logins
    // waits here instead of exhausting memory.
    Semaphore hash_gate;
    const providers::ProviderSet providers;
    providers::ModelCache models;
    usage::UsageRecorder usage;
    metrics::Metrics metrics;
};

}  // namespace llmapi::app
