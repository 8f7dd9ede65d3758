#include "admin/user_rules.h"

#include "auth/validators.h"
#include "common/json.h"
#include "http/fields.h"

namespace llmapi::admin {

using auth::kPasswordMaxBytes;
constexpr size_t kUsernameMax = auth::kUsernameMaxLength;
constexpr size_t kEmailMax = auth::kEmailMaxLength;

bool valid_utf8(const std::string& s) {
    // jansson refuses invalid UTF-8 (overlongs, surrogates) when making a string.
    JsonPtr j(json_stringn(s.data(), s.size()));
    return j != nullptr;
}

std::optional<std::string> username_problem(const std::string& username) {
    if (username.empty()) return "the username is empty";
    if (!valid_utf8(username)) return "the username is not valid UTF-8";
    if (http::utf8_length(username) > kUsernameMax)
        return "the username has more than " + std::to_string(kUsernameMax) + " characters";
    if (!auth::valid_username(username)) return auth::kUsernameMessage;
    return std::nullopt;
}

std::optional<std::string> email_problem(const std::string& email) {
    if (email.empty()) return std::nullopt;
    if (!valid_utf8(email) || http::utf8_length(email) > kEmailMax || !auth::valid_email(email))
        return "'" + email + "' is not a valid email address";
    return std::nullopt;
}

std::optional<std::string> password_problem(std::string& password, int min_length) {
    if (!valid_utf8(password)) return "the password is not valid UTF-8";
    // The very CharField the signup endpoint uses, so both strip alike.
    JsonPtr data(json_object());
    json_object_set_new(data.get(), "password", json_stringn(password.data(), password.size()));
    http::FieldErrors errors;
    auto stripped = http::char_field(data.get(), "password", errors);
    if (!stripped) return "the password is empty";
    password = *stripped;
    const size_t min_len = min_length > 0 ? static_cast<size_t>(min_length) : 0;
    if (http::utf8_length(password) < min_len)
        return "the password is too short: it must contain at least " + std::to_string(min_len) + " characters";
    if (password.size() > kPasswordMaxBytes)
        return "the password is longer than " + std::to_string(kPasswordMaxBytes) + " bytes";
    return std::nullopt;
}

}  // namespace llmapi::admin
