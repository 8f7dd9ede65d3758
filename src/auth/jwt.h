// Access and refresh tokens as djangorestframework-simplejwt 5.5 makes them:
// HS256, claims token_type, exp, iat, jti (uuid4 hex), user_id.
#pragma once
#include <cstdint>
#include <string>

namespace llmapi::auth {

enum class TokenType { Access, Refresh };

const char* token_type_name(TokenType t);

struct TokenClaims {
    TokenType type = TokenType::Access;
    long exp = 0;
    long iat = 0;
    std::string jti;
    bool has_user_id = false;
    int64_t user_id = 0;
};

// Why a token was refused; `message` is simplejwt's wording.
enum class TokenStatus { Valid, Invalid, Expired, WrongType, NoId, NoExp, NoType };

struct VerifyResult {
    TokenStatus status = TokenStatus::Invalid;
    std::string message;  // "Token is invalid", "Token is expired", ...
    TokenClaims claims;
    bool ok() const { return status == TokenStatus::Valid; }
};

class JwtService {
public:
    JwtService(std::string secret, long access_lifetime_s, long refresh_lifetime_s);

    // A new signed token for user_id, issued at `now` (unix seconds).
    std::string issue(TokenType type, int64_t user_id, long now) const;

    // Verifies signature (HS256 with our key only, whatever the header says),
    // expiry and type, in simplejwt's order. Never throws.
    VerifyResult verify(const std::string& token, TokenType expected, long now) const;

    long lifetime(TokenType t) const { return t == TokenType::Access ? access_lifetime_s_ : refresh_lifetime_s_; }

private:
    std::string secret_;
    long access_lifetime_s_;
    long refresh_lifetime_s_;
};

}  // namespace llmapi::auth
