// The rules for a new account (Django's validators and our signup limits),
// in one place for the signup endpoint and llm-api-admin. The *_rule
// functions check a value already read as DRF's CharField reads it and
// return DRF's message; the *_problem ones check raw command-line input
// for llm-api-admin (encoding, length, stripping) and then the same rule.
#pragma once
#include <optional>
#include <string>

namespace llmapi::auth {

// Signup's messages, nullopt when the value is fine.
std::optional<std::string> username_rule(const std::string& username);  // Django's UnicodeUsernameValidator
std::optional<std::string> email_rule(const std::string& email);        // "" or a valid address
std::optional<std::string> password_rule(const std::string& password, int min_length);

// llm-api-admin's checks of raw input.
std::optional<std::string> username_problem(const std::string& username);
std::optional<std::string> email_problem(const std::string& email);
// Strips `password` in place, as DRF's CharField does at signup and at
// login, so the stored hash matches what login checks.
std::optional<std::string> password_problem(std::string& password, int min_length);

bool valid_utf8(const std::string& s);

}  // namespace llmapi::auth
