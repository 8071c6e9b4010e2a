#include "net/tail_name.h"

#include <fmt/format.h>

#include <charconv>

#include "common/hash.h"

namespace edgecut::net {

std::string edge_set_digest(const std::vector<graph::NodeId>& edge_nodes) {
  Fnv1a h;
  for (graph::NodeId v : edge_nodes) h.update_pod(static_cast<uint32_t>(v));
  return h.hex();
}

std::string tail_model_name(const std::string& model, const std::vector<graph::NodeId>& edge_nodes) {
  return model + ".tail." + edge_set_digest(edge_nodes);
}

bool parse_tail_name(const std::string& name, std::string* model, std::string* digest) {
  const std::string kMark = ".tail.";
  const size_t p = name.rfind(kMark);
  if (p == std::string::npos || p == 0 || name.size() - p - kMark.size() != 16) return false;
  *model = name.substr(0, p);
  *digest = name.substr(p + kMark.size());
  return digest->find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string format_node_ranges(const std::vector<graph::NodeId>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? fmt::format("{}", ids[i]) : fmt::format("{}-{}", ids[i], ids[j]);
    i = j + 1;
  }
  return out;
}

namespace {
Expected<int64_t> parse_id(std::string_view s, const std::string& piece) {
  int64_t v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
    return error(Code::kInvalidArgument, "edge_nodes: '{}' is not an id or a range", piece);
  }
  return v;
}
}  // namespace

Expected<std::vector<graph::NodeId>> parse_node_ranges(const std::string& text, int num_nodes) {
  if (text.size() > (1u << 20))
    return error(Code::kInvalidArgument, "edge_nodes: {} bytes, over 1 MB", text.size());
  std::vector<graph::NodeId> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string piece = text.substr(start, end - start);
    const size_t dash = piece.find('-', 1);
    EDGECUT_ASSIGN_OR_RETURN(int64_t lo, parse_id(std::string_view(piece).substr(0, dash), piece));
    int64_t hi = lo;
    if (dash != std::string::npos) {
      EDGECUT_ASSIGN_OR_RETURN(hi, parse_id(std::string_view(piece).substr(dash + 1), piece));
    }
    if (lo < 0 || hi >= num_nodes || hi < lo || (!out.empty() && lo <= out.back())) {
      return error(Code::kInvalidArgument,
                   "edge_nodes: '{}' is out of range or order (ids ascending, unique, in 0..{})", piece,
                   num_nodes - 1);
    }
    for (int64_t v = lo; v <= hi; ++v) out.push_back(static_cast<graph::NodeId>(v));
    start = end + 1;
  }
  return out;
}

}  // namespace edgecut::net
