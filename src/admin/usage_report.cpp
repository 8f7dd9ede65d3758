// usage: requests and tokens by user, provider and model, as an aligned table.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "admin/cli.h"
#include "common/datetime.h"
#include "db/usage_report.h"
#include "db/users.h"

namespace llmapi::admin {

namespace {

constexpr int64_t kDefaultWindowUs = 30LL * 86400 * 1000000;

// Terminal columns a UTF-8 string takes: East Asian wide characters count
// two, combining marks none (close enough for names; no locale needed).
size_t display_width(const std::string& s) {
    size_t width = 0;
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        uint32_t cp = len == 1 ? c : c & (0x7F >> len);
        for (int k = 1; k < len && i + k < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        i += len;
        if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F)) continue;
        const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                          (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                          (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                          (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
                          (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
        width += wide ? 2 : 1;
    }
    return width;
}

int64_t parse_time_option(const Args& args, const char* option) {
    const std::string text = *args.value(option);
    auto t = parse_iso8601(text);
    if (!t)
        throw UsageError(std::string("usage: ") + option +
                         " must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], not '" + text + "'");
    return *t;
}

using Row = std::vector<std::string>;

// Text columns left-aligned, numbers (the last four) right-aligned.
void print_table(const std::vector<Row>& rows) {
    std::vector<size_t> widths(rows.front().size(), 0);
    for (const Row& r : rows)
        for (size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], display_width(r[i]));
    for (const Row& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i) {
            const std::string pad(widths[i] - display_width(r[i]), ' ');
            if (i > 0) line += "  ";
            line += i < 3 ? r[i] + pad : pad + r[i];
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        std::printf("%s\n", line.c_str());
    }
}

}  // namespace

int cmd_usage(const std::vector<std::string>& argv, Runtime& rt) {
    Args args("usage", argv, {{"--user", true}, {"--since", true}, {"--until", true}}, 0, 0, "");
    const int64_t until = args.has("--until") ? parse_time_option(args, "--until") : now_us();
    const int64_t since = args.has("--since") ? parse_time_option(args, "--since") : until - kDefaultWindowUs;
    if (since >= until) throw UsageError("usage: --since must be before --until");

    db::Pool& pool = rt.pool();
    std::optional<int64_t> user_id;
    if (auto name = args.value("--user")) {
        auto u = db::find_user_by_username(pool, *name);
        if (!u) throw CommandError("unknown user '" + *name + "'");
        user_id = u->id;
    }
    const auto rows = db::usage_by_user(pool, user_id, sql_datetime(since), sql_datetime(until));

    std::printf("usage from %s (inclusive) to %s (exclusive), UTC\n", iso_utc(since).c_str(), iso_utc(until).c_str());
    std::vector<Row> table{{"user", "provider", "model", "requests", "prompt", "completion", "total"}};
    long requests = 0, prompt = 0, completion = 0;
    for (const auto& r : rows) {
        const std::string who = r.username.empty() ? "(deleted #" + std::to_string(r.user_id) + ")" : r.username;
        table.push_back({who, r.provider, r.model, std::to_string(r.requests), std::to_string(r.prompt_tokens),
                         std::to_string(r.completion_tokens), std::to_string(r.prompt_tokens + r.completion_tokens)});
        requests += r.requests;
        prompt += r.prompt_tokens;
        completion += r.completion_tokens;
    }
    table.push_back({"total", "", "", std::to_string(requests), std::to_string(prompt), std::to_string(completion),
                     std::to_string(prompt + completion)});
    print_table(table);
    return 0;
}

}  // namespace llmapi::admin
