// llm-api-admin against the test stack, run through `stack.sh admin ...`
// (the stack's database settings): its changes are checked through the HTTP
// API (logins, limits) and SQL; every bad input ends with one stderr line.
//
// tests/fixtures/django_users.json is real `manage.py dumpdata auth.user`
// output of Debian 12's Django 3.2.25 (python3-django), made with:
//   settings.configure(INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
//                      DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3",
//                                             "NAME": "/tmp/djfix/db.sqlite3"}}, USE_TZ=True)
//   django.setup(); call_command("migrate")
//   alice = User.objects.create_user("django_alice", "alice@example.com", "alice-old-password-1")
//   alice.last_login = timezone.now(); alice.save()
//   bob = User.objects.create_user("django_bob", "bob@example.org", "bob-old-password-2")
//   bob.is_active = False; bob.save()
//   User.objects.create_user("django_zoë_名前", "", "zoe-old-password-3")
//   call_command("dumpdata", "auth.user", indent=2, output="django_users.json")
// (pbkdf2_sha256, 260000 iterations: Django 3.2's default hasher).
#include <cppunit/Asserter.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "accounts.h"
#include "assertions.h"
#include "chat.h"
#include "json_path.h"
#include "skip.h"
#include "stack.h"
#include "text.h"
#include "wait.h"

using namespace it;

namespace {

std::string quote(const std::string& s) { return shellQuote(s); }  // short: the commands below use it a lot

std::string fixturePath() { return sourceRoot() + "/tests/fixtures/django_users.json"; }

// A file under a fresh /tmp directory, removed with it.
class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/llmapi-admin-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() { std::system(("rm -rf " + quote(path_)).c_str()); }
    std::string write(const std::string& name, const std::string& text) const {
        const std::string p = path_ + "/" + name;
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

struct Run {
    int code = -1;
    std::string out, err;
    std::string describe() const { return "exit " + std::to_string(code) + "\nstdout: " + out + "\nstderr: " + err; }
};

// Runs `[env ENV] stack.sh admin ARGS` with `input` on stdin; unlike ctl(),
// a non-zero exit is returned, not thrown. `binary` runs ./llm-api-admin
// directly, outside the stack's environment.
Run runAdmin(const std::string& args, const std::string& input = "", const std::string& env = "",
             bool binary = false) {
    TempDir dir;
    const std::string in = dir.write("in", input), out = dir.path() + "/out", err = dir.path() + "/err";
    const std::string prog =
        binary ? quote(sourceRoot() + "/llm-api-admin") : quote(stackEnv("LLMAPI_TEST_CTL")) + " admin";
    const std::string cmd = "timeout 300 env " + env + " " + prog + " " + args + " <" + quote(in) + " >" + quote(out) +
                            " 2>" + quote(err);
    const int status = std::system(cmd.c_str());
    Run r;
    r.code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readTextFile(out);
    r.err = readTextFile(err);
    return r;
}

std::string admin(const std::string& args) { return ctl("admin " + args); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A failure as the tool promises it: that exit code, nothing on stdout, one
// "llm-api-admin: " line on stderr without SQL or the given secrets.
void assertFails(int code, const Run& r, const std::string& mentions, const CppUnit::SourceLine& at,
                 const std::vector<std::string>& secrets = {}) {
    const std::string what = r.describe();
    CppUnit::Asserter::failIf(r.code != code, "expected exit " + std::to_string(code) + ", got " + what, at);
    CppUnit::Asserter::failIf(!r.out.empty(), "stdout should be empty: " + what, at);
    CppUnit::Asserter::failIf(r.err.rfind("llm-api-admin: ", 0) != 0 || r.err.back() != '\n' ||
                                  r.err.find('\n') != r.err.size() - 1,
                              "expected one 'llm-api-admin: ' line on stderr: " + what, at);
    CppUnit::Asserter::failIf(!contains(r.err, mentions), "stderr should mention '" + mentions + "': " + what, at);
    for (const char* word : {"SELECT", "INSERT", "UPDATE", "DELETE FROM", "CREATE TABLE", "std::", "terminate"})
        CppUnit::Asserter::failIf(contains(r.err, word), std::string("stderr leaks '") + word + "': " + what, at);
    for (const auto& s : secrets)
        CppUnit::Asserter::failIf(contains(r.err, s), "stderr leaks a secret: " + what, at);
}
#define ASSERT_FAILS(code, run, mentions, ...) \
    assertFails((code), (run), (mentions), CPPUNIT_SOURCELINE(), ##__VA_ARGS__)

Response tokenRequest(const std::string& username, const std::string& password) {
    return postJson("/api/token/", credentialsBody(username, password));
}

// Creates a user with the tool; returns it (the password as given).
User adminUser(const std::string& password = "admin-made-pass-1") {
    User u{uniqueName("adm"), password, ""};
    Run r = runAdmin("create-user " + quote(u.username) + " --password-stdin", password + "\n");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), 0, r.code);
    return u;
}

// The one line of `text` that contains `part`, or "".
std::string lineWith(const std::string& text, const std::string& part) {
    for (const auto& l : lines(text))
        if (contains(l, part)) return l;
    return "";
}

// The whitespace-separated fields of a line.
std::vector<std::string> fields(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string f; in >> f;) out.push_back(f);
    return out;
}

// "token_blacklist: 3 expired rows deleted" -> 3
long countAfter(const std::string& text, const std::string& label) {
    const std::string l = lineWith(text, label + ": ");
    if (l.empty()) return -1;
    return std::stol(l.substr(l.find(": ") + 2));
}

const char* const kFixtureUsers[] = {"django_alice", "django_bob", "django_zoë_名前"};

}  // namespace

class AdminTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AdminTest);
    CPPUNIT_TEST(testHelp);
    CPPUNIT_TEST(testBadCommandLines);
    CPPUNIT_TEST(testRuntimeFailures);
    CPPUNIT_TEST(testCreateUserThenLogin);
    CPPUNIT_TEST(testCreateUserRefusals);
    CPPUNIT_TEST(testSetActive);
    CPPUNIT_TEST(testSetLimitsEnforcedByService);
    CPPUNIT_TEST(testUsageReport);
    CPPUNIT_TEST(testImportDjangoUsers);
    CPPUNIT_TEST(testImportReportsInvalidEntries);
    CPPUNIT_TEST(testImportMalformedFiles);
    CPPUNIT_TEST(testMigrateTwiceAppliesNothing);
    CPPUNIT_TEST(testMigrateAppliesNewFileOnce);
    CPPUNIT_TEST(testMigrateNeedsDdlUser);
    CPPUNIT_TEST(testMigrateFreshDatabaseAsRoot);
    CPPUNIT_TEST(testPrune);
    CPPUNIT_TEST(testKeys);
    CPPUNIT_TEST_SUITE_END();

public:
    void testHelp() {
        for (const char* args : {"--help", "", "usage --help"}) {
            Run r = runAdmin(args);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), 0, r.code);
            for (const char* cmd : {"migrate", "create-user", "set-active", "set-limits", "usage",
                                    "import-django-users", "prune", "DDL"})
                CPPUNIT_ASSERT_MESSAGE(std::string(cmd) + " missing from the usage text", contains(r.out, cmd));
            CPPUNIT_ASSERT_EQUAL(std::string(), r.err);
        }
    }

    void testBadCommandLines() {
        const std::string name = uniqueName("adm");
        ASSERT_FAILS(2, runAdmin("frobnicate"), "unknown command");
        ASSERT_FAILS(2, runAdmin("--verbose prune"), "unknown option");
        ASSERT_FAILS(2, runAdmin("prune --force"), "unknown option --force");
        ASSERT_FAILS(2, runAdmin("create-user"), "missing argument");
        ASSERT_FAILS(2, runAdmin("create-user a b"), "unexpected argument");
        ASSERT_FAILS(2, runAdmin("create-user " + quote(name) + " --email"), "--email needs a value");
        ASSERT_FAILS(2, runAdmin("set-active"), "missing argument");
        ASSERT_FAILS(2, runAdmin("set-active " + name), "missing argument");
        ASSERT_FAILS(2, runAdmin("set-active " + name + " maybe"), "true or false");
        ASSERT_FAILS(2, runAdmin("set-limits " + name), "--rpm");
        ASSERT_FAILS(2, runAdmin("set-limits " + name + " --rpm abc"), "--rpm");
        ASSERT_FAILS(2, runAdmin("set-limits " + name + " --rpm -5"), "--rpm");
        ASSERT_FAILS(2, runAdmin("set-limits " + name + " --tpd 1.5"), "--tpd");
        ASSERT_FAILS(2, runAdmin("set-limits " + name + " --rpm 99999999999"), "--rpm");
        ASSERT_FAILS(2, runAdmin("set-limits " + name + " --rpm 1 --rpm 2"), "twice");
        ASSERT_FAILS(2, runAdmin("usage --since yesterday"), "--since");
        ASSERT_FAILS(2, runAdmin("usage --until 2026-02-30"), "--until");
        ASSERT_FAILS(2, runAdmin("usage --since 2026-01-01T10:00+25:00"), "--since");
        ASSERT_FAILS(2, runAdmin("usage --since 2026-02-01 --until 2026-01-01"), "before");
        ASSERT_FAILS(2, runAdmin("import-django-users"), "missing argument");
        ASSERT_FAILS(2, runAdmin("migrate --sql-dir"), "needs a value");
    }

    void testRuntimeFailures() {
        const std::string nobody = uniqueName("nobody");
        ASSERT_FAILS(1, runAdmin("set-active " + nobody + " true"), "unknown user");
        ASSERT_FAILS(1, runAdmin("set-limits " + nobody + " --rpm 5"), "unknown user");
        ASSERT_FAILS(1, runAdmin("usage --user " + nobody), "unknown user");
        ASSERT_FAILS(1, runAdmin("migrate --sql-dir /nonexistent/sql"), "no migrations directory");
        // The database unreachable: a wrong password, and no server at all.
        ASSERT_FAILS(1, runAdmin("prune", "", "LLMAPI_DATABASE_PASSWORD=wrong-password-xyz"), "cannot connect",
                     {"wrong-password-xyz"});
        ASSERT_FAILS(1,
                     runAdmin("--config " + quote(sourceRoot() + "/tests/integration/app-test.ini") + " usage", "",
                              "LLMAPI_DATABASE_SOCKET=/nonexistent/mysqld.sock", true),
                     "cannot connect");
        ASSERT_FAILS(1, runAdmin("--config /nonexistent/app.ini prune", "", "", true), "cannot read /nonexistent/app.ini");
    }

    void testCreateUserThenLogin() {
        User u{uniqueName("adm"), "created-by-admin-1", "ops@example.com"};
        Run r = runAdmin("create-user " + quote(u.username) + " --email ops@example.com --password-stdin",
                         u.password + "\n");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), 0, r.code);
        CPPUNIT_ASSERT_MESSAGE(r.describe(), contains(r.out, "created user " + u.username + " (id "));
        CPPUNIT_ASSERT_MESSAGE("the password was echoed", !contains(r.out + r.err, u.password));
        TokenPair t = login(u);
        Response me = getWithBearer("/api/me/", t.access);
        ASSERT_STATUS(200, me);
        CPPUNIT_ASSERT_EQUAL(std::string("ops@example.com"), jsonString(me.json().get(), "email"));
        ASSERT_STATUS(401, tokenRequest(u.username, "wrong-password-1"));
        CPPUNIT_ASSERT_EQUAL(std::string("argon2$argon2id$"),
                             lines(sql("SELECT LEFT(password, 16) FROM users WHERE username=" + sqlQuote(u.username)))[0]);

        // No --password-stdin and stdin not a terminal: stdin is read, and
        // surrounding whitespace is stripped as signup and login strip it.
        User v{uniqueName("adm"), "  spaced-pass-22 ", ""};
        r = runAdmin("create-user " + quote(v.username), v.password + "\r\n");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), 0, r.code);
        ASSERT_STATUS(200, tokenRequest(v.username, "spaced-pass-22"));

        // A unicode username, as Django allows.
        User w{uniqueName("ünï") + "_名前", "unicode-pass-33", ""};
        r = runAdmin("create-user " + quote(w.username) + " --password-stdin", w.password + "\n");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), 0, r.code);
        login(w);
    }

    void testCreateUserRefusals() {
        User u = adminUser();
        ASSERT_FAILS(1, runAdmin("create-user " + quote(u.username) + " --password-stdin", "another-pass-1\n"),
                     "already exists", {"another-pass-1"});
        ASSERT_STATUS(200, tokenRequest(u.username, u.password));  // unchanged

        const std::string name = uniqueName("adm");
        ASSERT_FAILS(2, runAdmin("create-user 'bad name!' --password-stdin", "long-enough-1\n"), "valid username");
        ASSERT_FAILS(2, runAdmin("create-user " + std::string(151, 'x') + " --password-stdin", "long-enough-1\n"),
                     "150");
        ASSERT_FAILS(2, runAdmin("create-user " + name + " --email not-an-email --password-stdin", "long-enough-1\n"),
                     "not a valid email");
        ASSERT_FAILS(1, runAdmin("create-user " + name + " --password-stdin", "tiny7\n"), "too short", {"tiny7"});
        ASSERT_FAILS(1, runAdmin("create-user " + name + " --password-stdin", "   \n"), "empty");
        ASSERT_FAILS(1, runAdmin("create-user " + name + " --password-stdin", ""), "no password");
        CPPUNIT_ASSERT_EQUAL(std::string(), sql("SELECT id FROM users WHERE username=" + sqlQuote(name)));
    }

    void testSetActive() {
        User u = adminUser();
        const std::string out = admin("set-active " + quote(u.username) + " false");
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, u.username + ": inactive"));
        ASSERT_RESPONSE(401, R"({"detail":"No active account found with the given credentials"})",
                        tokenRequest(u.username, u.password));
        CPPUNIT_ASSERT_MESSAGE(out, contains(admin("set-active " + quote(u.username) + " true"), ": active"));
        ASSERT_STATUS(200, tokenRequest(u.username, u.password));
    }

    void testSetLimitsEnforcedByService() {
        User u = adminUser();
        const std::string token = login(u).access;
        const std::string models = "/api/supported-models/?provider=openai";

        std::string out = admin("set-limits " + quote(u.username) + " --rpm 2");
        awaitUserCache();
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "requests_per_minute 2, tokens_per_day default"));
        CPPUNIT_ASSERT_EQUAL(std::string("2\tNULL"), lines(sql("SELECT requests_per_minute, tokens_per_day FROM users "
                                                               "WHERE username=" + sqlQuote(u.username)))[0]);
        // Windows are whole minutes: don't start the three requests at its end.
        awaitRoomInThisMinute(10);
        ASSERT_STATUS(200, getWithBearer(models, token));
        ASSERT_STATUS(200, getWithBearer(models, token));
        Response limited = getWithBearer(models, token);
        ASSERT_STATUS(429, limited);
        CPPUNIT_ASSERT_MESSAGE("no Retry-After", !limited.header("Retry-After").empty());
        const int retry = std::stoi(limited.header("Retry-After"));
        CPPUNIT_ASSERT_MESSAGE(limited.header("Retry-After"), retry >= 1 && retry <= 60);

        out = admin("set-limits " + quote(u.username) + " --rpm default");
        awaitUserCache();
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "requests_per_minute default"));
        CPPUNIT_ASSERT_EQUAL(std::string("NULL"),
                             lines(sql("SELECT requests_per_minute FROM users WHERE username=" + sqlQuote(u.username)))[0]);
        ASSERT_STATUS(200, getWithBearer(models, token));  // [limits] in app-test.ini: unlimited

        // 0 = unlimited, stored as 0 (not NULL); both options at once.
        out = admin("set-limits " + quote(u.username) + " --rpm=0 --tpd 5000");
        awaitUserCache();
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "requests_per_minute 0 (unlimited), tokens_per_day 5000"));
        CPPUNIT_ASSERT_EQUAL(std::string("0\t5000"), lines(sql("SELECT requests_per_minute, tokens_per_day FROM users "
                                                               "WHERE username=" + sqlQuote(u.username)))[0]);
        for (int i = 0; i < 3; ++i) ASSERT_STATUS(200, getWithBearer(models, token));
        admin("set-limits " + quote(u.username) + " --rpm default --tpd default");
        CPPUNIT_ASSERT_EQUAL(std::string("NULL\tNULL"), lines(sql("SELECT requests_per_minute, tokens_per_day FROM "
                                                                  "users WHERE username=" + sqlQuote(u.username)))[0]);
    }

    void testUsageReport() {
        User u = adminUser();
        const std::string token = login(u).access;
        const std::string model = "gpt-admin-report-test";
        Response chat = postJson("/api/chat/completions/?provider=openai", seedChatBody(model),
                                 {"Authorization: Bearer " + token});
        ASSERT_STATUS(200, chat);
        JsonPtr body = chat.json();
        const json_int_t prompt = jint(body.get(), "usage.prompt_tokens");
        const json_int_t completion = jint(body.get(), "usage.completion_tokens");

        // Rows are written after the response: poll.
        std::string out, row;
        pollUntil(10, [&] {
            out = admin("usage --user " + quote(u.username));
            row = lineWith(out, u.username);
            return !row.empty();
        });
        CPPUNIT_ASSERT_MESSAGE("no row for the user: " + out, !row.empty());
        const std::vector<std::string> expect{u.username,
                                              "openai",
                                              model,
                                              "1",
                                              std::to_string(prompt),
                                              std::to_string(completion),
                                              std::to_string(prompt + completion)};
        CPPUNIT_ASSERT_MESSAGE(out, fields(row) == expect);
        const auto table = lines(out);
        CPPUNIT_ASSERT_MESSAGE(out, fields(lineWith(out, "provider")) ==
                                        (std::vector<std::string>{"user", "provider", "model", "requests", "prompt",
                                                                  "completion", "total"}));
        CPPUNIT_ASSERT_MESSAGE(out, fields(table.back()) == (std::vector<std::string>{"total", "1", expect[4], expect[5],
                                                                                      expect[6]}));
        // Aligned: the numbers' columns end where the header's do.
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, lineWith(out, "provider").size(), row.size());

        // Every user's report has the row too; a window without it has none.
        CPPUNIT_ASSERT_MESSAGE("all users", fields(lineWith(admin("usage"), u.username)) == expect);
        out = admin("usage --user " + quote(u.username) + " --since 2020-01-01 --until 2020-01-02T00:00:00Z");
        CPPUNIT_ASSERT_MESSAGE(out, lineWith(out, u.username).empty());
        CPPUNIT_ASSERT_MESSAGE(out, fields(lines(out).back()) == (std::vector<std::string>{"total", "0", "0", "0", "0"}));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "2020-01-01T00:00:00Z") && contains(out, "2020-01-02T00:00:00Z"));
        // Offsets are converted to UTC; until is exclusive.
        out = admin("usage --user " + quote(u.username) + " --since 2020-01-01T02:00+02:00 --until 2099-12-31");
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "from 2020-01-01T00:00:00Z"));
        CPPUNIT_ASSERT_MESSAGE(out, fields(lineWith(out, u.username)) == expect);
    }

    void testImportDjangoUsers() {
        for (const char* name : kFixtureUsers) deleteUser(name);
        const std::string fixture = fixturePath();

        Run r = runAdmin("import-django-users " + quote(fixture));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), 0, r.code);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), std::string("imported 3, updated 0, skipped 0\n"), r.out);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), std::string(), r.err);

        // Kept as Django wrote them: hash, email, dates (UTC, microseconds).
        CPPUNIT_ASSERT_EQUAL(std::string("pbkdf2_sha256$260000$\talice@example.com\t1\t2026-11-25 04:54:55.592000\t"
                                         "2026-11-25 04:54:55.653000"),
                             lines(sql("SELECT LEFT(password, 21), email, is_active, date_joined, last_login FROM users "
                                       "WHERE username='django_alice'"))[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("0\tNULL"),
                             lines(sql("SELECT is_active, last_login FROM users WHERE username='django_bob'"))[0]);

        // Old passwords work (pbkdf2); the inactive user is refused.
        ASSERT_STATUS(200, tokenRequest("django_alice", "alice-old-password-1"));
        ASSERT_STATUS(200, tokenRequest("django_zoë_名前", "zoe-old-password-3"));
        ASSERT_STATUS(401, tokenRequest("django_alice", "bob-old-password-2"));
        ASSERT_RESPONSE(401, R"({"detail":"No active account found with the given credentials"})",
                        tokenRequest("django_bob", "bob-old-password-2"));
        // The service re-hashed alice's password to argon2id at that login.
        CPPUNIT_ASSERT_EQUAL(std::string("argon2$argon2id$"),
                             lines(sql("SELECT LEFT(password, 16) FROM users WHERE username='django_alice'"))[0]);

        // Again, from stdin: nothing duplicated, the three updated, the
        // Django hash put back verbatim, and it still verifies.
        r = runAdmin("import-django-users -", readTextFile(fixture));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), std::string("imported 0, updated 3, skipped 0\n"), r.out);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), lines(sql("SELECT COUNT(*) FROM users WHERE username='django_alice'"))[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("pbkdf2_sha256$260000$"),
                             lines(sql("SELECT LEFT(password, 21) FROM users WHERE username='django_alice'"))[0]);
        ASSERT_STATUS(200, tokenRequest("django_alice", "alice-old-password-1"));

        // An update restores is_active and email from the file.
        setActive("django_alice", false);
        sql("UPDATE users SET email='changed@example.com' WHERE username='django_alice'");
        CPPUNIT_ASSERT_EQUAL(std::string("imported 0, updated 3, skipped 0\n"),
                             admin("import-django-users " + quote(fixture)));
        CPPUNIT_ASSERT_EQUAL(std::string("1\talice@example.com"),
                             lines(sql("SELECT is_active, email FROM users WHERE username='django_alice'"))[0]);
    }

    void testImportReportsInvalidEntries() {
        // alice's pbkdf2 hash from the fixture, under a new name.
        JsonPtr fixture = parseJson(readTextFile(fixturePath()));
        const std::string hash = jstr(fixture.get(), "[0].fields.password");
        CPPUNIT_ASSERT_MESSAGE("fixture hash", hash.rfind("pbkdf2_sha256$", 0) == 0);
        const std::string good = uniqueName("imp"), also = uniqueName("imp");
        const auto entry = [&](const std::string& username, const std::string& extra) {
            return R"({"model":"auth.user","pk":7,"fields":{"password":")" + hash + R"(","username":")" + username +
                   "\"" + extra + "}}";
        };
        TempDir dir;
        const std::string file = dir.write(
            "users.json",
            "[" + entry(good, R"(,"email":"x@example.com","is_active":true,"date_joined":"2024-05-02T20:59:42.5+02:00",)"
                              R"("last_login":null)") +
                "," + entry("bad name!", "") +                                          // [1]
                R"(,{"model":"auth.group","pk":1,"fields":{"name":"staff"}})" +         // [2]
                "," + entry(uniqueName("imp"), R"(,"is_active":"yes")") +               // [3]
                "," + entry(uniqueName("imp"), R"(,"date_joined":"2024-13-01T00:00:00Z")") +  // [4]
                "," + entry(uniqueName("imp"), R"(,"email":"not an email")") +          // [5]
                R"(,{"model":"auth.user","pk":9,"fields":{"username":")" + uniqueName("imp") + R"("}})" +  // [6]
                ",42" +                                                                 // [7]
                "," + entry(also, R"(,"date_joined":"2024-05-02 18:59:42")") +          // [8] naive = UTC
                "]");
        Run r = runAdmin("import-django-users " + quote(file));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), 0, r.code);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), std::string("imported 2, updated 0, skipped 7\n"), r.out);
        const auto errs = lines(r.err);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), size_t{7}, errs.size());
        const char* expected[] = {"[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "[7]"};
        for (size_t i = 0; i < errs.size(); ++i) {
            CPPUNIT_ASSERT_MESSAGE(errs[i], errs[i].rfind("llm-api-admin: entry " + std::string(expected[i]), 0) == 0);
            CPPUNIT_ASSERT_MESSAGE(errs[i], contains(errs[i], "skipped") && !contains(errs[i], hash));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("x@example.com\t1\t2024-05-02 18:59:42.500000"),
                             lines(sql("SELECT email, is_active, date_joined FROM users WHERE username=" +
                                       sqlQuote(good)))[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("\t1\t2024-05-02 18:59:42.000000"),
                             lines(sql("SELECT email, is_active, date_joined FROM users WHERE username=" +
                                       sqlQuote(also)))[0]);
        ASSERT_STATUS(200, tokenRequest(good, "alice-old-password-1"));
    }

    void testImportMalformedFiles() {
        TempDir dir;
        ASSERT_FAILS(1, runAdmin("import-django-users " + quote(dir.write("broken.json", "[{\"model\": \"auth.user\","))),
                     "malformed JSON");
        ASSERT_FAILS(1, runAdmin("import-django-users -", "not json at all"), "stdin: malformed JSON");
        ASSERT_FAILS(1, runAdmin("import-django-users " + quote(dir.write("object.json", "{\"model\":\"auth.user\"}"))),
                     "expected a JSON array");
        ASSERT_FAILS(1, runAdmin("import-django-users " + quote(dir.path() + "/missing.json")), "cannot read");
        // A truncated file must not quote the hash it was cut in.
        ASSERT_FAILS(1, runAdmin("import-django-users -", R"([{"fields":{"password":"pbkdf2_sha256$260000$sEcReTsalt)"),
                     "malformed JSON", {"sEcReTsalt"});
    }

    void testMigrateTwiceAppliesNothing() {
        // The stack was migrated by scripts/lib.sh: the tool reads its records.
        for (int i = 0; i < 2; ++i) {
            Run r = runAdmin("migrate");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), 0, r.code);
            CPPUNIT_ASSERT_MESSAGE(r.describe(), contains(r.out, "nothing to apply"));
            CPPUNIT_ASSERT_MESSAGE(r.describe(), !contains(r.out, "applied 0"));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("0"), lines(sql("SELECT COUNT(*) FROM schema_migrations GROUP BY version "
                                                         "HAVING COUNT(*) > 1 UNION SELECT 0"))[0]);
    }

    void testMigrateAppliesNewFileOnce() {
        User u = adminUser();
        const std::string version = "900_" + uniqueName("admin_test");
        TempDir dir;
        dir.write("README", "not a migration");
        dir.write("1_not-numbered-right.sql.orig", "garbage");
        dir.write(version + ".sql",
                  "-- an admin test migration; comment lines are skipped\n"
                  "# so are these;\n"
                  "\n"
                  "UPDATE users SET email = 'migrated@example.com'  -- a trailing comment;\n"
                  "    WHERE username = '" + u.username + "';\n"
                  "/* a block comment with ' and ;\n"
                  "   over two lines */\n"
                  "UPDATE users SET email = CONCAT(email, ';\n"
                  "x') WHERE username = '" + u.username + "';  -- ends here\n"
                  "DO 1\n");
        Run r = runAdmin("migrate --sql-dir " + quote(dir.path()));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), 0, r.code);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), "applied " + version, lines(r.out)[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("migrated@example.com;|x"),
                             lines(sql("SELECT REPLACE(email, '\\n', '|') FROM users WHERE username=" +
                                       sqlQuote(u.username)))[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), lines(sql("SELECT COUNT(*) FROM schema_migrations WHERE version=" +
                                                         sqlQuote(version) + " AND applied_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR"))[0]);

        sql("UPDATE users SET email = 'changed@example.com' WHERE username=" + sqlQuote(u.username));
        r = runAdmin("migrate --sql-dir " + quote(dir.path()));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.describe(), 0, r.code);
        CPPUNIT_ASSERT_MESSAGE(r.describe(), contains(r.out, "nothing to apply"));
        CPPUNIT_ASSERT_EQUAL(std::string("changed@example.com"),
                             lines(sql("SELECT email FROM users WHERE username=" + sqlQuote(u.username)))[0]);
        sql("DELETE FROM schema_migrations WHERE version=" + sqlQuote(version));
    }

    void testMigrateNeedsDdlUser() {
        TempDir dir;
        const std::string ddl = "901_" + uniqueName("admin_ddl");
        dir.write(ddl + ".sql", "-- the service's user may not run DDL\nCREATE TABLE admin_test_never (id INT);\n");
        Run r = runAdmin("migrate --sql-dir " + quote(dir.path()));
        ASSERT_FAILS(1, r, "DDL");
        CPPUNIT_ASSERT_MESSAGE(r.describe(), contains(r.err, ddl + " at line 2"));
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             lines(sql("SELECT COUNT(*) FROM schema_migrations WHERE version=" + sqlQuote(ddl)))[0]);

        // A failing statement: its line, the code, never the SQL; not recorded.
        TempDir bad;
        const std::string broken = "902_" + uniqueName("admin_bad");
        bad.write(broken + ".sql", "DO 1;\n\nSELEKT nonsense FROM nowhere;\n");
        r = runAdmin("migrate --sql-dir " + quote(bad.path()));
        ASSERT_FAILS(1, r, broken + " at line 3");
        CPPUNIT_ASSERT_MESSAGE(r.describe(), contains(r.err, "MariaDB error 1064") && !contains(r.err, "SELEKT"));
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             lines(sql("SELECT COUNT(*) FROM schema_migrations WHERE version=" + sqlQuote(broken)))[0]);
    }

    void testMigrateFreshDatabaseAsRoot() {
        // The stack's MariaDB lets the OS root in as its root over the socket.
        if (geteuid() != 0) SKIP_TEST("needs to run as root, the stack's MariaDB root over its socket");
        const std::string db = uniqueName("admin_fresh");
        sql("CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");  // as lib.sh
        const std::string env = "LLMAPI_DATABASE_USER=root LLMAPI_DATABASE_NAME=" + db;
        Run first = runAdmin("migrate", "", env);
        Run second = runAdmin("migrate", "", env);
        const std::string applied = sql("SELECT version FROM `" + db + "`.schema_migrations ORDER BY version");
        const std::string shape = sql("SHOW CREATE TABLE `" + db + "`.schema_migrations");
        const std::string columns = sql("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='" + db +
                                        "' AND TABLE_NAME='users' AND COLUMN_NAME IN ('requests_per_minute', "
                                        "'tokens_per_day', 'max_concurrent_requests')");
        const std::string stackShape = sql("SHOW CREATE TABLE schema_migrations");
        sql("DROP DATABASE `" + db + "`");

        CPPUNIT_ASSERT_EQUAL_MESSAGE(first.describe(), 0, first.code);
        CPPUNIT_ASSERT_MESSAGE(first.describe(), contains(first.out, "applied 001_users\napplied 002_token_blacklist\n"
                                                                     "applied 003_usage_and_limits\n"
                                                                     "applied 004_concurrency\n"
                                                                     "applied 005_api_keys\n"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(second.describe(), 0, second.code);
        CPPUNIT_ASSERT_MESSAGE(second.describe(), contains(second.out, "nothing to apply"));
        CPPUNIT_ASSERT_EQUAL(std::string("001_users\n002_token_blacklist\n003_usage_and_limits\n004_concurrency\n"
                                         "005_api_keys\n"),
                             applied);
        CPPUNIT_ASSERT_EQUAL(std::string("3\n"), columns);
        // The table scripts/lib.sh creates, column for column.
        CPPUNIT_ASSERT_EQUAL(stackShape.substr(stackShape.find('\t')), shape.substr(shape.find('\t')));
    }

    void testPrune() {
        // Rows of a user id no test uses; old ones go, current ones stay.
        const long uid = 2000000000L + static_cast<long>(getpid() % 100000);
        const std::string id = std::to_string(uid);
        const std::string oldJti = (uniqueName("o") + std::string(32, 'o')).substr(0, 32);
        const std::string liveJti = (uniqueName("l") + std::string(32, 'l')).substr(0, 32);
        sql("INSERT INTO token_blacklist (jti, user_id, expires_at, blacklisted_at) VALUES (" + sqlQuote(oldJti) + ", " +
            id + ", UTC_TIMESTAMP() - INTERVAL 1 HOUR, UTC_TIMESTAMP(6)), (" + sqlQuote(liveJti) + ", " + id +
            ", UTC_TIMESTAMP() + INTERVAL 1 HOUR, UTC_TIMESTAMP(6))");
        sql("INSERT INTO rate_windows (user_id, window_start, requests) VALUES (" + id +
            ", UTC_TIMESTAMP() - INTERVAL 10 MINUTE, 3), (" + id + ", UTC_TIMESTAMP(), 1)");
        sql("INSERT INTO token_days (user_id, day, tokens) VALUES (" + id + ", UTC_DATE() - INTERVAL 5 DAY, 10), (" +
            id + ", UTC_DATE(), 20)");

        const std::string out = admin("prune");
        CPPUNIT_ASSERT_MESSAGE(out, countAfter(out, "token_blacklist") >= 1);
        CPPUNIT_ASSERT_MESSAGE(out, countAfter(out, "rate_windows") >= 1);
        CPPUNIT_ASSERT_MESSAGE(out, countAfter(out, "token_days") >= 1);
        const std::string left = sql("SELECT (SELECT GROUP_CONCAT(jti) FROM token_blacklist WHERE user_id=" + id +
                                     "), (SELECT COUNT(*) FROM rate_windows WHERE user_id=" + id +
                                     "), (SELECT GROUP_CONCAT(tokens) FROM token_days WHERE user_id=" + id + ")");
        sql("DELETE FROM token_blacklist WHERE user_id=" + id);
        sql("DELETE FROM rate_windows WHERE user_id=" + id);
        sql("DELETE FROM token_days WHERE user_id=" + id);
        CPPUNIT_ASSERT_EQUAL(liveJti + "\t1\t20\n", left);

        // Nothing left to prune of ours: a second run still succeeds.
        const std::string again = admin("prune");
        CPPUNIT_ASSERT_MESSAGE(again, countAfter(again, "token_blacklist") >= 0 && countAfter(again, "token_days") >= 0);
    }

    // keys create (printed once, usable at once), list, revoke; bad command lines exit 2.
    void testKeys() {
        User u = adminUser();
        Run made = runAdmin("keys create " + quote(u.username) + " --name cron --expires 2099-01-01");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(made.describe(), 0, made.code);
        const auto outLines = lines(made.out);
        const std::string key = outLines.back();
        CPPUNIT_ASSERT_MESSAGE(made.out, key.rfind("sk-llm-", 0) == 0 && key.size() == 50);
        ASSERT_STATUS(200, request("GET", "/api/me/", "", {"x-api-key: " + key}));
        const std::string id = lines(sql("SELECT id FROM api_keys WHERE prefix = " + sqlQuote(key.substr(0, 12))))[0];
        const std::string listed = admin("keys list " + quote(u.username));
        CPPUNIT_ASSERT_MESSAGE(listed, contains(listed, key.substr(0, 12)) && contains(listed, "cron") &&
                                           contains(listed, "2099-01-01T00:00:00Z") && contains(listed, "active"));
        CPPUNIT_ASSERT_MESSAGE(listed, !contains(listed, key.substr(12)));
        CPPUNIT_ASSERT_MESSAGE("all users' list", contains(admin("keys list"), key.substr(0, 12)));
        // The same name twice is refused while the first is live.
        assertFails(1, runAdmin("keys create " + quote(u.username) + " --name cron"), "cron", CPPUNIT_SOURCELINE());
        CPPUNIT_ASSERT_MESSAGE("revoked", contains(admin("keys revoke " + id), "revoked"));
        awaitUserCache();
        ASSERT_STATUS(401, request("GET", "/api/me/", "", {"x-api-key: " + key}));
        CPPUNIT_ASSERT_MESSAGE("state", contains(admin("keys list " + quote(u.username)), "revoked"));
        assertFails(1, runAdmin("keys revoke 999999999"), "999999999", CPPUNIT_SOURCELINE());
        assertFails(1, runAdmin("keys create nosuchuser_zz --name x"), "nosuchuser_zz", CPPUNIT_SOURCELINE());
        for (const std::string& bad : {std::string("keys"), std::string("keys frobnicate"),
                                       "keys create " + quote(u.username), std::string("keys revoke abc"),
                                       "keys create " + quote(u.username) + " --name x --expires yesterday"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, 2, runAdmin(bad).code);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminTest);
