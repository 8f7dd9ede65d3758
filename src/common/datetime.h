// ISO 8601 times as Django writes and parses them, and the forms MariaDB
// DATETIME columns take. Everything is UTC.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace llmapi {

// Django's parse_date / parse_datetime: "YYYY-MM-DD", or
// "YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]]" with an optional "Z", "±HH", "±HHMM"
// or "±HH:MM" (none = UTC). Microseconds since the epoch, or nullopt for
// anything else, an impossible date, or a result outside DATETIME's years
// 1000-9999.
std::optional<int64_t> parse_iso8601(const std::string& text);

// "YYYY-MM-DD HH:MM:SS.ffffff", for DATETIME(6) parameters.
std::string sql_datetime(int64_t unix_us);
// "YYYY-MM-DDTHH:MM:SSZ" (seconds), for people.
std::string iso_utc(int64_t unix_us);
// "YYYY-MM-DDTHH:MM:SS.mmmZ" (milliseconds), for log lines.
std::string iso_utc_ms(int64_t unix_us);

// A DATETIME(6) as MariaDB returns it, as DRF renders it:
// "2026-11-25 04:03:46.123000" -> "2026-11-25T04:03:46.123000Z" (Python's
// isoformat() leaves the fraction out when it is zero, so do we).
std::string drf_datetime(std::string sql_datetime);

int64_t now_us();

}  // namespace llmapi
