// Reading jansson values by path, e.g. "choices[0].message.content".
#pragma once

#include <string>
#include <vector>

#include "http_client.h"

namespace it {

json_t* jpath(const json_t* root, const std::string& path);       // null when absent
std::string jstr(const json_t* root, const std::string& path);    // "" unless a string
json_int_t jint(const json_t* root, const std::string& path);     // -1 unless an integer
size_t jsize(const json_t* root, const std::string& path);        // array/object size, 0 otherwise
std::string jdump(const json_t* root, const std::string& path);   // compact, sorted keys

// Each line of `text` parsed as JSON (null for a line that is not).
std::vector<JsonPtr> jsonLines(const std::string& text);

}  // namespace it
