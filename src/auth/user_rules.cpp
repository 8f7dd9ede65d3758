#include "auth/user_rules.h"

#include "auth/validators.h"
#include "common/json.h"
#include "http/fields.h"

namespace llmapi::auth {

std::optional<std::string> username_rule(const std::string& username) {
    if (!valid_username(username)) return std::string(kUsernameMessage);
    return std::nullopt;
}

std::optional<std::string> email_rule(const std::string& email) {
    if (!email.empty() && !valid_email(email)) return std::string("Enter a valid email address.");
    return std::nullopt;
}

std::optional<std::string> password_rule(const std::string& password, int min_length) {
    const size_t min_len = min_length > 0 ? static_cast<size_t>(min_length) : 0;
    if (http::utf8_length(password) < min_len)
        return "This password is too short. It must contain at least " + std::to_string(min_len) +
               (min_len == 1 ? " character." : " characters.");
    if (password.size() > kPasswordMaxBytes)
        return "Ensure this field has no more than " + std::to_string(kPasswordMaxBytes) + " characters.";
    return std::nullopt;
}

bool valid_utf8(const std::string& s) {
    // jansson refuses invalid UTF-8 (overlongs, surrogates) when making a string.
    JsonPtr j(json_stringn(s.data(), s.size()));
    return j != nullptr;
}

std::optional<std::string> username_problem(const std::string& username) {
    if (username.empty()) return "the username is empty";
    if (!valid_utf8(username)) return "the username is not valid UTF-8";
    if (http::utf8_length(username) > kUsernameMaxLength)
        return "the username has more than " + std::to_string(kUsernameMaxLength) + " characters";
    return username_rule(username);
}

std::optional<std::string> email_problem(const std::string& email) {
    if (email.empty()) return std::nullopt;
    if (!valid_utf8(email) || http::utf8_length(email) > kEmailMaxLength || email_rule(email))
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
    return password_rule(password, min_length);
}

}  // namespace llmapi::auth
