// SseParser against the WHATWG event-stream rules
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream).
#include "upstream/sse.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

using llmapi::upstream::SseParser;
using Events = std::vector<std::string>;

namespace {

// Feeds `pieces` in order, then finish() when asked; returns every event reported.
Events parse_pieces(const std::vector<std::string>& pieces, bool call_finish = false) {
    SseParser parser;
    Events events;
    auto collect = [&](const std::string& e) {
        events.push_back(e);
        return true;
    };
    for (const std::string& piece : pieces) CPPUNIT_ASSERT(parser.feed(piece.data(), piece.size(), collect));
    if (call_finish) CPPUNIT_ASSERT(parser.finish(collect));
    return events;
}

Events parse(const std::string& stream) { return parse_pieces({stream}); }

std::string show(const Events& events) {
    std::string out = "[";
    for (const std::string& e : events) out += "<" + e + ">";
    return out + "]";
}

void assert_events(const Events& expected, const Events& actual, const std::string& what = "") {
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, show(expected), show(actual));
}

// Line ends of every kind, CRLFs inside an event, comments, a data-less event, multi-line data,
// a BOM: the stream every split test is run on.
const std::string kMixedStream =
    "\xEF\xBB\xBF: comment\r\n"
    "data: {\"a\":1}\r\n\r\n"
    "data: two\r\ndata: crlf lines\r\n\r\n"
    "event: ping\nid: 7\nretry: 100\n\n"
    "data: line one\rdata:line two\r\r"
    "data: [DONE]\n\n"
    "data\ndata: x\r\n\n";
const Events kMixedEvents = {"{\"a\":1}", "two\ncrlf lines", "line one\nline two", "[DONE]", "\nx"};

}  // namespace

class SseParserTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SseParserTest);
    CPPUNIT_TEST(testLfLineEnds);
    CPPUNIT_TEST(testCrLfLineEnds);
    CPPUNIT_TEST(testCrLineEnds);
    CPPUNIT_TEST(testCrLfSplitAcrossChunksIsOneLineEnd);
    CPPUNIT_TEST(testEverySplitPoint);
    CPPUNIT_TEST(testEveryPairOfSplitPoints);
    CPPUNIT_TEST(testByteByByte);
    CPPUNIT_TEST(testMultiLineData);
    CPPUNIT_TEST(testLeadingSpace);
    CPPUNIT_TEST(testComments);
    CPPUNIT_TEST(testEventWithoutDataNotDispatched);
    CPPUNIT_TEST(testOtherFieldsIgnored);
    CPPUNIT_TEST(testDonePassedThrough);
    CPPUNIT_TEST(testStopsWhenCallbackReturnsFalse);
    CPPUNIT_TEST(testFinishDispatchesUnterminatedEvent);
    CPPUNIT_TEST(testFinishAfterCompleteStream);
    CPPUNIT_TEST(testFinishPropagatesStop);
    CPPUNIT_TEST(testBuffered);
    CPPUNIT_TEST(testByteOrderMark);
    CPPUNIT_TEST(testEmptyFeed);
    CPPUNIT_TEST_SUITE_END();

public:
    void testLfLineEnds() { assert_events({"a", "b"}, parse("data: a\n\ndata: b\n\n")); }

    void testCrLfLineEnds() { assert_events({"a", "b"}, parse("data: a\r\n\r\ndata: b\r\n\r\n")); }

    void testCrLineEnds() { assert_events({"a", "b"}, parse("data: a\r\rdata: b\r\r")); }

    void testCrLfSplitAcrossChunksIsOneLineEnd() {
        // Were the LF a second line end, it would be a blank line: "a" and "b" apart.
        assert_events({"a\nb"}, parse_pieces({"data: a\r", "\ndata: b\r", "\n\r", "\n"}));
        // A lone CR at a chunk's end followed by other text is still a line end.
        assert_events({"a\nb"}, parse_pieces({"data: a\r", "data: b\r", "\r"}));
    }

    void testEverySplitPoint() {
        assert_events(kMixedEvents, parse(kMixedStream), "whole");
        for (size_t k = 0; k <= kMixedStream.size(); ++k)
            assert_events(kMixedEvents, parse_pieces({kMixedStream.substr(0, k), kMixedStream.substr(k)}),
                          "split at " + std::to_string(k));
    }

    void testEveryPairOfSplitPoints() {
        const std::string& s = kMixedStream;
        for (size_t a = 0; a <= s.size(); ++a)
            for (size_t b = a; b <= s.size(); ++b)
                assert_events(kMixedEvents, parse_pieces({s.substr(0, a), s.substr(a, b - a), s.substr(b)}),
                              "split at " + std::to_string(a) + "," + std::to_string(b));
    }

    void testByteByByte() {
        std::vector<std::string> bytes;
        for (char c : kMixedStream) bytes.emplace_back(1, c);
        assert_events(kMixedEvents, parse_pieces(bytes));
    }

    void testMultiLineData() {
        assert_events({"a\nb\nc"}, parse("data: a\ndata: b\ndata: c\n\n"));
        assert_events({"\nx"}, parse("data:\ndata: x\n\n"));
        assert_events({""}, parse("data\n\n"));   // no colon: field "data", empty value
        assert_events({""}, parse("data:\n\n"));
        assert_events({"a:b"}, parse("data: a:b\n\n"));  // only the first colon splits
    }

    void testLeadingSpace() {
        assert_events({"x", "x", " x", "x "}, parse("data:x\n\ndata: x\n\ndata:  x\n\ndata: x \n\n"));
    }

    void testComments() {
        assert_events({}, parse(": keep-alive\n\n:\n\n"));
        assert_events({"a\nb"}, parse("data: a\n: in the middle\ndata: b\n\n"));
    }

    void testEventWithoutDataNotDispatched() {
        assert_events({}, parse("event: ping\n\nid: 3\n\nretry: 1000\n\n"));
        assert_events({"x"}, parse("event: message\nid: 1\ndata: x\n\n"));
        assert_events({}, parse("\n\n\n"));
    }

    void testOtherFieldsIgnored() {
        assert_events({"x"}, parse("dat: no\ndatas: no\nDATA: no\ndata : no\nfoo: bar\ndata: x\n\n"));
    }

    void testDonePassedThrough() { assert_events({"{}", "[DONE]"}, parse("data: {}\n\ndata: [DONE]\n\n")); }

    void testStopsWhenCallbackReturnsFalse() {
        SseParser parser;
        Events seen;
        auto stop_at_second = [&](const std::string& e) {
            seen.push_back(e);
            return seen.size() < 2;
        };
        const std::string s = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
        CPPUNIT_ASSERT(!parser.feed(s.data(), s.size(), stop_at_second));
        assert_events({"1", "2"}, seen);
        // Stopped for good: nothing more is reported.
        CPPUNIT_ASSERT(!parser.feed(s.data(), s.size(), stop_at_second));
        CPPUNIT_ASSERT(!parser.finish(stop_at_second));
        assert_events({"1", "2"}, seen);
    }

    void testFinishDispatchesUnterminatedEvent() {
        assert_events({"a"}, parse_pieces({"data: a"}, true));        // no line end at all
        assert_events({"a"}, parse_pieces({"data: a\n"}, true));      // no blank line
        assert_events({"a\nb"}, parse_pieces({"data: a\ndata: b\r"}, true));
        assert_events({"x", "y"}, parse_pieces({"data: x\n\ndata: y"}, true));
    }

    void testFinishAfterCompleteStream() {
        assert_events({"a"}, parse_pieces({"data: a\n\n"}, true));
        assert_events({}, parse_pieces({": only a comment"}, true));
        assert_events({}, parse_pieces({"event: x"}, true));
        assert_events({}, parse_pieces({}, true));
    }

    void testFinishPropagatesStop() {
        SseParser parser;
        const std::string s = "data: last";
        CPPUNIT_ASSERT(parser.feed(s.data(), s.size(), [](const std::string&) { return true; }));
        CPPUNIT_ASSERT(!parser.finish([](const std::string&) { return false; }));
    }

    // What is held between feeds shows at finish(): a partial line, then
    // an undispatched event, then nothing once the blank line dispatched it.
    void testBuffered() {
        auto held_after = [](const std::string& s) {
            SseParser parser;
            std::vector<std::string> events;
            auto collect = [&](const std::string& e) { events.push_back(e); return true; };
            parser.feed(s.data(), s.size(), collect);
            events.clear();
            parser.finish(collect);
            return events;
        };
        assert_events({"partial"}, held_after("data: partial"));
        assert_events({"partial"}, held_after("data: partial\n"));
        assert_events({}, held_after("data: partial\n\n"));
    }

    void testByteOrderMark() {
        assert_events({"a"}, parse("\xEF\xBB\xBF" "data: a\n\n"));
        assert_events({"a"}, parse_pieces({"\xEF", "\xBB", "\xBF" "da", "ta: a\n\n"}));
        // Only at the start of the stream.
        assert_events({"a"}, parse("data: a\n\n\xEF\xBB\xBF" "data: b\n\n"));
    }

    void testEmptyFeed() {
        assert_events({"a"}, parse_pieces({"", "data: a\r", "", "\n\n", ""}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SseParserTest);
