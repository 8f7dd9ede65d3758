// prune: deletes rows nothing reads any more (run it from cron, e.g. hourly).
#include <cstdio>

#include "admin/cli.h"
#include "db/prune.h"

namespace llmapi::admin {

int cmd_prune(const std::vector<std::string>& argv, Runtime& rt) {
    Args args("prune", argv, {}, 0, 0, "");
    const db::PruneCounts n = db::prune_expired(rt.pool());
    std::printf("token_blacklist: %ld expired rows deleted\n", n.blacklisted_tokens);
    std::printf("rate_windows: %ld rows older than 2 minutes deleted\n", n.rate_windows);
    std::printf("token_days: %ld rows older than 2 days deleted\n", n.token_days);
    return 0;
}

}  // namespace llmapi::admin
