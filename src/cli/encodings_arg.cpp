#include "cli/encodings_arg.h"

#include <fmt/format.h>

#include "codec/encoding.h"

namespace edgecut::cli {

void add_encoding_options(CLI::App* sub, EncodingArgs* args) {
  sub->add_option(
      "--calibration", args->calibration,
      "Calibrated tensor encodings (edgecut calibrate): price each crossing tensor at its cheapest "
      "allowed encoding");
  sub->add_option(
      "--encodings", args->encodings,
      "Allowed encodings, e.g. fp16,int8,zstd,lz4,uint8,jpeg (coders apply to every base; fp32 is "
      "always allowed); default: every calibrated one");
  sub->add_option("--min-fidelity", args->min_fidelity,
                  "Fidelity an encoding must have shown in calibration: 0.99 (top-1 agreement) or "
                  "top1=0.99,top5=1,cosine=0.999,max_rel_err=0.05");
}

Expected<std::shared_ptr<const partition::EncodingTable>> load_encodings(const EncodingArgs& a,
                                                                         const graph::Graph& g) {
  if (a.calibration.empty()) {
    if (!a.encodings.empty() || !a.min_fidelity.empty()) {
      return error(
          Code::kInvalidArgument,
          "--encodings and --min-fidelity need --calibration CAL.json (edgecut calibrate MODEL -o CAL.json)");
    }
    return std::shared_ptr<const partition::EncodingTable>{};
  }
  EDGECUT_ASSIGN_OR_RETURN(partition::Calibration cal, partition::read_calibration(a.calibration, g));
  std::vector<std::string> allowed;
  if (!a.encodings.empty()) {
    // The calibrated JPEG qualities are what "jpeg" stands for.
    std::vector<int> qualities;
    for (const auto& t : cal.tensors) {
      for (const auto& o : t.encodings) {
        auto e = codec::parse_encoding(o.name);
        if (e && e->base == codec::Base::kJpeg) qualities.push_back(e->quality);
      }
    }
    auto list = codec::parse_encoding_list(a.encodings, qualities);
    if (!list) return list.status().with_context("--encodings");
    for (const auto& e : *list) allowed.push_back(e.name());
  }
  partition::FidelityBound bound;
  if (!a.min_fidelity.empty()) {
    EDGECUT_ASSIGN_OR_RETURN(bound, partition::parse_fidelity_bound(a.min_fidelity));
  }
  auto table = std::make_shared<partition::EncodingTable>(partition::make_table(cal, g, allowed, bound));
  return std::shared_ptr<const partition::EncodingTable>(std::move(table));
}

std::string describe_allowed(const partition::EncodingTable* table, const graph::Graph& g) {
  if (!table) return "";
  std::string out;
  for (size_t x = 0; x < table->options.size(); ++x) {
    if (table->options[x].empty()) continue;
    std::string line;
    for (const auto& o : table->options[x]) {
      const auto& f = o.fidelity;
      line += fmt::format("{}{} (F1 {:.3f}, worst {:.3f})", line.empty() ? "" : ", ", o.name,
                          f.task.empty() ? f.top1 : f.task_f1,
                          f.task.empty() ? (f.top1 >= 1 ? 1.0 : 0.0) : f.task_min_f1);
    }
    out += fmt::format("    {}: {}\n", g.values[x].name, line);
  }
  return out;
}

}  // namespace edgecut::cli
