#include "api/handlers/key_fields.h"

#include <cmath>
#include <set>

#include "auth/api_key.h"
#include "common/datetime.h"

namespace llmapi::api::handlers {

namespace {

constexpr long kMaxRequestsPerMinute = 2147483647L;  // the INT column
constexpr long kMaxTokensPerDay = 1L << 50;

// DRF ListField(child=CharField(), allow_empty=False, allow_null=True):
// absent or null = nullopt; each item checked by `item_error` ("" = fine).
template <class ItemError>
std::optional<std::vector<std::string>> list_field(const json_t* data, const char* name, http::FieldErrors& errors,
                                                   ItemError item_error) {
    const json_t* v = json_object_get(data, name);
    if (!v || json_is_null(v)) return std::nullopt;
    if (!json_is_array(v)) {
        errors.add(name, std::string("Expected a list of items but got type \"") +
                             (json_is_string(v) ? "str" : json_is_integer(v) ? "int" : json_is_object(v) ? "dict"
                                                                                                          : "other") +
                             "\".");
        return std::nullopt;
    }
    if (json_array_size(v) == 0) {
        errors.add(name, "This list may not be empty.");
        return std::nullopt;
    }
    if (json_array_size(v) > kKeyMaxListItems) {
        errors.add(name, "Ensure this field has no more than " + std::to_string(kKeyMaxListItems) + " elements.");
        return std::nullopt;
    }
    std::vector<std::string> out;
    std::set<std::string> seen;
    size_t i;
    const json_t* item;
    bool ok = true;
    json_array_foreach(v, i, item) {
        if (!json_is_string(item)) {
            errors.add(name, "Item " + std::to_string(i) + ": Not a valid string.");
            ok = false;
            continue;
        }
        const std::string s = json_string_value(item);
        const std::string why = item_error(s);
        if (!why.empty()) {
            errors.add(name, why);
            ok = false;
        } else if (seen.insert(s).second) {
            out.push_back(s);
        }
    }
    if (!ok) return std::nullopt;
    return out;
}

// DRF IntegerField(min_value=1, max_value=max, allow_null=True, required=False):
// -1 when absent or null.
long count_field(const json_t* data, const char* name, long max, http::FieldErrors& errors) {
    const json_t* v = json_object_get(data, name);
    if (!v || json_is_null(v)) return -1;
    long n = 0;
    if (json_is_integer(v)) {
        n = static_cast<long>(json_integer_value(v));
    } else if (json_is_real(v) && std::floor(json_real_value(v)) == json_real_value(v) &&
               std::fabs(json_real_value(v)) < 1e15) {
        n = static_cast<long>(json_real_value(v));
    } else if (json_is_string(v) && !std::string(json_string_value(v)).empty() &&
               std::string(json_string_value(v)).find_first_not_of("0123456789") == std::string::npos &&
               std::string(json_string_value(v)).size() <= 16) {
        n = std::stol(json_string_value(v));
    } else {
        errors.add(name, "A valid integer is required.");
        return -1;
    }
    if (n < 1) errors.add(name, "Ensure this value is greater than or equal to 1.");
    else if (n > max) errors.add(name, "Ensure this value is less than or equal to " + std::to_string(max) + ".");
    return n;
}

}  // namespace

db::NewKeyRow read_new_key(const json_t* data, const std::vector<std::string>& configured, int64_t now_us,
                           http::FieldErrors& errors) {
    db::NewKeyRow row;
    if (auto name = http::char_field(data, "name", errors, {true, false, true, kKeyNameMaxLength})) row.name = *name;
    const json_t* exp = json_object_get(data, "expires_at");
    if (exp && !json_is_null(exp)) {
        const std::optional<int64_t> t = json_is_string(exp) ? parse_iso8601(json_string_value(exp)) : std::nullopt;
        if (!t)
            errors.add("expires_at",
                       "Datetime has wrong format. Use one of these formats instead: "
                       "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].");
        else if (*t <= now_us)
            errors.add("expires_at", "Enter a date/time in the future.");
        else
            row.expires_us = t;
    }
    row.providers = list_field(data, "providers", errors, [&](const std::string& p) -> std::string {
        for (const auto& c : configured)
            if (c == p) return "";
        std::string names;
        for (const auto& c : configured) names += (names.empty() ? "" : ", ") + c;
        return "\"" + p + "\" is not a configured provider (configured: " + names + ").";
    });
    row.models = list_field(data, "models", errors, [](const std::string& m) -> std::string {
        if (auth::valid_model_pattern(m)) return "";
        return "\"" + m + "\" is not a model id or a prefix ending in \"*\" (such as \"gpt-4o*\").";
    });
    row.requests_per_minute = count_field(data, "requests_per_minute", kMaxRequestsPerMinute, errors);
    row.tokens_per_day = count_field(data, "tokens_per_day", kMaxTokensPerDay, errors);
    return row;
}

}  // namespace llmapi::api::handlers
