// The workers' listening sockets ([server] socket, priority_socket), opened
// by the master before it forks them.
#pragma once

#include <string>

#include "common/fd.h"
#include "config/endpoint.h"

namespace llmapi::server {

// Listens on a unix socket (mode 0660 in `group`) or on IPv4 host:port.
// Refuses (invalid Fd, logged) when another process already serves it: a
// second instance must not take the socket from under a running one.
Fd open_listener(const config::Endpoint& at, const std::string& group, int backlog);

// Removes a unix socket's file (nothing for TCP).
void remove_listener(const config::Endpoint& at);

}  // namespace llmapi::server
