// The routing table: {method, path, handler, auth}. Paths match with or
// without one trailing slash; a known path with another method is a 405.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace llmapi::http {

template <class Handler>
struct Route {
    std::string method;
    std::string path;  // canonical form, no trailing slash except "/"
    Handler handler;
    bool auth = false;  // requires a valid Bearer access token
};

template <class Handler>
struct Match {
    enum Kind { Found, NotFound, MethodNotAllowed } kind = NotFound;
    const Route<Handler>* route = nullptr;
    std::string allow;  // for 405 and OPTIONS: "GET, HEAD, OPTIONS"
    bool auth = false;  // some route on this path requires auth
};

// "/api/signup/" -> "/api/signup"; "/" stays "/"; "//api//" -> "/api".
std::string canonical_path(const std::string& path);

template <class Handler>
class Router {
public:
    void add(std::string method, const std::string& path, Handler h, bool auth = false) {
        routes_.push_back(Route<Handler>{std::move(method), canonical_path(path), std::move(h), auth});
    }

    Match<Handler> match(const std::string& method, const std::string& raw_path) const {
        const std::string path = canonical_path(raw_path);
        const std::string& m = method == "HEAD" ? get_ : method;  // HEAD is GET without a body (nginx drops it)
        Match<Handler> out;
        std::vector<std::string> methods;
        for (const auto& r : routes_) {
            if (r.path != path) continue;
            methods.push_back(r.method);
            out.auth = out.auth || r.auth;
            if (r.method == m && !out.route) out.route = &r;
        }
        if (methods.empty()) return out;
        out.allow = allow_header(methods);
        out.kind = out.route ? Match<Handler>::Found : Match<Handler>::MethodNotAllowed;
        return out;
    }

private:
    static std::string allow_header(const std::vector<std::string>& methods) {
        std::string allow;
        bool has_get = false;
        for (const auto& m : methods) {
            allow += (allow.empty() ? "" : ", ") + m;
            has_get = has_get || m == "GET";
        }
        if (has_get) allow += ", HEAD";
        return allow + ", OPTIONS";
    }
    const std::string get_ = "GET";
    std::vector<Route<Handler>> routes_;
};

}  // namespace llmapi::http
