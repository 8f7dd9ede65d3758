// Text helpers of the integration tests: lines, numbers as text, shell quoting, files.
#pragma once

#include <string>
#include <vector>

namespace it {

std::vector<std::string> lines(const std::string& text);  // non-empty lines
// "200 200 429": statuses (or any numbers) compared as text, so a failed assertion shows them.
std::string joined(const std::vector<long>& numbers);
std::string shellQuote(const std::string& s);       // one /bin/sh word, in single quotes
std::string readTextFile(const std::string& path);  // "" when it does not exist
// Runs a /bin/sh command line; its standard output (add 2>&1 for both) and exit status (-1: no exit).
struct CommandResult {
    int status = -1;
    std::string out;
};
CommandResult runCommand(const std::string& commandLine);

}  // namespace it
