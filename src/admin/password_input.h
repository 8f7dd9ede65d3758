// Reading a new password: from the terminal with echo off, or one line of stdin.
#pragma once
#include <string>

namespace llmapi::admin {

// With `from_stdin`, or when stdin is not a terminal: one line of stdin
// (its "\n" / "\r\n" removed). Otherwise asks twice on the terminal with
// echo off. Throws CommandError when nothing was read or the two differ.
std::string read_new_password(bool from_stdin);

}  // namespace llmapi::admin
