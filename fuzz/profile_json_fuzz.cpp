// libFuzzer target: the profile JSON reader (profile::parse_for, behind
// load_for / `edgecut plan --edge-profile FILE`), checked against the seed
// model (fuzz_model.h). A profile that is accepted must have one finite,
// non-negative time per node.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_model.h"
#include "profile/profile.h"

using namespace edgecut;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const graph::Graph& g = fuzz::seed_model().graph;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto p = profile::parse_for(text, "fuzz.json", g);
  if (!p) return 0;
  if (p->node_ms.size() != g.nodes.size()) std::abort();
  for (double ms : p->node_ms) {
    if (!std::isfinite(ms) || ms < 0) std::abort();
  }
  (void)profile::to_json(*p, g).dump();  // what `profile` would write back
  return 0;
}
