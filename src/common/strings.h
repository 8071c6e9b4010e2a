// Small string helpers shared by the CLI and the libraries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace edgecut {

// Splits "a,b,c" at `sep`. Empty items ("a,,b", a trailing comma, "") are
// dropped unless keep_empty, in which case "" gives one empty item. O(n).
std::vector<std::string> split_list(std::string_view s, char sep = ',', bool keep_empty = false);

// "1x3x224x224" (empty for a scalar): how errors and reports print shapes.
std::string shape_str(const std::vector<int64_t>& shape);

}  // namespace edgecut
