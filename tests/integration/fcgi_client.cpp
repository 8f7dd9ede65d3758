#include "fcgi_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace it {

namespace {

constexpr unsigned char kBeginRequest = 1, kEndRequest = 3, kParams = 4, kStdin = 5, kStdout = 6;

std::string record(unsigned char type, const std::string& content) {
    std::string r;
    r += static_cast<char>(1);  // version
    r += static_cast<char>(type);
    r += '\0';
    r += static_cast<char>(1);  // request id 1
    r += static_cast<char>((content.size() >> 8) & 0xFF);
    r += static_cast<char>(content.size() & 0xFF);
    r += '\0';  // no padding
    r += '\0';
    return r + content;
}

std::string length(size_t n) {
    if (n < 128) return std::string(1, static_cast<char>(n));
    std::string out(4, '\0');
    out[0] = static_cast<char>(((n >> 24) & 0x7F) | 0x80);
    out[1] = static_cast<char>((n >> 16) & 0xFF);
    out[2] = static_cast<char>((n >> 8) & 0xFF);
    out[3] = static_cast<char>(n & 0xFF);
    return out;
}


// "FROM@HOST:PORT": IPv4, from the local address FROM (any 127.x is ours).
int connectTcp(const std::string& where) {
    const size_t at = where.find('@'), colon = where.rfind(':');
    const std::string from = at == std::string::npos ? "" : where.substr(0, at);
    const std::string host = where.substr(at == std::string::npos ? 0 : at + 1, colon - (at == std::string::npos ? 0 : at + 1));
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    if (!from.empty()) {
        inet_pton(AF_INET, from.c_str(), &addr.sin_addr);
        if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            close(fd);
            throw std::runtime_error("cannot bind to " + from);
        }
    }
    addr.sin_port = htons(static_cast<uint16_t>(std::stoi(where.substr(colon + 1))));
    inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        throw std::runtime_error("cannot connect to " + where);
    }
    return fd;
}

int connectTo(const std::string& path) {
    if (path.empty() || path[0] != '/') return connectTcp(path);
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        throw std::runtime_error("cannot connect to " + path);
    }
    return fd;
}

const std::string kBegin("\0\1\0\0\0\0\0\0", 8);  // role RESPONDER, no keep-alive

// The whole request: BEGIN_REQUEST, the params, the body as stdin records.
std::string requestRecords(const std::vector<std::pair<std::string, std::string>>& params, const std::string& body) {
    std::string pairs;
    for (const auto& [k, v] : params) pairs += length(k.size()) + length(v.size()) + k + v;
    std::string out = record(kBeginRequest, kBegin) + record(kParams, pairs) + record(kParams, "");
    for (size_t at = 0; at < body.size(); at += 60000) out += record(kStdin, body.substr(at, 60000));
    return out + record(kStdin, "");
}

void writeAll(int fd, const std::string& out) {
    if (write(fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) {
        close(fd);
        throw std::runtime_error("write to the FastCGI socket failed");
    }
}

}  // namespace

FcgiPin::FcgiPin(const std::string& path) : fd_(connectTo(path)) {
    const std::string begin = record(kBeginRequest, kBegin);
    if (write(fd_, begin.data(), begin.size()) != static_cast<ssize_t>(begin.size())) {
        close(fd_);
        throw std::runtime_error("write to the FastCGI socket failed");
    }
}

FcgiPin::~FcgiPin() { close(fd_); }

void fcgiSendAndLeave(const std::string& path, const std::vector<std::pair<std::string, std::string>>& params,
                      const std::string& body) {
    const int fd = connectTo(path);
    writeAll(fd, requestRecords(params, body));
    close(fd);
}

std::string fcgiRequest(const std::string& path, const std::vector<std::pair<std::string, std::string>>& params,
                        const std::string& body) {
    const int fd = connectTo(path);
    writeAll(fd, requestRecords(params, body));
    std::string in, out;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) in.append(buf, static_cast<size_t>(n));
    close(fd);
    for (size_t pos = 0; pos + 8 <= in.size();) {
        const auto type = static_cast<unsigned char>(in[pos + 1]);
        const size_t len = (static_cast<unsigned char>(in[pos + 4]) << 8) | static_cast<unsigned char>(in[pos + 5]);
        const size_t pad = static_cast<unsigned char>(in[pos + 6]);
        if (type == kStdout) out.append(in, pos + 8, len);
        if (type == kEndRequest) return out;
        pos += 8 + len + pad;
    }
    throw std::runtime_error("no END_REQUEST from the worker (" + std::to_string(in.size()) + " bytes)");
}

}  // namespace it
