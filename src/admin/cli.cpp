#include "admin/cli.h"

#include <mysql_driver.h>

#include <cerrno>
#include <cstdlib>

namespace llmapi::admin {

Args::Args(const std::string& command, const std::vector<std::string>& argv, std::initializer_list<OptionSpec> specs,
           size_t min_pos, size_t max_pos, const char* positional_names) {
    bool options_done = false;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (options_done || a.size() < 2 || a.compare(0, 2, "--") != 0) {
            positionals_.push_back(a);
            continue;
        }
        if (a == "--") {
            options_done = true;
            continue;
        }
        const size_t eq = a.find('=');
        const std::string name = a.substr(0, eq);
        const OptionSpec* spec = nullptr;
        for (const auto& s : specs)
            if (name == s.name) spec = &s;
        if (!spec) throw UsageError(command + ": unknown option " + name);
        if (options_.count(name)) throw UsageError(command + ": " + name + " given twice");
        std::string value;
        if (spec->takes_value) {
            if (eq != std::string::npos) value = a.substr(eq + 1);
            else if (i + 1 < argv.size()) value = argv[++i];
            else throw UsageError(command + ": " + name + " needs a value");
        } else if (eq != std::string::npos) {
            throw UsageError(command + ": " + name + " takes no value");
        }
        options_[name] = value;
    }
    if (positionals_.size() < min_pos)
        throw UsageError(command + ": missing argument (expected " + positional_names + ")");
    if (positionals_.size() > max_pos)
        throw UsageError(command + ": unexpected argument '" + positionals_[max_pos] + "'");
}

std::optional<std::string> Args::value(const std::string& option) const {
    auto it = options_.find(option);
    if (it == options_.end()) return std::nullopt;
    return it->second;
}

std::string one_line(std::string text) {
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return text;
}

std::optional<long> parse_count(const std::string& text, long max) {
    if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == ERANGE || v > max) return std::nullopt;
    return static_cast<long>(v);
}

const config::Config& Runtime::config() {
    if (!cfg_) {
        auto cfg = std::make_unique<config::Config>();
        std::string error;
        // The admin tool never signs tokens: no JWT secret needed.
        if (!config::load_config(path_, env_, *cfg, error, /*require_secret=*/false)) throw CommandError(error);
        cfg_ = std::move(cfg);
    }
    return *cfg_;
}

db::Pool& Runtime::pool() {
    if (!pool_) {
        // Connections open lazily: a sequential tool only ever opens one.
        pool_ = std::make_unique<db::Pool>(config().database, sql::mysql::get_mysql_driver_instance());
    }
    return *pool_;
}

}  // namespace llmapi::admin
