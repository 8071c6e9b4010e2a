// Small string helpers shared by the CLI and the libraries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace edgecut {

// Splits "a,b,c" at `sep`. Empty items ("a,,b", a trailing comma, "") are
// dropped unless keep_empty, in which case "" gives one empty item. O(n).
std::vector<std::string> split_list(std::string_view s, char sep = ',', bool keep_empty = false);

}  // namespace edgecut
