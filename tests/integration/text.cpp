#include "text.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <iterator>
#include <sstream>

namespace it {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string l; std::getline(ss, l);)
        if (!l.empty()) out.push_back(l);
    return out;
}

std::string joined(const std::vector<long>& numbers) {
    std::string out;
    for (long n : numbers) out += (out.empty() ? "" : " ") + std::to_string(n);
    return out;
}

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

CommandResult runCommand(const std::string& commandLine) {
    FILE* p = popen(commandLine.c_str(), "r");
    if (!p) throw std::runtime_error("popen failed: " + commandLine);
    CommandResult r;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    const int status = pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string readTextFile(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

}  // namespace it
