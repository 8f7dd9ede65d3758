// Django compatibility of llmapi::auth password hashing.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cerrno>
#include "auth/password.h"

#include <cppunit/extensions/HelperMacros.h>
#include <openssl/evp.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <regex>
#include <thread>
#include <stdexcept>
#include <string>

using llmapi::auth::Argon2Params;
using llmapi::auth::PasswordHasher;
using llmapi::auth::hash_password;
using llmapi::auth::verify_password;

namespace {

// Vectors made by Django's own hashers (Debian 12: Django 3.2.25, argon2-cffi
// 21.1.0; Django 4.2 builds the same strings) with /usr/bin/python3 and:
//
//   import django, argon2
//   from django.conf import settings
//   settings.configure(PASSWORD_HASHERS=[
//       "django.contrib.auth.hashers.Argon2PasswordHasher",
//       "django.contrib.auth.hashers.PBKDF2PasswordHasher"])
//   django.setup()
//   from django.contrib.auth.hashers import (make_password,
//       PBKDF2PasswordHasher, Argon2PasswordHasher)
//   h600k = PBKDF2PasswordHasher(); h600k.iterations = 600000  # Django 4.2 default
//   h1k = PBKDF2PasswordHasher(); h1k.iterations = 1000
//   class Argon2Len32(Argon2PasswordHasher):  # = Django 4.2 + argon2-cffi >= 21.2
//       def params(self):
//           p = super().params(); p.hash_len = 32; return p
//   make_password("correct horse battery staple", "s4ltS4ltS4lt", hasher=h600k)
//   make_password("hunter2", "fixedsalt0123", hasher=h1k)
//   make_password("pässwörd-日本語", "fixedsalt0123", hasher=h1k)
//   make_password("hunter2", "abcdefghijklmnopqrstuv", hasher=Argon2Len32())
//   # Django's hasher at a cheap cost, for all the other argon2 checks:
//   class Cheap(Argon2PasswordHasher):
//       time_cost = 1; memory_cost = 64; parallelism = 1
//   class CheapLen32(Cheap):
//       def params(self):
//           p = super().params(); p.hash_len = 32; return p
//   make_password("hunter2", "abcdefghijklmnopqrstuv", hasher=Cheap())
//   make_password("hunter2", hasher=Cheap())                     # random salt
//   make_password("hunter2", "abcdefghijklmnopqrstuv", hasher=CheapLen32())
//   make_password("hunter2", hasher=CheapLen32())                # random salt
//   make_password("pässwörd-日本語", "ABCDEFGHIJKLMNOPQRSTUV", hasher=Cheap())
//   # argon2i / argon2d, which Django's verify() (argon2-cffi) also accepts:
//   "argon2" + argon2.low_level.hash_secret(b"hunter2", b"saltsaltsalt",
//       time_cost=1, memory_cost=64, parallelism=1, hash_len=32,
//       type=argon2.low_level.Type.I).decode()                   # and Type.D
//
// argon2-cffi 21.1 (what Django 3.2 uses here) has a 16-byte default hash;
// newer argon2-cffi, and hash_password, use 32 bytes. Both must verify.
const std::string kPbkdf2_600k =
    "pbkdf2_sha256$600000$s4ltS4ltS4lt$OdqUrk51GSmQHLgH/Aooma5s6i2spsqTlP+RcaNzVvc=";
const std::string kPbkdf2_1k =
    "pbkdf2_sha256$1000$fixedsalt0123$MH+8a0Jbo8mdJieZ1Gxbr097lW9m82E6KFzQX4+on44=";
const std::string kPbkdf2_1k_utf8 =
    "pbkdf2_sha256$1000$fixedsalt0123$tbS49b/8OwmFBdIiRCkyXKbbt9kwElJRc/FxVBqCBc8=";
// The one vector at Django's full cost (m=100 MiB, t=2, p=8: about a second
// per check); every other argon2 vector is Django's hasher at m=64, t=1, p=1.
const std::string kArgon2Fixed32 =
    "argon2$argon2id$v=19$m=102400,t=2,p=8$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$"
    "BcwJuejAmsVFhGKihajE2rw0QNe1uKb7GxDyMaxYoA8";
const std::string kArgon2CheapFixed16 =
    "argon2$argon2id$v=19$m=64,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$HYW7GzNoP7RtGyiXJ4BCVQ";
const std::string kArgon2CheapRandom16 =
    "argon2$argon2id$v=19$m=64,t=1,p=1$ZnZ4azFMSzBRZDlkQUluUlFTc25saQ$ZZVD8YyMf9kFSiXs5/91nQ";
const std::string kArgon2CheapFixed32 =
    "argon2$argon2id$v=19$m=64,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$cO/Xv9+vNMgGGuj0K0rQF5gsckOde4md3pHZC3ggYus";
const std::string kArgon2CheapRandom32 =
    "argon2$argon2id$v=19$m=64,t=1,p=1$aEJLdktYTENadG81NEgzY3YzNTFCNQ$Nc2ifMMSm9o6DqKQydLU4Vxykubgn2o+gxBdx/F1LL4";
const std::string kArgon2CheapUtf8 =
    "argon2$argon2id$v=19$m=64,t=1,p=1$QUJDREVGR0hJSktMTU5PUFFSU1RVVg$B4hNTL7b0/tKM3D3e7F/uA";
const std::string kArgon2i =
    "argon2$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$XFL5dU70NLNrVDmTBH5B2A6Ck4KeBaN8A9Eu0lvjlXY";
const std::string kArgon2d =
    "argon2$argon2d$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$HuOPpVcw0qZ3gpA152Yxzb5Z1A4RZ3HBN8u938gjgeQ";

const std::string kUtf8Password = "p\xc3\xa4ssw\xc3\xb6rd-\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";  // pässwörd-日本語

// Cheap parameters so tests of our own hashes stay fast.
const Argon2Params kFast{1, 64, 1};

// Changes one character of the base64 digest (the last field) in place.
std::string tamper_last_field(std::string s) {
    size_t pos = s.rfind('$') + 1;
    s[pos] = s[pos] == 'A' ? 'B' : 'A';
    return s;
}

}  // namespace

class PasswordTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PasswordTest);
    CPPUNIT_TEST(testPbkdf2DjangoDefaultIterations);
    CPPUNIT_TEST(testPbkdf2DjangoLowIterations);
    CPPUNIT_TEST(testPbkdf2Utf8);
    CPPUNIT_TEST(testArgon2Django);
    CPPUNIT_TEST(testArgon2Utf8);
    CPPUNIT_TEST(testArgon2iAndArgon2d);
    CPPUNIT_TEST(testArgon2Tampered);
    CPPUNIT_TEST(testMalformedReturnsFalse);
    CPPUNIT_TEST(testHashPasswordDjangoFormat);
    CPPUNIT_TEST(testHashPasswordParams);
    CPPUNIT_TEST(testBurnPasswordTime);
    CPPUNIT_TEST(testBusyGateIsRefusedAfterTheWait);
    CPPUNIT_TEST(testHashingRunsAtTheLowestPriority);
    CPPUNIT_TEST_SUITE_END();

public:
    void testPbkdf2DjangoDefaultIterations() {
        // One verify only: 600000 iterations take a noticeable fraction of a second.
        CPPUNIT_ASSERT(verify_password("correct horse battery staple", kPbkdf2_600k));
    }

    void testPbkdf2DjangoLowIterations() {
        CPPUNIT_ASSERT(verify_password("hunter2", kPbkdf2_1k));
        CPPUNIT_ASSERT(!verify_password("hunter3", kPbkdf2_1k));
        CPPUNIT_ASSERT(!verify_password("", kPbkdf2_1k));
        CPPUNIT_ASSERT(!verify_password("hunter2", tamper_last_field(kPbkdf2_1k)));
        // Iterations and salt are part of what is checked.
        CPPUNIT_ASSERT(!verify_password(
            "hunter2", "pbkdf2_sha256$1001$fixedsalt0123$MH+8a0Jbo8mdJieZ1Gxbr097lW9m82E6KFzQX4+on44="));
        CPPUNIT_ASSERT(!verify_password(
            "hunter2", "pbkdf2_sha256$1000$fixedsalt0124$MH+8a0Jbo8mdJieZ1Gxbr097lW9m82E6KFzQX4+on44="));
        // Missing padding is a different string; Django's compare rejects it too.
        CPPUNIT_ASSERT(!verify_password(
            "hunter2", "pbkdf2_sha256$1000$fixedsalt0123$MH+8a0Jbo8mdJieZ1Gxbr097lW9m82E6KFzQX4+on44"));
    }

    void testPbkdf2Utf8() {
        CPPUNIT_ASSERT(verify_password(kUtf8Password, kPbkdf2_1k_utf8));
        // Same text in Latin-1 is other bytes, so it must not match.
        CPPUNIT_ASSERT(!verify_password("p\xe4ssw\xf6rd-\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
                                        kPbkdf2_1k_utf8));
    }

    void testArgon2Django() {
        // The compatibility check: Django's default cost, 8 lanes. One verify only.
        CPPUNIT_ASSERT(verify_password("hunter2", kArgon2Fixed32));
        // Both hash lengths, fixed and random salts, at a cheap cost.
        CPPUNIT_ASSERT(verify_password("hunter2", kArgon2CheapFixed16));
        CPPUNIT_ASSERT(verify_password("hunter2", kArgon2CheapRandom16));
        CPPUNIT_ASSERT(verify_password("hunter2", kArgon2CheapFixed32));
        CPPUNIT_ASSERT(verify_password("hunter2", kArgon2CheapRandom32));
        CPPUNIT_ASSERT(!verify_password("hunter3", kArgon2CheapFixed32));
        CPPUNIT_ASSERT(!verify_password("Hunter2", kArgon2CheapRandom16));
    }

    void testArgon2Utf8() {
        CPPUNIT_ASSERT(verify_password(kUtf8Password, kArgon2CheapUtf8));
        CPPUNIT_ASSERT(!verify_password("passwoerd", kArgon2CheapUtf8));
    }

    void testArgon2iAndArgon2d() {
        CPPUNIT_ASSERT(verify_password("hunter2", kArgon2i));
        CPPUNIT_ASSERT(verify_password("hunter2", kArgon2d));
        CPPUNIT_ASSERT(!verify_password("hunter3", kArgon2i));
        // The variant is part of the hash: relabelling argon2i as argon2d fails.
        std::string relabelled = kArgon2i;
        relabelled.replace(relabelled.find("argon2i$"), 8, "argon2d$");
        CPPUNIT_ASSERT(!verify_password("hunter2", relabelled));
    }

    void testArgon2Tampered() {
        CPPUNIT_ASSERT(!verify_password("hunter2", tamper_last_field(kArgon2i)));
        auto with = [](std::string s, const std::string& from, const std::string& to) {
            return s.replace(s.find(from), from.size(), to);
        };
        CPPUNIT_ASSERT(!verify_password("hunter2", with(kArgon2i, "t=1", "t=2")));
        CPPUNIT_ASSERT(!verify_password("hunter2", with(kArgon2i, "m=64", "m=72")));
        CPPUNIT_ASSERT(!verify_password("hunter2", with(kArgon2i, "v=19", "v=16")));
        CPPUNIT_ASSERT(!verify_password("hunter2", with(kArgon2i, "c2FsdHNhbHRzYWx0", "c2FsdHNhbHRzYWx1")));
        // Truncated digest (a 31-byte hash is another output, not a prefix).
        CPPUNIT_ASSERT(!verify_password("hunter2", kArgon2i.substr(0, kArgon2i.size() - 2)));
    }

    void testMalformedReturnsFalse() {
        const std::string h = "$c2FsdHNhbHRzYWx0$XFL5dU70NLNrVDmTBH5B2A6Ck4KeBaN8A9Eu0lvjlXY";
        const std::string pb = "$salt$MH+8a0Jbo8mdJieZ1Gxbr097lW9m82E6KFzQX4+on44=";
        const std::string bad[] = {
            "",
            "argon2",
            "argon2$",
            "argon2$$$$$",
            "argon2$argon2id",
            "argon2$argon2x$v=19$m=64,t=1,p=1" + h,
            "argon2$argon2i$v=20$m=64,t=1,p=1" + h,
            "argon2$argon2i$v=19$t=1,m=64,p=1" + h,          // wrong order
            "argon2$argon2i$v=19$m=064,t=1,p=1" + h,         // leading zero
            "argon2$argon2i$v=19$m=64,t=1,p=1,x=1" + h,
            "argon2$argon2i$v=19$m=64,t=-1,p=1" + h,
            "argon2$argon2i$v=19$m=64,t=0,p=1" + h,
            "argon2$argon2i$v=19$m=64,t=1,p=0" + h,
            "argon2$argon2i$v=19$m=64,t=1,p=9" + h,          // m < 8 KiB per lane
            "argon2$argon2i$v=19$m=64,t=99999999999,p=1" + h,  // overflows uint32
            "argon2$argon2i$v=19$m=4194304,t=2,p=8" + h,    // 4 GiB: refused, not allocated
            "argon2$argon2i$v=19$m=1048576,t=32,p=8" + h,   // t*m over the work limit
            "argon2$argon2i$v=19$m=65536,t=1,p=65" + h,     // too many lanes
            "argon2$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0==$XFL5dU70NLNrVDmTBH5B2A6Ck4KeBaN8A9Eu0lvjlXY",
            "argon2$argon2i$v=19$m=64,t=1,p=1$c2Fsd!NhbHRzYWx0$XFL5dU70NLNrVDmTBH5B2A6Ck4KeBaN8A9Eu0lvjlXY",
            "argon2$argon2i$v=19$m=64,t=1,p=1$c2FsdA$XFL5dU70NLNrVDmTBH5B2A6Ck4KeBaN8A9Eu0lvjlXY",  // 4-byte salt
            "argon2$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$",
            "argon2$argon2i$v=19$m=64,t=1,p=1" + h + "$",
            "pbkdf2_sha256$",
            "pbkdf2_sha256$abc$salt$x",
            "pbkdf2_sha256$0" + pb,
            "pbkdf2_sha256$-1000" + pb,
            "pbkdf2_sha256$+1000" + pb,
            "pbkdf2_sha256$ 1000" + pb,
            "pbkdf2_sha256$10000001" + pb,                  // above the DoS limit
            "pbkdf2_sha256$4294967295" + pb,
            "pbkdf2_sha256$99999999999999999999" + pb,
            "pbkdf2_sha256$1000$$MH+8a0Jbo8mdJieZ1Gxbr097lW9m82E6KFzQX4+on44=",
            "pbkdf2_sha256$1000$fixedsalt0123$",
            "pbkdf2_sha256$1000$fixed$salt0123$MH+8a0Jbo8mdJieZ1Gxbr097lW9m82E6KFzQX4+on44=",
            "pbkdf2_sha1$1000" + pb,
            "md5$salt$06c5d4fde5cd5e5f1c2f2b4b6a4a1d8e",
            "sha1$$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
            "bcrypt$$2b$12$abcdefghijklmnopqrstuu",
            "!unusable-password",
            std::string("pbkdf2_sha256$1000\0$salt$x", 26),
            kPbkdf2_1k + std::string(600, 'A'),             // over the length limit
            " " + kPbkdf2_1k,
            kPbkdf2_1k.substr(0, 20),
        };
        for (const std::string& s : bad)
            CPPUNIT_ASSERT_MESSAGE("should be rejected: " + s, !verify_password("hunter2", s));
    }

    void testHashPasswordDjangoFormat() {
        // Checked once by hand that Django itself accepts our output:
        //   /tmp/pwtest-style program printed hash_password("hunter2"), then
        //   python3 -c 'import django; from django.conf import settings;
        //     settings.configure(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]);
        //     django.setup(); from django.contrib.auth.hashers import check_password,
        //     identify_hasher; import sys; h=sys.argv[1];
        //     print(check_password("hunter2", h), check_password("x", h),
        //           identify_hasher(h).must_update(h))' "$HASH"
        //   -> True False True  (must_update only because argon2-cffi 21.1's
        //   default hash_len is 16 where we, like newer versions, write 32).
        // The defaults are Django's; the rest is checked at a cheap cost, as the
        // parameters only change the numbers in the string.
        const Argon2Params defaults;
        CPPUNIT_ASSERT_EQUAL(uint32_t{2}, defaults.time_cost);
        CPPUNIT_ASSERT_EQUAL(uint32_t{102400}, defaults.memory_kib);
        CPPUNIT_ASSERT_EQUAL(uint32_t{8}, defaults.parallelism);
        const std::string h1 = hash_password("hunter2", kFast);
        static const std::regex shape(
            R"(argon2\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{30}\$[A-Za-z0-9+/]{43})");
        CPPUNIT_ASSERT_MESSAGE(h1, std::regex_match(h1, shape));

        // The salt decodes to 22 alphanumerics, like Django's get_random_string.
        std::string b64salt = h1.substr(h1.size() - 43 - 1 - 30, 30) + "==";
        unsigned char raw[33];
        CPPUNIT_ASSERT_EQUAL(24, EVP_DecodeBlock(raw, reinterpret_cast<const unsigned char*>(b64salt.data()),
                                                 static_cast<int>(b64salt.size())));
        CPPUNIT_ASSERT(std::regex_match(std::string(raw, raw + 22), std::regex("[A-Za-z0-9]{22}")));

        CPPUNIT_ASSERT(verify_password("hunter2", h1));
        CPPUNIT_ASSERT(!verify_password("hunter3", h1));
        CPPUNIT_ASSERT(h1 != hash_password("hunter2", kFast));  // random salt
    }

    void testHashPasswordParams() {
        const std::string h = hash_password(kUtf8Password, kFast);
        CPPUNIT_ASSERT_MESSAGE(h, std::regex_match(h, std::regex(
            R"(argon2\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{30}\$[A-Za-z0-9+/]{43})")));
        CPPUNIT_ASSERT(verify_password(kUtf8Password, h));
        CPPUNIT_ASSERT(!verify_password("hunter2", h));

        // Lengths, not C strings: an embedded NUL is part of the password.
        const std::string nul("a\0b", 3);
        const std::string hn = hash_password(nul, kFast);
        CPPUNIT_ASSERT(verify_password(nul, hn));
        CPPUNIT_ASSERT(!verify_password("a", hn));

        // Hashes verify_password would refuse are not produced at all.
        CPPUNIT_ASSERT_THROW(hash_password("x", Argon2Params{0, 64, 1}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(hash_password("x", Argon2Params{1, 64, 0}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(hash_password("x", Argon2Params{1, 2u << 20, 1}), std::invalid_argument);
    }

    // The hasher's dummy is made at its own (here cheap) cost on first use.
    void testBurnPasswordTime() {
        PasswordHasher h(1, std::chrono::milliseconds(1000), Argon2Params{1, 64, 1});
        CPPUNIT_ASSERT(h.burn_time("nobody's password"));
        CPPUNIT_ASSERT(h.burn_time(""));
        const std::string hash = h.hash("a password").value();
        CPPUNIT_ASSERT(hash.rfind("argon2$argon2id$v=19$m=64,t=1,p=1$", 0) == 0);
        CPPUNIT_ASSERT(h.verify("a password", hash).value());
        CPPUNIT_ASSERT(!h.verify("another", hash).value());
    }

    // A gate held longer than the wait answers busy (nullopt) instead of
    // queueing without bound; once free, hashing goes on.
    void testBusyGateIsRefusedAfterTheWait() {
        PasswordHasher h(1, std::chrono::milliseconds(50), Argon2Params{1, 64, 1});
        const std::string quick = h.hash("a password").value();
        // ~0.3 s of argon2 here (t = 30, 64 MiB), within verify's DoS limits.
        const std::string slow = hash_password("a password", Argon2Params{30, 65536, 1});
        std::atomic<bool> started{false};
        std::optional<bool> holder_result;
        std::thread holder([&] {
            started = true;
            holder_result = h.verify("a password", slow);
        });
        while (!started) std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::milliseconds(30));  // the holder is inside the gate
        const auto t0 = std::chrono::steady_clock::now();
        const std::optional<bool> busy = h.verify("a password", quick);
        const bool burned = h.burn_time("x");
        const auto waited = std::chrono::steady_clock::now() - t0;
        holder.join();
        CPPUNIT_ASSERT_MESSAGE("the holder's verify did not run", holder_result.value_or(false));
        CPPUNIT_ASSERT_MESSAGE("the gate was not busy", !busy.has_value());
        CPPUNIT_ASSERT_MESSAGE("burn_time did not report the busy gate", !burned);
        CPPUNIT_ASSERT(waited >= std::chrono::milliseconds(90));  // two waits of 50 ms
        CPPUNIT_ASSERT(h.verify("a password", quick).value());   // free again
    }

    // A login flood's hashes must not take the chats' CPU: they run on a
    // thread at nice 19, the caller's own nice untouched; errors still reach
    // the caller.
    void testHashingRunsAtTheLowestPriority() {
        const auto my_nice = [] {
            errno = 0;
            return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
        };
        const int before = my_nice();
        const int inside = PasswordHasher::at_lowest_priority(my_nice);
        CPPUNIT_ASSERT_EQUAL(PasswordHasher::kHashNice, inside);
        CPPUNIT_ASSERT_EQUAL(before, my_nice());
        CPPUNIT_ASSERT_THROW(PasswordHasher::at_lowest_priority([]() -> int { throw std::invalid_argument("x"); }),
                             std::invalid_argument);
        PasswordHasher h(1, std::chrono::milliseconds(1000), Argon2Params{1, 64, 1});
        CPPUNIT_ASSERT(h.hash("a password").value().rfind("argon2$argon2id$", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(before, my_nice());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PasswordTest);
