#include "common/strings.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace edgecut {

std::vector<std::string> split_list(std::string_view s, char sep, bool keep_empty) {
  std::vector<std::string> out;
  for (size_t start = 0; start <= s.size();) {
    const size_t end = std::min(s.find(sep, start), s.size());
    if (keep_empty || end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string shape_str(const std::vector<int64_t>& shape) { return fmt::format("{}", fmt::join(shape, "x")); }

}  // namespace edgecut
