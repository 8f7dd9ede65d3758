// A test that cannot run here says so instead of passing: SKIP_TEST("why")
// ends it, and the runner (main.cpp) prints "SKIP <test>: <why>" and counts it
// apart from the passed ones.
#pragma once

#include <cppunit/Exception.h>
#include <cppunit/SourceLine.h>

#include <string>

namespace it {

// Thrown as a CppUnit failure, so the runner's listener receives it; the
// runner tells it from a real one by its type.
class TestSkipped : public CppUnit::Exception {
public:
    TestSkipped(const std::string& reason, const CppUnit::SourceLine& at)
        : CppUnit::Exception(CppUnit::Message("skipped", reason), at), reason_(reason) {}
    // CppUnit hands the listener a clone: it must stay a TestSkipped.
    CppUnit::Exception* clone() const override { return new TestSkipped(*this); }
    const std::string& reason() const { return reason_; }

private:
    std::string reason_;
};

#define SKIP_TEST(reason) throw ::it::TestSkipped((reason), CPPUNIT_SOURCELINE())

}  // namespace it
