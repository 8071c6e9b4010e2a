#include "cli/exec_dump.h"

#include <bit>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "net/tail_name.h"
#include "net/wire.h"

namespace edgecut::cli {
namespace {

namespace fs = std::filesystem;
static_assert(std::endian::native == std::endian::little, "dumps are written as little-endian raw bytes");

Status write_bytes(const fs::path& path, const exec::Tensor& t) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(t.data()), static_cast<std::streamsize>(t.bytes()));
  f.close();
  if (!f) return error(Code::kIo, "{}: cannot write", path.string());
  return Status::ok();
}

// Writes `tensors` as <prefix>_<i>.bin (tensor names may hold '/' or ':')
// and returns their manifest entries.
Expected<nlohmann::json> write_tensors(const fs::path& dir, const std::string& prefix,
                                       const std::vector<exec::Tensor>& tensors) {
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < tensors.size(); ++i) {
    const exec::Tensor& t = tensors[i];
    const std::string file = prefix + "_" + std::to_string(i) + ".bin";
    EDGECUT_RETURN_IF_ERROR(write_bytes(dir / file, t));
    list.push_back({{"name", t.name()},
                    {"datatype", net::v2_datatype(t.dtype())},
                    {"shape", t.shape()},
                    {"file", file}});
  }
  return list;
}

}  // namespace

Status write_exec_dump(const std::string& dir, const graph::Graph& g,
                       const std::vector<graph::NodeId>& edge_nodes, const exec::SplitResult& result) {
  const fs::path root(dir);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return error(Code::kIo, "{}: cannot create: {}", dir, ec.message());
  const bool has_tail = edge_nodes.size() < static_cast<size_t>(g.num_nodes());
  nlohmann::json m = {{"model", g.name},
                      {"model_hash", g.structure_hash()},
                      {"tail_model", has_tail ? net::tail_model_name(g.name, edge_nodes) : std::string()},
                      {"edge_nodes", net::format_node_ranges(edge_nodes)}};
  EDGECUT_ASSIGN_OR_RETURN(m["crossing"], write_tensors(root, "crossing", result.crossed));
  EDGECUT_ASSIGN_OR_RETURN(m["outputs"], write_tensors(root, "output", result.outputs));
  const fs::path path = root / "manifest.json";
  std::ofstream f(path, std::ios::trunc);
  f << m.dump(2) << "\n";
  f.close();
  if (!f) return error(Code::kIo, "{}: cannot write", path.string());
  return Status::ok();
}

}  // namespace edgecut::cli
