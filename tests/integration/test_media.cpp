// Remote images for Gemini through the whole stack (API.md section 9): the
// gateway downloads an http(s) image URL and sends it inline, within its
// limits, and never from inside the network. The fake serves the images
// (tests/fakes/README.md, "Media server"); the test stack caps them at 1 MiB
// and 2 s (app-test.ini). As the fake listens on 127.0.0.1, the fetches that
// must succeed run with [providers] media_allow_private = true; the refusal
// of private addresses runs with the default, false.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>

#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "json_path.h"
#include "stack.h"

using namespace it;

namespace {

const char* kGemini = "/v1/chat/completions?provider=gemini";

std::string fakeUrl(const std::string& path) { return stackEnv("LLMAPI_TEST_FAKE_URL") + path; }

std::string imageBody(const std::string& url) {
    return R"({"model":"fake-gemini-2.0-flash","messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},)"
           R"({"type":"image_url","image_url":{"url":")" + url + R"("}}]}]})";
}

long mediaHits(const std::string& path) {
    Response r = requestUrl("GET", fakeUrl("/_control/media-hits"));
    const json_int_t n = jint(r.json().get(), "hits." + path);
    return n < 0 ? 0 : static_cast<long>(n);
}

// A 400 naming the image's url, whose message says `why`.
void assertRefused(const std::string& url, const std::string& why) {
    Response r = chatPost(kGemini, imageBody(url));
    JsonPtr e = ASSERT_OPENAI_ERROR(400, "invalid_request_error", "messages[0].content[1].image_url.url", r);
    CPPUNIT_ASSERT_MESSAGE(url + ": " + r.body, jstr(e.get(), "message").find(why) != std::string::npos);
}

std::string base64(const std::string& raw) {
    static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (size_t i = 0; i < raw.size(); i += 3) {
        unsigned v = static_cast<unsigned char>(raw[i]) << 16;
        if (i + 1 < raw.size()) v |= static_cast<unsigned char>(raw[i + 1]) << 8;
        if (i + 2 < raw.size()) v |= static_cast<unsigned char>(raw[i + 2]);
        out += a[(v >> 18) & 63];
        out += a[(v >> 12) & 63];
        out += i + 1 < raw.size() ? a[(v >> 6) & 63] : '=';
        out += i + 2 < raw.size() ? a[v & 63] : '=';
    }
    return out;
}

}  // namespace

class MediaTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MediaTest);
    CPPUNIT_TEST(testPrivateAddressesNeverContacted);
    CPPUNIT_TEST(testFetchesAndRefusals);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { fake::reset(); }

    // The default: loopback in any spelling, and other schemes, refused
    // before any connection (the fake counts no hit).
    void testPrivateAddressesNeverContacted() {
        const std::string port = fakeUrl("").substr(fakeUrl("").rfind(':'));
        for (const std::string& host : {std::string("127.0.0.1"), std::string("2130706433"), std::string("0x7f000001"),
                                        std::string("localhost"), std::string("[::ffff:127.0.0.1]")})
            assertRefused("http://" + host + port + "/media/cat.png", "address");
        assertRefused("http://169.254.169.254/latest/meta-data/", "link-local");
        assertRefused("ftp://example.com/cat.png", "data:, http: or https:");
        assertRefused("file:///etc/passwd", "data:, http: or https:");
        CPPUNIT_ASSERT_EQUAL(0L, mediaHits("/media/cat.png"));
        CPPUNIT_ASSERT_EQUAL(size_t{0}, json_array_size(fake::requests().get()));  // nothing reached Gemini either
    }

    void testFetchesAndRefusals() {
        ScopedConfig allow("providers", "media_allow_private", "true", "false");
        fake::reset();
        // PNG and JPEG, sent inline with their type and exact bytes.
        const std::string png = requestUrl("GET", fakeUrl("/media/cat.png")).body;
        ASSERT_STATUS(200, chatPost(kGemini, imageBody(fakeUrl("/media/cat.png"))));
        JsonPtr reqs = fake::requests();
        const json_t* last = json_array_get(reqs.get(), json_array_size(reqs.get()) - 1);
        CPPUNIT_ASSERT_EQUAL(std::string("image/png"), jstr(last, "body.contents[0].parts[1].inlineData.mimeType"));
        CPPUNIT_ASSERT_EQUAL(base64(png), jstr(last, "body.contents[0].parts[1].inlineData.data"));
        ASSERT_STATUS(200, chatPost(kGemini, imageBody(fakeUrl("/media/cat.jpg"))));
        ASSERT_STATUS(200, chatPost(kGemini, imageBody(fakeUrl("/media/nolength.png"))));
        // Three redirects are followed; a fourth is refused.
        ASSERT_STATUS(200, chatPost(kGemini, imageBody(fakeUrl("/media/redirect?n=2&to=%2Fmedia%2Fcat.png"))));
        assertRefused(fakeUrl("/media/redirect?n=3&to=%2Fmedia%2Fcat.png"), "more than 3 redirects");
        // Type, size, time, status.
        assertRefused(fakeUrl("/media/page.html"), "not an image");
        assertRefused(fakeUrl("/media/big.png"), "larger than 1048576 bytes");
        const auto t0 = std::chrono::steady_clock::now();
        assertRefused(fakeUrl("/media/slow.png?ms=4000"), "longer than 2 s");
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(3500));
        assertRefused(fakeUrl("/media/none.png"), "HTTP 404");
        assertRefused("http://nonexistent.invalid/cat.png", "does not resolve");
        ASSERT_SERVING();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MediaTest);
