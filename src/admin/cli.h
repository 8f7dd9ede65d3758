// llm-api-admin: what every command shares — its two kinds of error, the
// argument parser and the lazily loaded configuration and database pool.
#pragma once
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.h"
#include "db/pool.h"

namespace llmapi::admin {

// The command line is wrong: unknown command or option, a missing or extra
// argument, a value that doesn't parse. Exit code 2, nothing was done.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The command could not be carried out (unknown user, bad file, ...). Exit code 1.
class CommandError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    const char* name;  // "--email"
    bool takes_value;
};

// A command's arguments: options (given once each, "--name value" or
// "--name=value") and positionals; "--" ends the options.
class Args {
public:
    // Throws UsageError("COMMAND: ...") for an unknown or repeated option, a
    // missing value, or a positional count outside [min_pos, max_pos].
    Args(const std::string& command, const std::vector<std::string>& argv, std::initializer_list<OptionSpec> specs,
         size_t min_pos, size_t max_pos, const char* positional_names);

    bool has(const std::string& option) const { return options_.count(option) > 0; }
    std::optional<std::string> value(const std::string& option) const;
    const std::string& positional(size_t i) const { return positionals_.at(i); }
    size_t positionals() const { return positionals_.size(); }

private:
    std::map<std::string, std::string> options_;
    std::vector<std::string> positionals_;
};

// `text` with control characters (newlines, escapes) shown as '?', so a
// message quoting input stays one line on the terminal.
std::string one_line(std::string text);

// A non-negative decimal integer no larger than `max`, or nullopt.
std::optional<long> parse_count(const std::string& text, long max);

// Configuration and database, loaded on first use so that a command checks
// its arguments (exit 2) before anything can fail at run time (exit 1).
class Runtime {
public:
    Runtime(std::string config_path, const char* const* env) : path_(std::move(config_path)), env_(env) {}
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    const config::Config& config();  // CommandError with load_config's one line
    db::Pool& pool();

private:
    std::string path_;
    const char* const* env_;
    std::unique_ptr<config::Config> cfg_;
    std::unique_ptr<db::Pool> pool_;
};

// The commands: each parses its own arguments, then does its work, prints
// its result on stdout and returns the exit code (errors are thrown).
using CommandFn = int (*)(const std::vector<std::string>& args, Runtime& rt);
int cmd_migrate(const std::vector<std::string>& args, Runtime& rt);
int cmd_create_user(const std::vector<std::string>& args, Runtime& rt);
int cmd_set_active(const std::vector<std::string>& args, Runtime& rt);
int cmd_set_limits(const std::vector<std::string>& args, Runtime& rt);
int cmd_usage(const std::vector<std::string>& args, Runtime& rt);
int cmd_import_django_users(const std::vector<std::string>& args, Runtime& rt);
int cmd_prune(const std::vector<std::string>& args, Runtime& rt);
int cmd_keys(const std::vector<std::string>& args, Runtime& rt);

}  // namespace llmapi::admin
