// Incremental parser for text/event-stream bodies (upstream streaming responses).
// Follows the WHATWG HTML standard, "9.2.5 Parsing an event stream" and
// "9.2.6 Interpreting an event stream":
//   https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream
// Only the data of each event is reported: the gateway needs no event type,
// id or retry, so those fields are read and ignored.
#pragma once
#include <cstddef>
#include <functional>
#include <string>

namespace llmapi::upstream {

class SseParser {
public:
    // Gets one event's data (its data lines joined with "\n"); returns false to stop.
    using EventFn = std::function<bool(const std::string&)>;

    // Feeds bytes as they arrive, split anywhere. Calls on_event for each complete
    // event, in order. Returns false as soon as on_event does; from then on the
    // parser stays stopped (later calls return false and report nothing).
    bool feed(const char* data, size_t n, const EventFn& on_event);

    // At end of stream: reports an event still pending (last line or blank line
    // missing). The standard discards it; a gateway would rather deliver the
    // final frame of an upstream that closed without the blank line.
    bool finish(const EventFn& on_event);

private:
    bool end_line(const EventFn& on_event);
    void take_field(std::string line);
    bool dispatch(const EventFn& on_event);

    std::string line_;        // the current line, without its line end
    std::string data_;        // the event's data buffer, each line followed by "\n"
    bool after_cr_ = false;   // the last byte fed was CR: a LF next is the same line end
    bool first_line_ = true;  // a BOM may start the stream
    bool stopped_ = false;
};

}  // namespace llmapi::upstream
