// The signup endpoint's rules for usernames, emails and passwords (Django's
// validators), for create-user and import-django-users. Each returns why
// the value is refused, or nullopt when it is fine.
#pragma once
#include <optional>
#include <string>

namespace llmapi::admin {

// 1-150 characters of Django's UnicodeUsernameValidator, valid UTF-8.
std::optional<std::string> username_problem(const std::string& username);
// Empty, or a valid address of at most 254 characters.
std::optional<std::string> email_problem(const std::string& email);
// At least `min_length` characters and at most 4096 bytes once stripped of
// surrounding whitespace; strips `password` in place, as DRF's CharField does
// at signup and at login, so the stored hash matches what login checks.
std::optional<std::string> password_problem(std::string& password, int min_length);

bool valid_utf8(const std::string& s);

}  // namespace llmapi::admin
