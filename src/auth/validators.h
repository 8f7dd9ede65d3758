// Django's validators for usernames and emails.
#pragma once
#include <string>

namespace llmapi::auth {

// Django's UnicodeUsernameValidator: ^[\w.@+-]+\Z with Unicode \w
// (letters, digits and '_' of any script); length is checked apart.
bool valid_username(const std::string& username);
constexpr const char* kUsernameMessage =
    "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.";

// Django's EmailValidator, for ASCII addresses and domains (an IDN domain in
// Unicode is accepted when its labels are letters/digits/hyphens).
bool valid_email(const std::string& email);

}  // namespace llmapi::auth
