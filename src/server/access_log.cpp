#include "server/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "common/datetime.h"
#include "common/json.h"
#include "common/log.h"
#include "server/log_files.h"

namespace llmapi::server {

AccessLog::AccessLog(const std::string& path) : path_(path), fd_(STDERR_FILENO) {
    if (path.empty() || path == "-") return;
    const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        log_error("cannot open access log %s; logging to stderr", path.c_str());
        return;
    }
    file_.reset(fd);
    fd_ = fd;
}

void AccessLog::reopen() {
    if (!file_.valid()) return;  // standard error: the error log's reopen covers it
    if (!reopen_onto(fd_, path_)) log_error("cannot reopen access log %s; still writing the old file", path_.c_str());
}

void AccessLog::write(const http::Request& req, const api::RequestInfo& info, int status, size_t bytes,
                      double duration_ms) {
    JsonPtr line(json_object());
    json_object_set_new(line.get(), "time", json_string(iso_utc_ms(now_us()).c_str()));
    json_object_set_new(line.get(), "request_id", json_string(req.request_id.c_str()));
    json_object_set_new(line.get(), "user_id", info.user_id ? json_integer(info.user_id) : json_null());
    json_object_set_new(line.get(), "method", json_string(req.method.c_str()));
    json_object_set_new(line.get(), "route", json_string(info.route.c_str()));
    json_object_set_new(line.get(), "provider",
                        info.provider.empty() ? json_null() : json_string(info.provider.c_str()));
    // The model comes from the client: jansson refuses invalid UTF-8, so fall back to null.
    json_t* model = info.model.empty() ? json_null() : json_stringn(info.model.data(), info.model.size());
    json_object_set_new(line.get(), "model", model ? model : json_null());
    json_object_set_new(line.get(), "status", json_integer(status));
    json_object_set_new(line.get(), "bytes", json_integer(static_cast<json_int_t>(bytes)));
    json_object_set_new(line.get(), "duration_ms", json_real(duration_ms));
    json_object_set_new(line.get(), "upstream_ms", json_integer(info.upstream_ms));
    char* dumped = json_dumps(line.get(), JSON_COMPACT | JSON_REAL_PRECISION(6));
    if (!dumped) return;
    std::string text(dumped);
    free(dumped);
    text += "\n";
    ssize_t ignored = ::write(fd_, text.data(), text.size());
    (void)ignored;
}

}  // namespace llmapi::server
