#include "server/log_files.h"

#include <fcntl.h>
#include <unistd.h>

namespace llmapi::server {

bool reopen_onto(int target, const std::string& path) {
    const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) return false;
    const bool ok = dup2(fd, target) >= 0;
    close(fd);
    return ok;
}

bool reopen_error_log(const std::string& path) {
    if (path.empty() || path == "-") return true;
    return reopen_onto(STDERR_FILENO, path);
}

}  // namespace llmapi::server
