// llmapi::auth::JwtService against djangorestframework-simplejwt 5.5 behaviour.
#include "auth/jwt.h"

#include <cppunit/extensions/HelperMacros.h>
#include <jwt.h>
#include <openssl/evp.h>

#include <memory>
#include <regex>
#include <set>
#include <string>

#include "common/json.h"

using llmapi::JsonPtr;
using llmapi::auth::JwtService;
using llmapi::auth::TokenStatus;
using llmapi::auth::TokenType;
using llmapi::auth::VerifyResult;

namespace {

const std::string kKey = "test-secret-test-secret-test-secret-0123";
const long kNow = 1700000000;
const JwtService kService(kKey, 300, 86400);

std::string b64url(const std::string& in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]),
                                  reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<size_t>(n));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
}

std::string unb64url(std::string in) {
    for (char& c : in) c = c == '-' ? '+' : c == '_' ? '/' : c;
    const size_t pad = (4 - in.size() % 4) % 4;
    in.append(pad, '=');
    std::string out(in.size(), '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(&out[0]),
                                  reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    CPPUNIT_ASSERT(n >= 0);
    out.resize(static_cast<size_t>(n) - pad);
    return out;
}

// Part `i` (0 header, 1 payload) of a token, decoded and parsed.
JsonPtr part(const std::string& token, int i) {
    const size_t d1 = token.find('.'), d2 = token.find('.', d1 + 1);
    CPPUNIT_ASSERT(d1 != std::string::npos && d2 != std::string::npos);
    const std::string seg = i == 0 ? token.substr(0, d1) : token.substr(d1 + 1, d2 - d1 - 1);
    JsonPtr j(json_loads(unb64url(seg).c_str(), 0, nullptr));
    CPPUNIT_ASSERT(json_is_object(j.get()));
    return j;
}

// A token with arbitrary claims, signed by libjwt with `alg` and `key`.
std::string forge(const std::string& claims, jwt_alg_t alg = JWT_ALG_HS256, const std::string& key = kKey) {
    jwt_t* raw = nullptr;
    CPPUNIT_ASSERT_EQUAL(0, jwt_new(&raw));
    std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
    CPPUNIT_ASSERT_EQUAL(0, jwt_add_grants_json(raw, claims.c_str()));
    CPPUNIT_ASSERT_EQUAL(0, jwt_set_alg(raw, alg, reinterpret_cast<const unsigned char*>(key.data()),
                                        static_cast<int>(key.size())));
    std::unique_ptr<char, void (*)(void*)> s(jwt_encode_str(raw), free);
    CPPUNIT_ASSERT(s);
    return s.get();
}

// Claims like simplejwt's, exp/iat relative to kNow, with `extra` spliced in last.
std::string claims(const char* type = "access", long exp_in = 300, const std::string& extra = "") {
    return "{\"token_type\":\"" + std::string(type) + "\",\"exp\":" + std::to_string(kNow + exp_in) +
           ",\"iat\":" + std::to_string(kNow) + ",\"jti\":\"0123456789abcdef0123456789abcdef\"" + extra + "}";
}

void expect_rejected(const std::string& token, TokenStatus status, const std::string& message,
                     TokenType expected = TokenType::Access) {
    const VerifyResult r = kService.verify(token, expected, kNow);
    CPPUNIT_ASSERT_MESSAGE(token, !r.ok());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(token, message, r.message);
    CPPUNIT_ASSERT_MESSAGE(token, r.status == status);
}

void expect_invalid(const std::string& token) { expect_rejected(token, TokenStatus::Invalid, "Token is invalid"); }

}  // namespace

class JwtTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(JwtTest);
    CPPUNIT_TEST(testRoundTripAccess);
    CPPUNIT_TEST(testRoundTripRefresh);
    CPPUNIT_TEST(testJtiUnique);
    CPPUNIT_TEST(testGarbageAndEmpty);
    CPPUNIT_TEST(testWrongKey);
    CPPUNIT_TEST(testAlgNone);
    CPPUNIT_TEST(testOtherHmacAlgorithmsSameKey);
    CPPUNIT_TEST(testTamperedPayload);
    CPPUNIT_TEST(testExpired);
    CPPUNIT_TEST(testMissingClaims);
    CPPUNIT_TEST(testWrongType);
    CPPUNIT_TEST(testBadTimeClaims);
    CPPUNIT_TEST(testUserIdForms);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRoundTripAccess() {
        const std::string t = kService.issue(TokenType::Access, 42, kNow);
        JsonPtr header = part(t, 0), payload = part(t, 1);
        CPPUNIT_ASSERT_EQUAL(std::string("HS256"), std::string(json_string_value(json_object_get(header.get(), "alg"))));
        CPPUNIT_ASSERT_EQUAL(std::string("access"),
                             std::string(json_string_value(json_object_get(payload.get(), "token_type"))));
        CPPUNIT_ASSERT_EQUAL(json_int_t(kNow), json_integer_value(json_object_get(payload.get(), "iat")));
        CPPUNIT_ASSERT_EQUAL(json_int_t(kNow + 300), json_integer_value(json_object_get(payload.get(), "exp")));
        CPPUNIT_ASSERT(json_is_integer(json_object_get(payload.get(), "user_id")));
        CPPUNIT_ASSERT_EQUAL(json_int_t(42), json_integer_value(json_object_get(payload.get(), "user_id")));
        const char* jti = json_string_value(json_object_get(payload.get(), "jti"));
        CPPUNIT_ASSERT(jti && std::regex_match(jti, std::regex("[0-9a-f]{32}")));

        const VerifyResult r = kService.verify(t, TokenType::Access, kNow + 299);
        CPPUNIT_ASSERT_EQUAL(std::string(), r.message);
        CPPUNIT_ASSERT(r.ok());
        CPPUNIT_ASSERT(r.claims.type == TokenType::Access);
        CPPUNIT_ASSERT(r.claims.has_user_id);
        CPPUNIT_ASSERT_EQUAL(int64_t(42), r.claims.user_id);
        CPPUNIT_ASSERT_EQUAL(kNow + 300, r.claims.exp);
        CPPUNIT_ASSERT_EQUAL(kNow, r.claims.iat);
        CPPUNIT_ASSERT_EQUAL(std::string(jti), r.claims.jti);
    }

    void testRoundTripRefresh() {
        const std::string t = kService.issue(TokenType::Refresh, 7, kNow);
        JsonPtr payload = part(t, 1);
        CPPUNIT_ASSERT_EQUAL(std::string("refresh"),
                             std::string(json_string_value(json_object_get(payload.get(), "token_type"))));
        CPPUNIT_ASSERT_EQUAL(json_int_t(kNow + 86400), json_integer_value(json_object_get(payload.get(), "exp")));
        const VerifyResult r = kService.verify(t, TokenType::Refresh, kNow + 86399);
        CPPUNIT_ASSERT(r.ok());
        CPPUNIT_ASSERT(r.claims.type == TokenType::Refresh);
        CPPUNIT_ASSERT_EQUAL(int64_t(7), r.claims.user_id);
        CPPUNIT_ASSERT_EQUAL(86400L, kService.lifetime(TokenType::Refresh));
    }

    void testJtiUnique() {
        std::set<std::string> seen;
        for (int i = 0; i < 50; ++i) seen.insert(kService.verify(kService.issue(TokenType::Access, 1, kNow),
                                                                  TokenType::Access, kNow).claims.jti);
        CPPUNIT_ASSERT_EQUAL(size_t(50), seen.size());
    }

    void testGarbageAndEmpty() {
        for (const char* t : {"", "garbage", "a.b.c", "..", "eyJhbGciOiJIUzI1NiJ9", "not.a.jwt.at.all"})
            expect_invalid(t);
        expect_invalid(kService.issue(TokenType::Access, 1, kNow) + std::string(9000, 'A'));  // oversized
    }

    void testWrongKey() {
        const JwtService other("another-secret-another-secret-another-1", 300, 86400);
        expect_invalid(other.issue(TokenType::Access, 1, kNow));
        expect_invalid(forge(claims("access", 300, ",\"user_id\":1"), JWT_ALG_HS256, kKey + "x"));
    }

    void testAlgNone() {
        const std::string body = b64url(claims("access", 300, ",\"user_id\":1"));
        expect_invalid(b64url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + body + ".");
        expect_invalid(b64url("{\"alg\":\"none\"}") + "." + body + ".");
        expect_invalid(b64url("{\"alg\":\"none\"}") + "." + body);
    }

    void testOtherHmacAlgorithmsSameKey() {
        const std::string c = claims("access", 300, ",\"user_id\":1");
        CPPUNIT_ASSERT(kService.verify(forge(c), TokenType::Access, kNow).ok());  // the forger itself works
        expect_invalid(forge(c, JWT_ALG_HS512));
        expect_invalid(forge(c, JWT_ALG_HS384));
    }

    void testTamperedPayload() {
        const std::string t = kService.issue(TokenType::Access, 1, kNow);
        const size_t d1 = t.find('.'), d2 = t.rfind('.');
        JsonPtr payload = part(t, 1);
        json_object_set_new(payload.get(), "user_id", json_integer(2));
        expect_invalid(t.substr(0, d1 + 1) + b64url(llmapi::json_to_string(payload.get())) + t.substr(d2));
        std::string flipped = t;
        flipped[d2 - 1] = flipped[d2 - 1] == 'A' ? 'B' : 'A';
        expect_invalid(flipped);
    }

    void testExpired() {
        expect_rejected(forge(claims("access", 0, ",\"user_id\":1")), TokenStatus::Expired, "Token is expired");
        expect_rejected(forge(claims("access", -1, ",\"user_id\":1")), TokenStatus::Expired, "Token is expired");
        const std::string t = kService.issue(TokenType::Access, 1, kNow - 300);  // exp == now
        expect_rejected(t, TokenStatus::Expired, "Token is expired");
    }

    void testMissingClaims() {
        expect_rejected(forge("{\"token_type\":\"access\",\"iat\":" + std::to_string(kNow) +
                              ",\"jti\":\"0123456789abcdef0123456789abcdef\",\"user_id\":1}"),
                        TokenStatus::NoExp, "Token has no 'exp' claim");
        expect_rejected(forge("{\"token_type\":\"access\",\"exp\":" + std::to_string(kNow + 300) + ",\"user_id\":1}"),
                        TokenStatus::NoId, "Token has no id");
        expect_rejected(forge("{\"exp\":" + std::to_string(kNow + 300) +
                              ",\"jti\":\"0123456789abcdef0123456789abcdef\",\"user_id\":1}"),
                        TokenStatus::NoType, "Token has no type");
    }

    void testWrongType() {
        expect_rejected(kService.issue(TokenType::Refresh, 1, kNow), TokenStatus::WrongType, "Token has wrong type");
        expect_rejected(kService.issue(TokenType::Access, 1, kNow), TokenStatus::WrongType, "Token has wrong type",
                        TokenType::Refresh);
        expect_rejected(forge(claims("bearer", 300, ",\"user_id\":1")), TokenStatus::WrongType,
                        "Token has wrong type");
    }

    void testBadTimeClaims() {
        expect_invalid(kService.issue(TokenType::Access, 1, kNow + 3600));  // iat an hour ahead
        expect_invalid(forge("{\"token_type\":\"access\",\"exp\":\"" + std::to_string(kNow + 300) +
                             "\",\"jti\":\"0123456789abcdef0123456789abcdef\",\"user_id\":1}"));
        expect_invalid(forge("{\"token_type\":\"access\",\"exp\":" + std::to_string(kNow + 300) +
                             ",\"iat\":\"soon\",\"jti\":\"0123456789abcdef0123456789abcdef\",\"user_id\":1}"));
    }

    void testUserIdForms() {
        VerifyResult r = kService.verify(forge(claims("access", 300, ",\"user_id\":\"123\"")), TokenType::Access, kNow);
        CPPUNIT_ASSERT(r.ok());
        CPPUNIT_ASSERT(r.claims.has_user_id);
        CPPUNIT_ASSERT_EQUAL(int64_t(123), r.claims.user_id);

        r = kService.verify(forge(claims()), TokenType::Access, kNow);
        CPPUNIT_ASSERT(r.ok());
        CPPUNIT_ASSERT(!r.claims.has_user_id);

        r = kService.verify(forge(claims("access", 300, ",\"user_id\":\"12a\"")), TokenType::Access, kNow);
        CPPUNIT_ASSERT(!r.claims.has_user_id);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JwtTest);
