// The routing table's lookup: routes {method, path, handler, policy}. Paths
// match with or without one trailing slash; a known path with another
// method is a 405. A path segment "{name}" matches a segment of 1-18 digits
// (an integer id, as DRF's <int:pk>), handed to the handler in `params`.
#pragma once
#include <string>
#include <vector>

namespace llmapi::api {

template <class Handler, class Policy>
struct Route {
    std::string method;
    std::string path;  // canonical form, no trailing slash except "/"
    Handler handler;
    Policy policy;
};

template <class Handler, class Policy>
struct Match {
    enum Kind { Found, NotFound, MethodNotAllowed } kind = NotFound;
    const Route<Handler, Policy>* route = nullptr;  // Found: the route
    // Found or MethodNotAllowed: the first route on the path, whose policy
    // applies before the method is checked (DRF authenticates before 405).
    const Route<Handler, Policy>* path_route = nullptr;
    std::string allow;  // for 405 and OPTIONS: "GET, HEAD, OPTIONS"
    std::vector<std::string> params;  // the "{name}" segments' values, in order
};

// Does `path` (canonical) match `pattern`? Appends the "{name}" segments' values to params.
bool path_matches(const std::string& pattern, const std::string& path, std::vector<std::string>& params);

// "/api/signup/" -> "/api/signup"; "/" stays "/"; "//api//" -> "/api".
std::string canonical_path(const std::string& path);

template <class Handler, class Policy>
class Router {
public:
    using RouteT = Route<Handler, Policy>;
    using MatchT = Match<Handler, Policy>;

    void add(std::string method, const std::string& path, Handler h, Policy p = {}) {
        routes_.push_back(RouteT{std::move(method), canonical_path(path), std::move(h), std::move(p)});
    }

    MatchT match(const std::string& method, const std::string& raw_path) const {
        const std::string path = canonical_path(raw_path);
        const std::string& m = method == "HEAD" ? get_ : method;  // HEAD is GET without a body (nginx drops it)
        MatchT out;
        std::vector<std::string> methods;
        for (const auto& r : routes_) {
            std::vector<std::string> params;
            if (!path_matches(r.path, path, params)) continue;
            if (!out.path_route) out.params = std::move(params);
            methods.push_back(r.method);
            if (!out.path_route) out.path_route = &r;
            if (r.method == m && !out.route) out.route = &r;
        }
        if (methods.empty()) return out;
        out.allow = allow_header(methods);
        out.kind = out.route ? MatchT::Found : MatchT::MethodNotAllowed;
        return out;
    }

    const std::vector<RouteT>& routes() const { return routes_; }

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
    std::vector<RouteT> routes_;
};

}  // namespace llmapi::api
