// Lets CPPUNIT_ASSERT_EQUAL compare std::vector values and print them.
#pragma once
#include <cppunit/TestAssert.h>

#include <sstream>
#include <string>
#include <vector>

namespace CppUnit {

template <class T>
struct assertion_traits<std::vector<T>> {
    static bool equal(const std::vector<T>& a, const std::vector<T>& b) { return a == b; }
    static std::string toString(const std::vector<T>& v) {
        std::ostringstream o;
        o << "[";
        for (size_t i = 0; i < v.size(); ++i) o << (i ? ", " : "") << v[i];
        o << "]";
        return o.str();
    }
};

}  // namespace CppUnit
