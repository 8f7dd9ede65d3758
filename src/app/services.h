// What handlers share within one worker process: immutable config, the
// connection pool, the token service, and the gate on password hashing.
#pragma once
#include "auth/jwt.h"
#include "auth/user_cache.h"
#include "common/expiring_cache.h"
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
          users(c.auth.user_cache_ms),
          access_tokens(10000),
          providers(c.providers),
          models(c.providers.models_cache_s),
          usage(pool, c.server.spool_dir, c.server.usage_flush_ms),
          metrics(shared_metrics, metrics_slot) {}

    const config::Config cfg;
    db::Pool pool;
    const auth::JwtService jwt;
    // argon2 at Django's cost takes ~100 MiB and both cores: a burst of logins
    // waits here instead of exhausting memory.
    Semaphore hash_gate;
    auth::UserCache users;  // the Bearer check's user rows, fresh for [auth] user_cache_ms
    // Access tokens that verified, with their claims, until their exp (unix
    // s): a token verifies the same way until then, and libjwt's decode and
    // HMAC cost ~20 µs a request here. Keyed by the whole token string.
    ExpiringCache<std::string, auth::TokenClaims, long> access_tokens;
    const providers::ProviderSet providers;
    providers::ModelCache models;
    usage::UsageRecorder usage;
    metrics::Metrics metrics;
};

}  // namespace llmapi::app
