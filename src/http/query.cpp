#include <cgicc/CgiUtils.h>

#include "http/request.h"

namespace llmapi::http {

bool is_loopback(const std::string& addr) {
    return addr == "::1" || addr.rfind("127.", 0) == 0 || addr.rfind("::ffff:127.", 0) == 0;
}

std::string query_param(const std::string& query, const std::string& name, bool* found) {
    size_t pos = 0;
    while (pos <= query.size()) {
        size_t amp = query.find('&', pos);
        if (amp == std::string::npos) amp = query.size();
        const std::string pair = query.substr(pos, amp - pos);
        const size_t eq = pair.find('=');
        if (cgicc::form_urldecode(pair.substr(0, eq)) == name) {
            if (found) *found = true;
            return eq == std::string::npos ? "" : cgicc::form_urldecode(pair.substr(eq + 1));
        }
        pos = amp + 1;
    }
    if (found) *found = false;
    return "";
}

}  // namespace llmapi::http
