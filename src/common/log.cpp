#include "common/log.h"

#include <unistd.h>

#include <cstdarg>
#include <cstdio>

#include "common/datetime.h"

namespace llmapi {

namespace {

void vlog(const char* level, const char* fmt, va_list ap) {
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    const std::string ts = iso_utc_ms(now_us());
    // One write per line so lines from threads and processes don't interleave.
    char line[2200];
    int n = snprintf(line, sizeof line, "%s %s [%d] %s\n", ts.c_str(), level, static_cast<int>(getpid()), msg);
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
