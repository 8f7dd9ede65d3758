#include "common/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace llmapi {

namespace {

void vlog(const char* level, const char* fmt, va_list ap) {
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char ts[32];
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    // One write per line so lines from threads and processes don't interleave.
    char line[2200];
    int n = snprintf(line, sizeof line, "%s.%03ldZ %s [%d] %s\n", ts, static_cast<long>(tv.tv_usec / 1000), level,
                     static_cast<int>(getpid()), msg);
    if (n > 0) {
        ssize_t ignored = write(STDERR_FILENO, line, static_cast<size_t>(n) < sizeof line ? n : sizeof line - 1);
        (void)ignored;
    }
}

}  // namespace

#define LLMAPI_DEFINE_LOG(name, level) \
    void name(const char* fmt, ...) {  \
        va_list ap;                    \
        va_start(ap, fmt);             \
        vlog(level, fmt, ap);          \
        va_end(ap);                    \
    }
LLMAPI_DEFINE_LOG(log_info, "info")
LLMAPI_DEFINE_LOG(log_warn, "warn")
LLMAPI_DEFINE_LOG(log_error, "error")

}  // namespace llmapi
