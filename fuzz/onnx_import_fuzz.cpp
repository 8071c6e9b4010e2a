// libFuzzer target: ONNX import of untrusted bytes (graph::import_model, the
// path behind load_model / `edgecut ... MODEL.onnx`). Any bytes must give a
// Model or a Status, never a crash, a leak or an unbounded allocation. A
// model that imports must also pass Graph::validate() and hash.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "graph/onnx_import.h"
#include "quiet_protobuf.h"

using namespace edgecut;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  onnx::ModelProto proto;
  if (size == 0 || !proto.ParseFromArray(data, static_cast<int>(size))) return -1;  // not a protobuf
  graph::ImportOptions options;
  options.max_file_bytes = 1 << 20;
  auto model = graph::import_model(std::move(proto), "fuzz.onnx", options);
  if (!model) return 0;
  if (Status st = model->graph.validate(); !st.is_ok()) {
    std::fprintf(stderr, "imported graph fails validate(): %s\n", st.to_string().c_str());
    std::abort();
  }
  (void)model->graph.structure_hash();
  (void)model->graph.weight_bytes();
  return 0;
}
