// Accounting through the whole stack: one usage_events row per chat request
// (streams, abandoned streams, failures and Gemini's thinking tokens
// included), GET /api/usage/, the spool that keeps rows while the database is
// down and replays them exactly once, and the per-user limits counted in
// MariaDB, across two gateways sharing it (API.md 3, 4 and 7; README "Usage",
// "Limits", "Several hosts").
#include <cppunit/extensions/HelperMacros.h>
#include <dirent.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include "accounts.h"
#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "json_path.h"
#include "stack.h"
#include "text.h"
#include "wait.h"

using namespace it;

namespace {

std::string chatPath(const std::string& provider) { return "/api/chat/completions/?provider=" + provider; }

const std::string kFakeReply = std::string("This is a fake reply from fake-openai to: ") + kSeedQuestion;

size_t wordCount(const std::string& text) {
    std::istringstream in(text);
    size_t n = 0;
    for (std::string w; in >> w;) ++n;
    return n;
}

// ---- requests as one user, on either gateway ----------------------------------

Response chatAs(const Account& a, const std::string& path, const std::string& body, const std::string& base = "") {
    return requestUrl("POST", (base.empty() ? baseUrl() : base) + path, body,
                      {"Content-Type: application/json", a.auth()});
}

StreamResponse streamAs(const Account& a, const std::string& path, const std::string& body, size_t stopAfter = 0) {
    return streamRequest("POST", path, body, {"Content-Type: application/json", a.auth()}, stopAfter);
}

Response usageOf(const Account& a, const std::string& query = "") {
    return getWithBearer("/api/usage/" + query, a.token);
}

// ---- usage_events rows -----------------------------------------------------------

using Row = std::map<std::string, std::string>;

const char* const kRowColumns[] = {"provider",          "model_requested", "model_answered", "prompt_tokens",
                                   "completion_tokens", "reasoning_tokens", "status",        "upstream_ms",
                                   "streamed",          "client_disconnected", "estimated"};

std::vector<Row> usageRows(json_int_t userId) {
    std::string columns;
    for (const char* c : kRowColumns) columns += (columns.empty() ? "" : ", ") + std::string(c);
    std::vector<Row> rows;
    for (const auto& line : lines(sql("SELECT " + columns + " FROM usage_events WHERE user_id = " +
                                      std::to_string(userId) + " ORDER BY id"))) {
        Row row;
        std::istringstream fields(line);
        std::string value;
        for (const char* c : kRowColumns) {
            std::getline(fields, value, '\t');
            row[c] = value;
        }
        rows.push_back(row);
    }
    return rows;
}

std::string describe(const Row& row) {
    std::string out;
    for (const auto& [k, v] : row) out += " " + k + "=" + v;
    return out;
}

std::string describe(const std::vector<Row>& rows) {
    std::string out = std::to_string(rows.size()) + " rows:";
    for (const auto& row : rows) out += "\n " + describe(row);
    return out;
}

// The user's rows once there are `n` of them (they are written after the
// response: polls up to 10 s), read again a moment later so a duplicate shows.
std::vector<Row> settledUsageRows(json_int_t userId, size_t n) {
    std::vector<Row> rows;
    pollUntil(10, [&] { return usageRows(userId).size() >= n; });
    // A duplicate is an absence of an event, which no poll can wait for: it gets 300 ms to show.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    rows = usageRows(userId);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(rows), n, rows.size());
    return rows;
}

// The user's only row, after checking there is exactly one.
Row onlyUsageRow(json_int_t userId) { return settledUsageRows(userId, 1)[0]; }

void assertRow(const Row& expected, const Row& actual, const CppUnit::SourceLine& at) {
    for (const auto& [column, value] : expected) {
        auto it = actual.find(column);
        CppUnit::Asserter::failIf(it == actual.end() || it->second != value,
                                  CppUnit::Message("usage_events." + column + " differs",
                                                   "expected: " + value,
                                                   "row:" + describe(actual)),
                                  at);
    }
}
#define ASSERT_ROW(expected, actual) assertRow((expected), (actual), CPPUNIT_SOURCELINE())

long number(const Row& row, const std::string& column) { return std::stol(row.at(column)); }

std::string str(json_int_t n) { return std::to_string(n); }

// ---- GET /api/usage/ ----------------------------------------------------------

std::string counts(json_int_t requests, json_int_t prompt, json_int_t completion) {
    return R"({"requests":)" + str(requests) + R"(,"prompt_tokens":)" + str(prompt) + R"(,"completion_tokens":)" +
           str(completion) + R"(,"total_tokens":)" + str(prompt + completion) + "}";
}

std::string byModel(const std::string& provider, const std::string& model, json_int_t requests, json_int_t prompt,
                    json_int_t completion) {
    std::string c = counts(requests, prompt, completion);
    return R"({"provider":")" + provider + R"(","model":")" + model + R"(",)" + c.substr(1);
}

// 200 with exactly since, until, totals, by_model and by_key; totals and
// by_model as given, by_key empty (these requests use access tokens; the
// API key tests cover by_key).
void assertUsage(const std::string& totals, const std::string& byModelList, const Response& r,
                 const CppUnit::SourceLine& at) {
    assertStatus(200, r, at);
    assertKeys({"since", "until", "totals", "by_model", "by_key"}, r, at);
    JsonPtr body = r.json();
    assertJsonEq(totals, jdump(body.get(), "totals"), at);
    assertJsonEq(byModelList, jdump(body.get(), "by_model"), at);
    assertJsonEq("[]", jdump(body.get(), "by_key"), at);
}
#define ASSERT_USAGE(totals, byModelList, resp) assertUsage((totals), (byModelList), (resp), CPPUNIT_SOURCELINE())

const std::string kNoUsage = counts(0, 0, 0);

std::string isoUtc(time_t t) {
    tm g{};
    gmtime_r(&t, &g);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &g);
    return buf;
}

// An instant as ISO 8601 in another time zone: "2026-11-25T07:04:05.123456+02:00".
std::string isoWithOffset(time_t t, long micros, int offsetMinutes) {
    const time_t local = t + offsetMinutes * 60;
    tm g{};
    gmtime_r(&local, &g);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &g);
    const int m = offsetMinutes < 0 ? -offsetMinutes : offsetMinutes;
    char tail[32];
    std::snprintf(tail, sizeof tail, ".%06ld%c%02d:%02d", micros, offsetMinutes < 0 ? '-' : '+', m / 60, m % 60);
    return std::string(buf) + tail;
}

std::string urlEncode(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == ':') {
            out += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            out += hex;
        }
    }
    return out;
}

// ---- the spool -------------------------------------------------------------------

struct Spooled {
    std::string file;
    std::string line;
    JsonPtr event;
};

// The events of `userId` in the stack's spool files ($VAR/spool/usage-*.jsonl).
std::vector<Spooled> spooledEvents(json_int_t userId) {
    std::vector<Spooled> out;
    const std::string dir = stackVar() + "/spool";
    DIR* d = opendir(dir.c_str());
    if (!d) return out;
    while (dirent* ent = readdir(d)) {
        const std::string name = ent->d_name;
        if (name.rfind("usage-", 0) != 0 || name.size() < 12 || name.substr(name.size() - 6) != ".jsonl") continue;
        const std::string path = dir + "/" + name;
        for (const auto& line : lines(readTextFile(path))) {
            JsonPtr e = parseJson(line);
            if (jint(e.get(), "user_id") == userId) out.push_back({path, line, std::move(e)});
        }
    }
    closedir(d);
    return out;
}

std::string tokensToday(json_int_t userId) {
    auto l = lines(sql("SELECT tokens FROM token_days WHERE user_id = " + str(userId) + " AND day = UTC_DATE()"));
    return l.empty() ? "(none)" : l[0];
}

// ---- limits ----------------------------------------------------------------------

// A user's own limits (users.requests_per_minute / tokens_per_day), put back
// to NULL (= the configured default) when the scope ends.
class UserLimits {
public:
    UserLimits(const Account& a, const std::string& column, long value) : id_(a.id), column_(column) {
        sql("UPDATE users SET " + column_ + " = " + std::to_string(value) + " WHERE id = " + str(id_));
        awaitUserCache();
    }
    ~UserLimits() {
        try {
            sql("UPDATE users SET " + column_ + " = NULL WHERE id = " + str(id_));
        } catch (const std::exception&) {
        }
    }

private:
    json_int_t id_;
    std::string column_;
};

// 429 in OpenAI's shape, that code, and Retry-After the seconds left in the
// window: `expected` as computed just before the request (the clock may tick once).
void assertTooMany(const std::string& code, long expected, const Response& r, const CppUnit::SourceLine& at) {
    JsonPtr err = assertOpenAiError(429, "rate_limit_error", nullptr, r, at);
    CppUnit::Asserter::failIf(jstr(err.get(), "code") != code, "expected the code " + code + ": " + r.body, at);
    const std::string retry = r.header("Retry-After");
    CppUnit::Asserter::failIf(retry.empty() || retry.find_first_not_of("0123456789") != std::string::npos,
                              "Retry-After is not a number of seconds: \"" + retry + "\"", at);
    const long seconds = std::stol(retry);
    CppUnit::Asserter::failIf(seconds < 1 || seconds < expected - 1 || seconds > expected,
                              "Retry-After " + retry + ", expected " + std::to_string(expected) + " (or one less)", at);
}
#define ASSERT_TOO_MANY(code, expected, resp) assertTooMany((code), (expected), (resp), CPPUNIT_SOURCELINE())

long secondsLeftInMinute() { return 60 - static_cast<long>(std::time(nullptr) % 60); }
long secondsLeftInDay() { return 86400 - static_cast<long>(std::time(nullptr) % 86400); }

}  // namespace

class AccountingTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AccountingTest);
    CPPUNIT_TEST(testUsageRowOfChat);
    CPPUNIT_TEST(testUsageRowOfStream);
    CPPUNIT_TEST(testUsageRowCountsReasoningTokens);
    CPPUNIT_TEST(testUsageRowOfFailedRequest);
    CPPUNIT_TEST(testUsageRowOfAbandonedStream);
    CPPUNIT_TEST(testBurstWrittenInBatches);
    CPPUNIT_TEST(testQueuedRowsWrittenWhenWorkersRoll);
    CPPUNIT_TEST(testLargeLeftoverSpoolReplayed);
    CPPUNIT_TEST(testUsageEndpoint);
    CPPUNIT_TEST(testUsageEndpointWindows);
    CPPUNIT_TEST(testUsageEndpointErrors);
    CPPUNIT_TEST(testSpoolWhileDatabaseDown);
    CPPUNIT_TEST(testRequestsPerMinute);
    CPPUNIT_TEST(testTokensPerDay);
    CPPUNIT_TEST(testConfiguredDefaultLimit);
    CPPUNIT_TEST(testLimitAcrossTwoGateways);
    CPPUNIT_TEST(testLeasedPermitsNeverExceedTheLimit);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { fake::reset(); }
    void tearDown() override { fake::reset(); }

    void testUsageRowOfChat() {
        Account a = createAccount();
        Response r = chatAs(a, chatPath("openai"), seedChatBody("gpt-acct-plain"));
        ASSERT_STATUS(200, r);
        JsonPtr c = r.json();
        Row row = onlyUsageRow(a.id);
        ASSERT_ROW((Row{{"provider", "openai"},
                        {"model_requested", "gpt-acct-plain"},
                        {"model_answered", jstr(c.get(), "model")},
                        {"prompt_tokens", str(jint(c.get(), "usage.prompt_tokens"))},
                        {"completion_tokens", str(jint(c.get(), "usage.completion_tokens"))},
                        {"reasoning_tokens", "0"},
                        {"status", "200"},
                        {"streamed", "0"},
                        {"client_disconnected", "0"},
                        {"estimated", "0"}}),
                   row);
        CPPUNIT_ASSERT(jint(c.get(), "usage.prompt_tokens") > 0 && jint(c.get(), "usage.completion_tokens") > 0);
        CPPUNIT_ASSERT(number(row, "upstream_ms") >= 0);
        // user_id and started_at: this user's, just now.
        CPPUNIT_ASSERT_EQUAL(std::string("1"), lines(sql("SELECT started_at > UTC_TIMESTAMP() - INTERVAL 1 MINUTE "
                                                         "FROM usage_events WHERE user_id = " + str(a.id)))[0]);
    }

    // A burst of chats from two users: every row in once, each user's tokens
    // added up in token_days, and the writers batch them ([server]
    // usage_flush_ms): far fewer statements than the two per row that
    // row-at-a-time autocommit inserts would take.
    void testBurstWrittenInBatches() {
        const int kPerUser = 20;
        Account a = createAccount(), b = createAccount();
        for (const Account* u : {&a, &b}) ASSERT_STATUS(200, getWithBearer("/api/me/", u->token));  // users cached
        const long before = statementsExecuted();
        std::vector<std::thread> clients;
        std::vector<int> statuses(2 * kPerUser, 0);
        std::vector<long> tokens(2 * kPerUser, 0);
        for (int i = 0; i < 2 * kPerUser; ++i)
            clients.emplace_back([&, i] {
                Response r = chatAs(i % 2 ? b : a, chatPath("openai"), seedChatBody("gpt-acct-burst"));
                statuses[i] = r.status;
                if (r.status == 200) tokens[i] = jint(r.json().get(), "usage.total_tokens");
            });
        for (auto& t : clients) t.join();
        for (int st : statuses) CPPUNIT_ASSERT_EQUAL(200, st);
        CPPUNIT_ASSERT_EQUAL(size_t(kPerUser), settledUsageRows(a.id, kPerUser).size());
        CPPUNIT_ASSERT_EQUAL(size_t(kPerUser), settledUsageRows(b.id, kPerUser).size());
        long sumA = 0, sumB = 0;
        for (int i = 0; i < 2 * kPerUser; ++i) (i % 2 ? sumB : sumA) += tokens[i];
        CPPUNIT_ASSERT_EQUAL(str(sumA), tokensToday(a.id));
        CPPUNIT_ASSERT_EQUAL(str(sumB), tokensToday(b.id));
        const long statements = statementsExecuted() - before;
        CPPUNIT_ASSERT_MESSAGE(std::to_string(statements) + " prepared statements for " + std::to_string(2 * kPerUser) +
                                   " usage rows",
                               statements < 2 * kPerUser);
    }

    // Rows still gathering in a worker's batch when the worker drains (SIGHUP
    // rolls the workers; SIGTERM stops them) are written before it exits.
    // 70 rows over two workers: at least one batch is over the 32 rows of one
    // multi-row INSERT, so the batch is split, in one transaction.
    void testQueuedRowsWrittenWhenWorkersRoll() {
        const size_t kRows = 70;
        Account a = createAccount();
        long tokens = 0;
        {
            ScopedConfig longBatches("server", "usage_flush_ms", "10000", "100");
            for (size_t i = 0; i < kRows; ++i) {
                Response r = chatAs(a, chatPath("openai"), seedChatBody("gpt-acct-drain"));
                ASSERT_STATUS(200, r);
                tokens += jint(r.json().get(), "usage.total_tokens");
            }
            // Rows held back are an absence, so this gives an early write 300 ms to show
            // (the batch is due after 10 s).
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            CPPUNIT_ASSERT_MESSAGE("rows went in before their batch was due: this test would prove nothing",
                                   usageRows(a.id).empty());
        }  // app-test.ini's value back, and a reload: the old workers drain and exit
        CPPUNIT_ASSERT_EQUAL(kRows, settledUsageRows(a.id, kRows).size());
        CPPUNIT_ASSERT_EQUAL(str(tokens), tokensToday(a.id));
    }

    // A dead worker's spool file from a long outage (600 rows, more than one
    // 256-row batch, the last line without its newline, one line torn):
    // the running workers find it within their 2 s replay tick, insert every
    // good row once with its tokens, and remove the file.
    void testLargeLeftoverSpoolReplayed() {
        const int kRows = 600;
        Account a = createAccount();
        const std::string leftover = stackVar() + "/spool/usage-999999998.jsonl";
        const std::string now = lines(sql("SELECT UTC_TIMESTAMP(6)"))[0];
        std::string text;
        for (int i = 0; i < kRows; ++i) {
            char id[33];
            std::snprintf(id, sizeof id, "%08lld%024d", static_cast<long long>(a.id), i);
            text += std::string(R"({"event_id":")") + id + R"(","user_id":)" + str(a.id) +
                    R"(,"provider":"openai","model_requested":"gpt-acct-leftover","model_answered":"gpt-acct-leftover",)"
                    R"("prompt_tokens":2,"completion_tokens":3,"reasoning_tokens":0,"status":200,"upstream_ms":5,)"
                    R"("streamed":false,"client_disconnected":false,"estimated":false,"started_at":")" +
                    now + "\"}" + (i + 1 < kRows ? "\n" : "");
            if (i == kRows / 2) text += "{\"event_id\":\"torn\n";  // a line cut short by a crash: skipped
        }
        // Written aside, then renamed in: a replay tick never sees half a file.
        std::ofstream(leftover + ".tmp") << text;
        CPPUNIT_ASSERT_EQUAL(0, std::rename((leftover + ".tmp").c_str(), leftover.c_str()));
        const bool consumed = pollUntil(15, [&] { return !std::ifstream(leftover).good(); });
        if (!consumed) std::remove(leftover.c_str());
        CPPUNIT_ASSERT_MESSAGE("no worker took " + leftover + " within 15 s", consumed);
        CPPUNIT_ASSERT_EQUAL(std::string(str(kRows)), lines(sql("SELECT COUNT(*) FROM usage_events WHERE user_id = " +
                                                               str(a.id)))[0]);
        CPPUNIT_ASSERT_EQUAL(str(5 * kRows), tokensToday(a.id));
    }

    // Without include_usage the client sees no usage, but the gateway asked
    // the provider for it: the row has the provider's counts.
    void testUsageRowOfStream() {
        Account a = createAccount();
        StreamResponse s = streamAs(a, chatPath("openai"), seedChatBody("gpt-acct-stream", true));
        std::vector<JsonPtr> chunks = ASSERT_CHAT_STREAM(s);
        CPPUNIT_ASSERT_EQUAL(kFakeReply, deltaText(chunks));
        CPPUNIT_ASSERT_MESSAGE(s.body, s.body.find("\"usage\"") == std::string::npos);
        JsonPtr reqs = fake::requests();
        CPPUNIT_ASSERT_EQUAL(std::string("true"), jdump(reqs.get(), "[0].body.stream_options.include_usage"));
        ASSERT_ROW((Row{{"provider", "openai"},
                        {"model_requested", "gpt-acct-stream"},
                        {"model_answered", jstr(chunks[0].get(), "model")},
                        {"prompt_tokens", std::to_string(wordCount(kSeedQuestion))},  // the fake counts words
                        {"completion_tokens", std::to_string(wordCount(kFakeReply))},
                        {"status", "200"},
                        {"streamed", "1"},
                        {"client_disconnected", "0"},
                        {"estimated", "0"}}),
                   onlyUsageRow(a.id));
    }

    // The fake's Gemini "thinking" models report thoughtsTokenCount 7, streamed or not.
    void testUsageRowCountsReasoningTokens() {
        Account a = createAccount();
        Response r = chatAs(a, chatPath("gemini"), seedChatBody("fake-gemini-2.5-thinking"));
        ASSERT_STATUS(200, r);
        JsonPtr c = r.json();
        CPPUNIT_ASSERT_EQUAL(json_int_t{7}, jint(c.get(), "usage.completion_tokens_details.reasoning_tokens"));
        StreamResponse s = streamAs(a, chatPath("gemini"), seedChatBody("fake-gemini-2.5-thinking", true));
        ASSERT_CHAT_STREAM(s);

        std::vector<Row> rows = settledUsageRows(a.id, 2);
        for (size_t i = 0; i < 2; ++i)
            ASSERT_ROW((Row{{"provider", "gemini"},
                            {"model_requested", "fake-gemini-2.5-thinking"},
                            {"prompt_tokens", str(jint(c.get(), "usage.prompt_tokens"))},
                            {"completion_tokens", str(jint(c.get(), "usage.completion_tokens"))},  // thoughts included
                            {"reasoning_tokens", "7"},
                            {"status", "200"},
                            {"streamed", i == 0 ? "0" : "1"}}),
                       rows[i]);
    }

    // `down` refuses connections: 502 to the client, a row with status 502 and no tokens.
    void testUsageRowOfFailedRequest() {
        Account a = createAccount();
        ASSERT_OPENAI_ERROR(502, "upstream_error", nullptr, chatAs(a, chatPath("down"), seedChatBody("gpt-acct-down")));
        Row row = onlyUsageRow(a.id);
        ASSERT_ROW((Row{{"provider", "down"},
                        {"model_requested", "gpt-acct-down"},
                        {"model_answered", ""},
                        {"prompt_tokens", "0"},
                        {"completion_tokens", "0"},
                        {"status", "502"},
                        {"streamed", "0"}}),
                   row);
        CPPUNIT_ASSERT(number(row, "upstream_ms") >= 0);
    }

    // The client hangs up after 2 events: counted with what was generated so
    // far, estimated (the provider never sent its usage).
    void testUsageRowOfAbandonedStream() {
        Account a = createAccount();
        fake::script(R"({"chunk_delay_ms":300})");
        StreamResponse s = streamAs(a, chatPath("openai"), seedChatBody("gpt-acct-abandoned", true), 2);
        CPPUNIT_ASSERT(s.hungUp);
        Row row = onlyUsageRow(a.id);
        ASSERT_ROW((Row{{"provider", "openai"},
                        {"model_requested", "gpt-acct-abandoned"},
                        {"streamed", "1"},
                        {"client_disconnected", "1"},
                        {"estimated", "1"}}),
                   row);
        CPPUNIT_ASSERT_MESSAGE(describe(row), number(row, "prompt_tokens") > 0);
        // Something, but less than the whole reply (~4 characters a token).
        const long whole = static_cast<long>((kFakeReply.size() + 3) / 4);
        CPPUNIT_ASSERT_MESSAGE(describe(row), number(row, "completion_tokens") > 0);
        CPPUNIT_ASSERT_MESSAGE(describe(row), number(row, "completion_tokens") < whole);
    }

    // Exact totals and rows by provider and model for a fresh user; only the
    // caller's own requests; the default window is the last 30 days.
    void testUsageEndpoint() {
        Account a = createAccount(), other = createAccount();
        ASSERT_USAGE(kNoUsage, "[]", usageOf(a));

        json_int_t prompt = 0, completion = 0, gPrompt = 0, gCompletion = 0;
        for (const char* question : {"Hi", "How is the weather on Mars today?"}) {
            const std::string body = R"({"model":"gpt-usage-a","messages":[{"role":"user","content":")" +
                                     std::string(question) + R"("}]})";
            Response r = chatAs(a, chatPath("openai"), body);
            ASSERT_STATUS(200, r);
            prompt += jint(r.json().get(), "usage.prompt_tokens");
            completion += jint(r.json().get(), "usage.completion_tokens");
        }
        Response g = chatAs(a, chatPath("gemini"), seedChatBody("fake-gemini-2.0-flash"));
        ASSERT_STATUS(200, g);
        gPrompt = jint(g.json().get(), "usage.prompt_tokens");
        gCompletion = jint(g.json().get(), "usage.completion_tokens");
        ASSERT_STATUS(200, chatAs(other, chatPath("openai"), seedChatBody("gpt-usage-other")));
        settledUsageRows(a.id, 3);
        settledUsageRows(other.id, 1);

        const time_t before = std::time(nullptr);
        Response r = usageOf(a);
        const time_t after = std::time(nullptr);
        ASSERT_USAGE(counts(3, prompt + gPrompt, completion + gCompletion),
                     "[" + byModel("gemini", "fake-gemini-2.0-flash", 1, gPrompt, gCompletion) + "," +
                         byModel("openai", "gpt-usage-a", 2, prompt, completion) + "]",
                     r);
        JsonPtr body = r.json();
        const std::string until = jstr(body.get(), "until");
        CPPUNIT_ASSERT_MESSAGE(r.body, until == isoUtc(before) || until == isoUtc(after));
        const time_t untilT = until == isoUtc(before) ? before : after;
        CPPUNIT_ASSERT_EQUAL(isoUtc(untilT - 30 * 86400), jstr(body.get(), "since"));

        ASSERT_USAGE(counts(1, 6, 14), "[" + byModel("openai", "gpt-usage-other", 1, 6, 14) + "]", usageOf(other));
    }

    // since inclusive, until exclusive, to the microsecond; dates, Z and offsets.
    void testUsageEndpointWindows() {
        Account a = createAccount();
        for (int i = 0; i < 2; ++i) ASSERT_STATUS(200, chatAs(a, chatPath("openai"), seedChatBody("gpt-usage-w")));
        settledUsageRows(a.id, 2);
        const std::string all = counts(2, 12, 28), allRows = "[" + byModel("openai", "gpt-usage-w", 2, 12, 28) + "]";

        // The first row's started_at (UTC), exactly.
        const auto first = lines(sql("SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', started_at), MICROSECOND(started_at), "
                                     "DATE(started_at) "
                                     "FROM usage_events WHERE user_id = " + str(a.id) + " ORDER BY started_at LIMIT 1"));
        std::istringstream f(first.at(0));
        time_t t = 0;
        long micros = 0;
        std::string day;
        f >> t >> micros >> day;

        for (int offset : {0, 120, -330}) {  // Z, +02:00, -05:30: the same instant
            const std::string at = offset == 0 ? isoWithOffset(t, micros, 0).substr(0, 26) + "Z"
                                               : isoWithOffset(t, micros, offset);
            Response r = usageOf(a, "?since=" + urlEncode(at));
            ASSERT_USAGE(all, allRows, r);  // since is inclusive
            CPPUNIT_ASSERT_EQUAL_MESSAGE(at, isoUtc(t), jstr(r.json().get(), "since"));
            r = usageOf(a, "?until=" + urlEncode(at));
            ASSERT_USAGE(kNoUsage, "[]", r);  // until is exclusive
            CPPUNIT_ASSERT_EQUAL_MESSAGE(at, isoUtc(t), jstr(r.json().get(), "until"));
        }
        // Dates alone are midnight UTC.
        Response r = usageOf(a, "?since=" + day);
        ASSERT_USAGE(all, allRows, r);
        CPPUNIT_ASSERT_EQUAL(day + "T00:00:00Z", jstr(r.json().get(), "since"));
        ASSERT_USAGE(kNoUsage, "[]", usageOf(a, "?until=" + day));
        ASSERT_USAGE(all, allRows, usageOf(a, "?since=" + day + "&until=2999-01-01T00:00:00Z"));

        // A window in the past: zeros, the bounds echoed in UTC.
        r = usageOf(a, "?since=2020-01-01&until=" + urlEncode("2020-01-02T01:30:00+01:30"));
        ASSERT_USAGE(kNoUsage, "[]", r);
        CPPUNIT_ASSERT_EQUAL(std::string("2020-01-01T00:00:00Z"), jstr(r.json().get(), "since"));
        CPPUNIT_ASSERT_EQUAL(std::string("2020-01-02T00:00:00Z"), jstr(r.json().get(), "until"));
    }

    void testUsageEndpointErrors() {
        Account a = createAccount();
        const std::string invalid = R"(["Enter a valid date/time."])";
        for (const char* bad : {"yesterday", "2026-02-30", "2026-13-01", "2026-11-25T25:00:00Z", "2026-11-25T10:00:00+2",
                                "20261125", ""}) {
            ASSERT_RESPONSE(400, R"({"since":)" + invalid + "}", usageOf(a, "?since=" + urlEncode(bad)));
            ASSERT_RESPONSE(400, R"({"until":)" + invalid + "}", usageOf(a, "?until=" + urlEncode(bad)));
        }
        ASSERT_RESPONSE(400, R"({"since":)" + invalid + R"(,"until":)" + invalid + "}",
                        usageOf(a, "?since=soon&until=later"));
        ASSERT_RESPONSE(401, R"({"detail":"Authentication credentials were not provided."})",
                        request("GET", "/api/usage/"));
        ASSERT_STATUS(401, getWithBearer("/api/usage/", "not-a-token"));
    }

    // The database goes away while a stream runs: the client gets everything,
    // the row waits in the spool file, goes in once the database is back, and
    // a replay of the same event (the start-up pass) does not count it twice.
    void testSpoolWhileDatabaseDown() {
        Account a = createAccount();
        fake::script(R"({"chunk_delay_ms":400})");  // ~17 events: ~7 s
        auto pending = std::async(std::launch::async, [&] {
            return streamAs(a, chatPath("openai"), seedChatBody("gpt-acct-spooled", true));
        });
        WAIT_FOR([] { return json_array_size(fake::requests().get()) == 1; }, 5, "the fake to record the chat");
        DatabaseOutage outage;
        StreamResponse s = pending.get();
        CPPUNIT_ASSERT_EQUAL(kFakeReply, deltaText(ASSERT_CHAT_STREAM(s)));

        std::vector<Spooled> spooled;
        WAIT_FOR([&] { return !(spooled = spooledEvents(a.id)).empty(); }, 5,
                 "a spooled row under " + stackVar() + "/spool");
        CPPUNIT_ASSERT_EQUAL(size_t{1}, spooled.size());
        const json_t* e = spooled[0].event.get();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(spooled[0].line, std::string("gpt-acct-spooled"), jstr(e, "model_requested"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(spooled[0].line, std::string("openai"), jstr(e, "provider"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(spooled[0].line, json_int_t{200}, jint(e, "status"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(spooled[0].line, json_int_t{6}, jint(e, "prompt_tokens"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(spooled[0].line, json_int_t{14}, jint(e, "completion_tokens"));
        CPPUNIT_ASSERT_MESSAGE(spooled[0].line, json_is_true(json_object_get(e, "streamed")));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(spooled[0].line, size_t{32}, jstr(e, "event_id").size());

        outage.end();
        WAIT_FOR([&] { return !usageRows(a.id).empty(); }, 10, "the spooled row in usage_events after db-start");
        WAIT_FOR([&] { return spooledEvents(a.id).empty(); }, 5, "the spool file to be removed");
        ASSERT_ROW((Row{{"model_requested", "gpt-acct-spooled"}, {"prompt_tokens", "6"}, {"completion_tokens", "14"},
                        {"streamed", "1"}, {"status", "200"}}),
                   onlyUsageRow(a.id));
        CPPUNIT_ASSERT_EQUAL(std::string("20"), tokensToday(a.id));

        // The same event again, as a dead worker's leftover file: the start-up
        // replay takes it (and removes the file) without a second row or tokens.
        ctl("pool-stop");
        const std::string leftover = stackVar() + "/spool/usage-999999999.jsonl";
        std::ofstream(leftover) << spooled[0].line << "\n";
        ctl("pool-start");
        CPPUNIT_ASSERT(waitHealthy());
        const bool consumed = pollUntil(10, [&] { return readTextFile(leftover).empty(); });
        std::remove(leftover.c_str());
        CPPUNIT_ASSERT_MESSAGE("the start-up replay did not take " + leftover, consumed);
        onlyUsageRow(a.id);
        CPPUNIT_ASSERT_EQUAL(std::string("20"), tokensToday(a.id));
    }

    // requests_per_minute = 3 (the user's own): models and chat requests count
    // alike; the 4th is refused until the minute ends and counts nothing.
    void testRequestsPerMinute() {
        Account a = createAccount();
        UserLimits limit(a, "requests_per_minute", 3);
        awaitRoomInThisMinute(5);
        ASSERT_STATUS(200, getWithBearer("/api/supported-models/?provider=openai", a.token));
        ASSERT_STATUS(200, chatAs(a, chatPath("openai"), seedChatBody("gpt-acct-rpm")));
        ASSERT_STATUS(200, postJson("/v1/chat/completions", seedChatBody("gpt-acct-rpm"), {a.auth()}));
        long expected = secondsLeftInMinute();
        ASSERT_TOO_MANY("rate_limit_exceeded", expected, chatAs(a, chatPath("openai"), seedChatBody("gpt-acct-rpm")));
        expected = secondsLeftInMinute();
        ASSERT_TOO_MANY("rate_limit_exceeded", expected,
                        getWithBearer("/api/supported-models/?provider=openai", a.token));
        ASSERT_TOO_MANY("rate_limit_exceeded", secondsLeftInMinute(), getWithBearer("/v1/models", a.token));
        // Not a limited endpoint: still answers.
        ASSERT_STATUS(200, getWithBearer("/api/me/", a.token));
        // Refused requests reached neither the provider nor the accounting.
        CPPUNIT_ASSERT_EQUAL(size_t{3}, json_array_size(fake::requests().get()));
        settledUsageRows(a.id, 2);
        CPPUNIT_ASSERT_EQUAL(std::string("3"), lines(sql("SELECT MAX(requests) FROM rate_windows WHERE user_id = " +
                                                         str(a.id)))[0]);
    }

    // tokens_per_day = 1: the first chat (the one that crosses) completes, the
    // next is refused until midnight UTC; models requests are not chats.
    void testTokensPerDay() {
        Account a = createAccount();
        UserLimits quota(a, "tokens_per_day", 1);
        Response r = chatAs(a, chatPath("openai"), seedChatBody("gpt-acct-tpd"));
        ASSERT_STATUS(200, r);
        onlyUsageRow(a.id);  // counted after the response: wait for it
        CPPUNIT_ASSERT_EQUAL(str(jint(r.json().get(), "usage.total_tokens")), tokensToday(a.id));
        long expected = secondsLeftInDay();
        ASSERT_TOO_MANY("quota_exceeded", expected, chatAs(a, chatPath("openai"), seedChatBody("gpt-acct-tpd")));
        expected = secondsLeftInDay();
        ASSERT_TOO_MANY("quota_exceeded", expected, chatAs(a, "/v1/chat/completions", seedChatBody("gpt-acct-tpd", true)));
        ASSERT_STATUS(200, getWithBearer("/api/supported-models/?provider=openai", a.token));
        CPPUNIT_ASSERT_EQUAL(size_t{2}, json_array_size(fake::requests().get()));  // one chat, one models list
        onlyUsageRow(a.id);
    }

    // [limits] requests_per_minute = 2 applies to users without their own
    // limit; a user's own 0 means unlimited, a user's own 4 wins too.
    void testConfiguredDefaultLimit() {
        Account plain = createAccount(), unlimited = createAccount(), own = createAccount();
        UserLimits noLimit(unlimited, "requests_per_minute", 0);
        UserLimits ownLimit(own, "requests_per_minute", 4);
        ScopedConfig config("limits", "requests_per_minute", "2", "0");
        awaitRoomInThisMinute(5);
        const std::string models = "/api/supported-models/?provider=openai";
        for (int i = 0; i < 2; ++i) ASSERT_STATUS(200, getWithBearer(models, plain.token));
        ASSERT_TOO_MANY("rate_limit_exceeded", secondsLeftInMinute(), getWithBearer(models, plain.token));
        for (int i = 0; i < 5; ++i) ASSERT_STATUS(200, getWithBearer(models, unlimited.token));
        for (int i = 0; i < 4; ++i) ASSERT_STATUS(200, getWithBearer(models, own.token));
        ASSERT_TOO_MANY("rate_limit_exceeded", secondsLeftInMinute(), getWithBearer(models, own.token));
    }

    // Two complete gateways on one database: one user's requests, alternating
    // or all at once, are limited to the one number; rows land in one table.
    void testLimitAcrossTwoGateways() {
        SecondGateway second;
        const std::string gateways[] = {baseUrl(), second.url()};
        const std::string body = seedChatBody("gpt-acct-two-gateways");

        Account a = createAccount();
        UserLimits limit(a, "requests_per_minute", 6);
        awaitRoomInThisMinute(5);
        std::vector<long> statuses;
        for (int i = 0; i < 12; ++i) statuses.push_back(chatAs(a, chatPath("openai"), body, gateways[i % 2]).status);
        CPPUNIT_ASSERT_EQUAL(std::string("200 200 200 200 200 200 429 429 429 429 429 429"), joined(statuses));
        settledUsageRows(a.id, 6);
        // Half of them went through the second gateway (its own access log).
        size_t servedBySecond = 0;
        for (const auto& line : jsonLines(readTextFile(stackVar() + "/second/log/access.log")))
            servedBySecond += jint(line.get(), "user_id") == a.id && jint(line.get(), "status") == 200;
        CPPUNIT_ASSERT_EQUAL(size_t{3}, servedBySecond);

        // 12 at once, 6 to each gateway: still exactly 6 pass.
        Account b = createAccount();
        UserLimits limitB(b, "requests_per_minute", 6);
        awaitRoomInThisMinute(5);
        std::vector<std::future<long>> burst;
        for (int i = 0; i < 12; ++i)
            burst.push_back(std::async(std::launch::async, [&, i] {
                try {
                    return chatAs(b, chatPath("openai"), body, gateways[i % 2]).status;
                } catch (const std::exception&) {
                    return -1L;
                }
            }));
        std::map<long, int> byStatus;
        for (auto& f : burst) ++byStatus[f.get()];
        CPPUNIT_ASSERT_EQUAL(6, byStatus[200]);
        CPPUNIT_ASSERT_EQUAL(6, byStatus[429]);
        settledUsageRows(b.id, 6);
    }

    // requests_per_minute = 64 from two gateways (four workers): while the
    // window's count is at most half the limit, workers take 4 permits (64/16)
    // per UPDATE, so the count moves in steps of 4, not of 1; past half, one
    // by one. Never more than 64 pass, and at most the permits the four
    // workers may hold unused (4 x 3) fewer.
    void testLeasedPermitsNeverExceedTheLimit() {
        SecondGateway second;
        const std::string gateways[] = {baseUrl(), second.url()};
        const std::string models = "/api/supported-models/?provider=openai";
        Account a = createAccount();
        UserLimits limit(a, "requests_per_minute", 64);
        awaitRoomInThisMinute(20);
        auto counted = [&] {
            return std::stol(lines(sql("SELECT COALESCE(MAX(requests), 0) FROM rate_windows WHERE user_id = " +
                                       str(a.id)))[0]);
        };
        for (int i = 0; i < 8; ++i) ASSERT_STATUS(200, requestUrl("GET", gateways[i % 2] + models, "", {a.auth()}));
        const long afterEight = counted();
        CPPUNIT_ASSERT_MESSAGE(std::to_string(afterEight), afterEight % 4 == 0 && afterEight >= 8 && afterEight <= 20);

        long ok = 8;
        std::vector<long> statuses;
        for (int i = 0; i < 92; ++i) {
            const long s = requestUrl("GET", gateways[i % 2] + models, "", {a.auth()}).status;
            ok += s == 200;
            statuses.push_back(s);
        }
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ok) + " admitted: " + joined(statuses), ok <= 64 && ok >= 64 - 12);
        CPPUNIT_ASSERT_EQUAL(64L, counted());  // every permit counted, none beyond the limit
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AccountingTest);
