#include "server/listen.h"

#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/log.h"

namespace llmapi::server {

namespace {

// Mode 0660: only the service's user and `group` (nginx's) reach the
// workers; any other local user would bypass nginx's limits.
void restrict_socket(const std::string& path, const std::string& group_name) {
    chmod(path.c_str(), 0660);
    if (group_name.empty()) return;
    const struct group* g = getgrnam(group_name.c_str());
    if (!g) {
        log_warn("[server] socket_group '%s' does not exist: %s is reachable by its owner only", group_name.c_str(),
                 path.c_str());
        return;
    }
    if (chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0)
        log_warn("cannot give %s to group '%s' (%s): reachable by its owner only", path.c_str(), group_name.c_str(),
                 std::strerror(errno));
}

// Someone accepts connections on this unix socket now.
bool unix_socket_served(const sockaddr_un& addr) {
    Fd probe(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    return probe.valid() && connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
}

Fd listen_unix(const std::string& path, const std::string& group, int backlog) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) {
        log_error("socket path too long: %s", path.c_str());
        return Fd();
    }
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    if (unix_socket_served(addr)) {
        log_error("%s is served by another process (another llm-api-fcgi running?): not taking it", path.c_str());
        return Fd();
    }
    unlink(path.c_str());  // a stale socket from a previous run: nobody answered on it
    Fd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return fd;
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd.get(), backlog) != 0) {
        log_error("cannot listen on %s: %s", path.c_str(), std::strerror(errno));
        return Fd();
    }
    restrict_socket(path, group);
    return fd;
}

// No SO_REUSEPORT: a second listener on the same port must fail (EADDRINUSE).
Fd listen_tcp(const std::string& host, int port, int backlog) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &addr.sin_addr);  // validated by config
    Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return fd;
    const int one = 1;  // a restart may bind while the old connections are in TIME_WAIT
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd.get(), backlog) != 0) {
        log_error("cannot listen on %s:%d: %s%s", host.c_str(), port, std::strerror(errno),
                  errno == EADDRINUSE ? " (another llm-api-fcgi running?)" : "");
        return Fd();
    }
    return fd;
}

}  // namespace

Fd open_listener(const config::Endpoint& at, const std::string& group, int backlog) {
    return at.tcp ? listen_tcp(at.host, at.port, backlog) : listen_unix(at.path, group, backlog);
}

void remove_listener(const config::Endpoint& at) {
    if (!at.tcp) unlink(at.path.c_str());
}

}  // namespace llmapi::server
