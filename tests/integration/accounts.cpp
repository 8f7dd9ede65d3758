#include "accounts.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "assertions.h"
#include "stack.h"

namespace it {
namespace {

const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

std::string uniqueName(const std::string& prefix) {
    static std::atomic<int> counter{0};
    return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(std::time(nullptr)) + "_" +
           std::to_string(++counter);
}

std::string signupBody(const User& u) {
    JsonPtr body = jsonObject({{"username", u.username}, {"password", u.password}});
    if (!u.email.empty()) json_object_set_new(body.get(), "email", json_string(u.email.c_str()));
    return dumpJson(body.get());
}

std::string credentialsBody(const std::string& username, const std::string& password) {
    return signupBody({username, password, ""});
}

User createUser(const std::string& email) {
    User u{uniqueName(), "Secure_pwd_123", email};
    ASSERT_RESPONSE(201, R"({"message":"User created successfully"})", postJson("/api/signup/", signupBody(u)));
    return u;
}

TokenPair login(const User& u) {
    Response r = postJson("/api/token/", credentialsBody(u.username, u.password));
    ASSERT_STATUS(200, r);
    ASSERT_KEYS((std::set<std::string>{"access", "refresh"}), r);
    JsonPtr body = r.json();
    return {jsonString(body.get(), "access"), jsonString(body.get(), "refresh")};
}

Response refresh(const std::string& refreshToken) {
    return postJson("/api/token/refresh/", dumpJson(jsonObject({{"refresh", refreshToken}}).get()));
}

Response blacklist(const std::string& refreshToken) {
    return postJson("/api/token/blacklist/", dumpJson(jsonObject({{"refresh", refreshToken}}).get()));
}

Account createAccount() {
    Account a;
    a.user = createUser();
    a.token = login(a.user).access;
    a.id = userIdOf(a.token);
    return a;
}

std::string tokenNotValidBody(const std::string& message) {
    return R"({"detail":"Given token not valid for any token type","code":"token_not_valid",)"
           R"("messages":[{"token_class":"AccessToken","token_type":"access","message":")" +
           message + R"("}]})";
}

std::string refreshErrorBody(const std::string& detail) {
    return R"({"detail":")" + detail + R"(","code":"token_not_valid"})";
}

// ---- changes behind the service's back -------------------------------------

void setActive(const std::string& username, bool active) {
    sql(std::string("UPDATE users SET is_active=") + (active ? "1" : "0") + " WHERE username=" + sqlQuote(username));
    awaitUserCache();
}

void deleteUser(const std::string& username) {
    sql("DELETE FROM users WHERE username=" + sqlQuote(username));
    awaitUserCache();
}

void awaitUserCache() { std::this_thread::sleep_for(std::chrono::milliseconds(kUserCacheMs + 50)); }

// ---- tokens, decoded and forged --------------------------------------------

std::string base64url(const std::string& raw) {
    std::string out;
    unsigned val = 0;
    int bits = 0;
    for (unsigned char c : raw) {
        val = (val << 8) | c;
        bits += 8;
        while (bits >= 6) out += kB64[(val >> (bits -= 6)) & 0x3f];
    }
    if (bits > 0) out += kB64[(val << (6 - bits)) & 0x3f];
    return out;
}

std::string base64urlDecode(const std::string& text) {
    std::string out;
    unsigned val = 0;
    int bits = 0;
    for (char c : text) {
        const char* p = std::strchr(kB64, c);
        if (!p || !c) break;  // '=' padding or junk ends the data
        val = (val << 6) | static_cast<unsigned>(p - kB64);
        bits += 6;
        if (bits >= 8) out += static_cast<char>((val >> (bits -= 8)) & 0xff);
    }
    return out;
}

JsonPtr tokenPart(const std::string& token, int index) {
    std::vector<std::string> parts;
    std::stringstream ss(token);
    for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
    if (index >= static_cast<int>(parts.size())) return nullptr;
    return parseJson(base64urlDecode(parts[index]));
}

json_int_t userIdOf(const std::string& token) {
    return json_integer_value(json_object_get(tokenPart(token, 1).get(), "user_id"));
}

std::string secret() { return stackEnv("LLMAPI_TEST_SECRET"); }

JsonPtr makeClaims(const std::string& tokenType, json_int_t userId, long expIn) {
    static std::mt19937_64 rng{std::random_device{}()};
    char jti[33];
    std::snprintf(jti, sizeof jti, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    json_int_t now = std::time(nullptr);
    return JsonPtr(json_pack("{s:s, s:I, s:I, s:s, s:I}", "token_type", tokenType.c_str(), "exp", now + expIn, "iat",
                             now, "jti", jti, "user_id", userId));
}

std::string forgeToken(const json_t* claims, jwt_alg_t alg, const std::string& key) {
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
    std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
    std::string grants = dumpJson(claims);
    if (jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(key.data()),
                    static_cast<int>(key.size())) != 0 ||
        jwt_add_grants_json(jwt.get(), grants.c_str()) != 0)
        throw std::runtime_error("libjwt refused the claims " + grants);
    std::unique_ptr<char, void (*)(void*)> token(jwt_encode_str(jwt.get()), std::free);
    if (!token) throw std::runtime_error("jwt_encode_str failed");
    return token.get();
}

std::string forgeToken(const json_t* claims) { return forgeToken(claims, JWT_ALG_HS256, secret()); }

std::string unsignedToken(const json_t* claims) {
    return base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(dumpJson(claims)) + ".";
}

}  // namespace it
