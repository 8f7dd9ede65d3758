// text/event-stream parsing per https://html.spec.whatwg.org/multipage/server-sent-events.html
// (9.2.5 Parsing an event stream, 9.2.6 Interpreting an event stream).
#include "upstream/sse.h"

#include <algorithm>
#include <utility>

namespace llmapi::upstream {

namespace {

// "end-of-line = ( cr lf / cr / lf )"
bool is_eol(char c) { return c == '\r' || c == '\n'; }

// "The UTF-8 decode algorithm strips one leading UTF-8 Byte Order Mark (BOM), if any."
void strip_bom(std::string& line) {
    static const std::string bom = "\xEF\xBB\xBF";
    if (line.compare(0, bom.size(), bom) == 0) line.erase(0, bom.size());
}

}  // namespace

bool SseParser::feed(const char* data, size_t n, const EventFn& on_event) {
    if (stopped_) return false;
    const char* p = data;
    const char* const end = data + n;
    // A CR ended the previous chunk: a LF starting this one completes the same CRLF.
    if (after_cr_ && p != end) {
        after_cr_ = false;
        if (*p == '\n') ++p;
    }
    while (p != end) {
        const char* eol = std::find_if(p, end, is_eol);
        line_.append(p, eol);
        if (eol == end) break;  // incomplete line: wait for more bytes
        p = eol + 1;
        if (*eol == '\r') {
            if (p == end) after_cr_ = true;
            else if (*p == '\n') ++p;
        }
        if (!end_line(on_event)) return false;
    }
    return true;
}

bool SseParser::finish(const EventFn& on_event) {
    if (stopped_) return false;
    after_cr_ = false;
    if (!line_.empty() && !end_line(on_event)) return false;
    return dispatch(on_event);
}

// "If the line is empty, dispatch the event. If the line starts with a colon,
// ignore the line. Otherwise process the field."
bool SseParser::end_line(const EventFn& on_event) {
    std::string line;
    line.swap(line_);
    if (first_line_) {
        first_line_ = false;
        strip_bom(line);
    }
    if (line.empty()) return dispatch(on_event);
    if (line[0] != ':') take_field(std::move(line));
    return true;
}

// "field: value": no colon means the whole line is the field name and the value
// is empty; one space after the colon is not part of the value.
void SseParser::take_field(std::string line) {
    const size_t colon = line.find(':');
    if (line.compare(0, colon, "data") != 0) return;  // event, id, retry, unknown: not needed
    if (colon == std::string::npos) {
        data_ += '\n';
        return;
    }
    size_t value = colon + 1;
    if (value < line.size() && line[value] == ' ') ++value;
    data_.append(line, value, std::string::npos);
    data_ += '\n';
}

// "If the data buffer is an empty string, ... return" (an event with no data
// line is not dispatched); "if the data buffer's last character is a LF, remove it".
bool SseParser::dispatch(const EventFn& on_event) {
    if (data_.empty()) return true;
    std::string event;
    event.swap(data_);
    event.pop_back();
    if (on_event(event)) return true;
    stopped_ = true;
    return false;
}

}  // namespace llmapi::upstream
