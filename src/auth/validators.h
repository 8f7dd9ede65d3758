// Django's validators for usernames and emails.
#pragma once
#include <cstddef>
#include <string>

namespace llmapi::auth {

// The limits of Django's User model and of our signup, shared by the signup
// endpoint and llm-api-admin.
constexpr size_t kUsernameMaxLength = 150;  // User.username max_length, in characters
constexpr size_t kEmailMaxLength = 254;     // EmailField
constexpr size_t kPasswordMaxBytes = 4096;  // a bound on what we hash

// Django's UnicodeUsernameValidator: ^[\w.@+-]+\Z with Unicode \w
// (letters, digits and '_' of any script); length is checked apart.
bool valid_username(const std::string& username);
constexpr const char* kUsernameMessage =
    "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.";

// Django's EmailValidator, for ASCII addresses and domains (an IDN domain in
// Unicode is accepted when its labels are letters/digits/hyphens).
bool valid_email(const std::string& email);

}  // namespace llmapi::auth
