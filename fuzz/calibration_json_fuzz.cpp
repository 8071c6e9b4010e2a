// libFuzzer target: the calibration JSON reader (partition::parse_calibration_text,
// behind read_calibration / `edgecut plan|run --calibration FILE`), checked
// against the seed model (fuzz_model.h; the seeds were written by `edgecut
// calibrate zoo:random1@16/32`). An accepted file must name activations of
// the model and carry finite, non-negative sizes and times; the encoding
// table built from it must hold only those.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_model.h"
#include "partition/encodings.h"

using namespace edgecut;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const graph::Graph& g = fuzz::seed_model().graph;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto cal = partition::parse_calibration_text(text, "fuzz.json", g);
  if (!cal) return 0;
  for (const auto& t : cal->tensors) {
    if (t.value < 0 || t.value >= g.num_values() || g.values[t.value].is_weight) std::abort();
    for (const auto& o : t.encodings) {
      if (!std::isfinite(o.bytes) || o.bytes < 0 || o.encode_ns < 0 || o.decode_ns < 0) std::abort();
    }
  }
  partition::FidelityBound bound;
  const partition::EncodingTable table = partition::make_table(*cal, g, {}, bound);
  if (table.options.size() != g.values.size()) std::abort();
  return 0;
}
