#include "common/file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace edgecut {

Expected<std::string> read_bounded_file(const std::string& path, const std::string& what, int64_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return error(Code::kNotFound, "{} '{}': no such file", what, path);
  if (!std::filesystem::is_regular_file(path, ec)) {
    return error(Code::kInvalidArgument, "{} '{}': not a regular file", what, path);
  }
  const auto size = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  if (ec) return error(Code::kIo, "{} '{}': cannot stat: {}", what, path, ec.message());
  if (size > max_bytes) {
    return error(Code::kInvalidArgument, "{} '{}': {} bytes, over the limit of {}", what, path, size,
                 max_bytes);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return error(Code::kIo, "{} '{}': cannot open", what, path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return error(Code::kIo, "{} '{}': read failed", what, path);
  return ss.str();
}

}  // namespace edgecut
