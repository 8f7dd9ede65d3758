#include "common/datetime.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace llmapi {

namespace {

constexpr int64_t kMicros = 1000000;

// Reads exactly `n` digits at s[pos]; advances pos.
bool digits(const std::string& s, size_t& pos, size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    pos += n;
    return true;
}

bool is_digit(const std::string& s, size_t pos) { return pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; }

std::string format(int64_t unix_us, const char* fmt) {
    int64_t secs = unix_us / kMicros;
    if (unix_us % kMicros < 0) --secs;  // floor, for times before 1970
    const time_t t = static_cast<time_t>(secs);
    tm g{};
    gmtime_r(&t, &g);
    char buf[64];
    std::strftime(buf, sizeof buf, fmt, &g);
    return buf;
}

}  // namespace

std::optional<int64_t> parse_iso8601(const std::string& s) {
    size_t pos = 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, micros = 0;
    if (!digits(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-' || !digits(s, pos, 2, mo) || pos >= s.size() ||
        s[pos++] != '-' || !digits(s, pos, 2, d))
        return std::nullopt;
    long offset = 0;  // seconds east of UTC
    if (pos < s.size()) {
        if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
        ++pos;
        if (!digits(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':' || !digits(s, pos, 2, mi)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') {
            ++pos;
            if (!digits(s, pos, 2, sec)) return std::nullopt;
            if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
                ++pos;
                // Django keeps 6 digits and ignores up to 6 more.
                size_t n = 0;
                for (; is_digit(s, pos) && n < 12; ++pos, ++n)
                    if (n < 6) micros = micros * 10 + (s[pos] - '0');
                if (n == 0 || is_digit(s, pos)) return std::nullopt;
                for (; n < 6; ++n) micros *= 10;
            }
        }
        if (pos < s.size()) {
            if (s[pos] == 'Z' && pos + 1 == s.size()) {
                pos = s.size();
            } else if (s[pos] == '+' || s[pos] == '-') {
                const int sign = s[pos++] == '-' ? -1 : 1;
                int oh = 0, om = 0;
                if (!digits(s, pos, 2, oh)) return std::nullopt;
                if (pos < s.size()) {
                    if (s[pos] == ':') ++pos;
                    if (!digits(s, pos, 2, om)) return std::nullopt;
                }
                if (pos != s.size() || oh > 23 || om > 59) return std::nullopt;
                offset = sign * (oh * 3600L + om * 60L);
            } else {
                return std::nullopt;
            }
        }
    }
    if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return std::nullopt;
    tm t{};
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    t.tm_sec = sec;
    const time_t when = timegm(&t);
    tm check{};
    gmtime_r(&when, &check);
    if (check.tm_mday != d) return std::nullopt;  // 2026-02-30
    const int64_t utc = static_cast<int64_t>(when) - offset;
    // DATETIME holds years 1000-9999: 1000-01-01 .. 9999-12-31 23:59:59 UTC.
    if (utc < -30610224000LL || utc > 253402300799LL) return std::nullopt;
    return utc * kMicros + micros;
}

std::string sql_datetime(int64_t unix_us) {
    int64_t frac = unix_us % kMicros;
    if (frac < 0) frac += kMicros;
    char micro[8];
    std::snprintf(micro, sizeof micro, "%06lld", static_cast<long long>(frac));
    return format(unix_us, "%Y-%m-%d %H:%M:%S") + "." + micro;
}

std::string iso_utc(int64_t unix_us) { return format(unix_us, "%Y-%m-%dT%H:%M:%SZ"); }

std::string iso_utc_ms(int64_t unix_us) {
    int64_t frac = unix_us % kMicros;
    if (frac < 0) frac += kMicros;
    char milli[8];
    std::snprintf(milli, sizeof milli, ".%03lldZ", static_cast<long long>(frac / 1000));
    return format(unix_us, "%Y-%m-%dT%H:%M:%S") + milli;
}

int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string drf_datetime(std::string s) {
    if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
    const size_t dot = s.find('.');
    if (dot != std::string::npos && s.find_first_not_of('0', dot + 1) == std::string::npos) s.erase(dot);
    return s + "Z";
}

}  // namespace llmapi
