// JSON fixtures for the unit tests: text -> jansson, failing the test on bad JSON.
#pragma once
#include <cppunit/TestAssert.h>

#include <string>

#include "common/json.h"

inline llmapi::JsonPtr load_fixture(const std::string& text) {
    llmapi::JsonPtr v(json_loads(text.c_str(), 0, nullptr));
    if (!v) CPPUNIT_FAIL("bad fixture JSON: " + text);
    return v;
}
