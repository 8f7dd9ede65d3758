#include "auth/jwt.h"

#include <jwt.h>

#include <cmath>
#include <memory>
#include <stdexcept>

#include "common/json.h"
#include "common/random.h"

namespace llmapi::auth {

namespace {

struct JwtDeleter {
    void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter {
    void operator()(char* p) const { free(p); }
};

// iat a little in the future is tolerated: hosts of one deployment may
// disagree on the clock by a second or two.
constexpr long kIatLeewayS = 5;

VerifyResult fail(TokenStatus s, const char* message) {
    VerifyResult r;
    r.status = s;
    r.message = message;
    return r;
}

// A JSON number holding a whole value, as PyJWT requires for exp/iat.
bool as_int(const json_t* v, long& out) {
    if (json_is_integer(v)) {
        out = static_cast<long>(json_integer_value(v));
        return true;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (!std::isfinite(d)) return false;
        out = static_cast<long>(d);
        return true;
    }
    return false;
}

}  // namespace

const char* token_type_name(TokenType t) { return t == TokenType::Access ? "access" : "refresh"; }

JwtService::JwtService(std::string secret, long access_lifetime_s, long refresh_lifetime_s)
    : secret_(std::move(secret)), access_lifetime_s_(access_lifetime_s), refresh_lifetime_s_(refresh_lifetime_s) {}

std::string JwtService::issue(TokenType type, int64_t user_id, long now) const {
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
    JwtPtr jwt(raw);
    // simplejwt's claim order.
    JsonPtr claims(json_object());
    json_object_set_new(claims.get(), "token_type", json_string(token_type_name(type)));
    json_object_set_new(claims.get(), "exp", json_integer(now + lifetime(type)));
    json_object_set_new(claims.get(), "iat", json_integer(now));
    json_object_set_new(claims.get(), "jti", json_string(uuid4_hex().c_str()));
    json_object_set_new(claims.get(), "user_id", json_integer(user_id));
    if (jwt_add_grants_json(jwt.get(), json_to_string(claims.get()).c_str()) != 0 ||
        jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                    static_cast<int>(secret_.size())) != 0)
        throw std::runtime_error("jwt encode failed");
    std::unique_ptr<char, FreeDeleter> out(jwt_encode_str(jwt.get()));
    if (!out) throw std::runtime_error("jwt_encode_str failed");
    return out.get();
}

VerifyResult JwtService::verify(const std::string& token, TokenType expected, long now) const {
    if (token.empty() || token.size() > 8192) return fail(TokenStatus::Invalid, "Token is invalid");
    jwt_t* raw = nullptr;
    // libjwt 1.10 verifies with whatever alg the header names (and with no key
    // at all for alg=none), so the key is always passed and the alg checked here.
    int rc = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                        static_cast<int>(secret_.size()));
    JwtPtr jwt(raw);
    if (rc != 0 || !jwt || jwt_get_alg(jwt.get()) != JWT_ALG_HS256)
        return fail(TokenStatus::Invalid, "Token is invalid");

    std::unique_ptr<char, FreeDeleter> grants(jwt_get_grants_json(jwt.get(), nullptr));
    if (!grants) return fail(TokenStatus::Invalid, "Token is invalid");
    JsonPtr payload(json_loads(grants.get(), 0, nullptr));
    if (!json_is_object(payload.get())) return fail(TokenStatus::Invalid, "Token is invalid");

    // PyJWT's checks, then simplejwt's Token.verify(): exp, jti, token_type.
    VerifyResult r;
    const json_t* exp = json_object_get(payload.get(), "exp");
    const json_t* iat = json_object_get(payload.get(), "iat");
    if (exp && !as_int(exp, r.claims.exp)) return fail(TokenStatus::Invalid, "Token is invalid");
    if (iat && (!as_int(iat, r.claims.iat) || r.claims.iat > now + kIatLeewayS))
        return fail(TokenStatus::Invalid, "Token is invalid");
    if (exp && r.claims.exp <= now) return fail(TokenStatus::Expired, "Token is expired");
    if (!exp) return fail(TokenStatus::NoExp, "Token has no 'exp' claim");

    const json_t* jti = json_object_get(payload.get(), "jti");
    if (!jti) return fail(TokenStatus::NoId, "Token has no id");
    if (!json_is_string(jti)) return fail(TokenStatus::Invalid, "Token is invalid");
    r.claims.jti = json_string_value(jti);

    const json_t* type = json_object_get(payload.get(), "token_type");
    if (!type) return fail(TokenStatus::NoType, "Token has no type");
    const char* type_s = json_is_string(type) ? json_string_value(type) : "";
    if (std::string(type_s) != token_type_name(expected)) return fail(TokenStatus::WrongType, "Token has wrong type");
    r.claims.type = expected;

    // user_id: an integer, or a string of digits (simplejwt looks it up as given).
    const json_t* uid = json_object_get(payload.get(), "user_id");
    if (json_is_integer(uid)) {
        r.claims.has_user_id = true;
        r.claims.user_id = json_integer_value(uid);
    } else if (json_is_string(uid)) {
        const std::string s = json_string_value(uid);
        if (!s.empty() && s.size() < 19 && s.find_first_not_of("0123456789") == std::string::npos) {
            r.claims.has_user_id = true;
            r.claims.user_id = std::stoll(s);
        }
    }
    r.status = TokenStatus::Valid;
    return r;
}

}  // namespace llmapi::auth
