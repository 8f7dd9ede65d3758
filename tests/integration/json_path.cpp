#include "json_path.h"

#include <stdexcept>

#include "text.h"

namespace it {

json_t* jpath(const json_t* root, const std::string& path) {
    json_t* cur = const_cast<json_t*>(root);
    size_t pos = 0;
    while (cur && pos < path.size()) {
        if (path[pos] == '.') ++pos;
        if (path[pos] == '[') {
            size_t close = path.find(']', pos);
            if (close == std::string::npos) throw std::logic_error("bad JSON path " + path);
            cur = json_array_get(cur, std::stoul(path.substr(pos + 1, close - pos - 1)));
            pos = close + 1;
        } else {
            size_t end = path.find_first_of(".[", pos);
            if (end == std::string::npos) end = path.size();
            cur = json_object_get(cur, path.substr(pos, end - pos).c_str());
            pos = end;
        }
    }
    return cur;
}

std::string jstr(const json_t* root, const std::string& path) {
    const char* s = json_string_value(jpath(root, path));
    return s ? s : "";
}

json_int_t jint(const json_t* root, const std::string& path) {
    json_t* v = jpath(root, path);
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

size_t jsize(const json_t* root, const std::string& path) {
    json_t* v = jpath(root, path);
    return json_is_array(v) ? json_array_size(v) : json_is_object(v) ? json_object_size(v) : 0;
}

std::string jdump(const json_t* root, const std::string& path) {
    json_t* v = jpath(root, path);
    return v ? dumpJson(v) : "(absent)";
}

std::vector<JsonPtr> jsonLines(const std::string& text) {
    std::vector<JsonPtr> out;
    for (const auto& l : lines(text)) out.push_back(parseJson(l));
    return out;
}

}  // namespace it
