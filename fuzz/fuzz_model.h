// The model the JSON and wire fuzz targets check their inputs against: the
// built-in zoo:random1@16/32 (22 nodes, built in memory once per process), the
// same model the seed profiles and plans in fuzz/corpus/ were written for
// (`edgecut profile zoo:random1@16/32 ...`), so that mutations of a seed get
// past the model-hash check into the field checks.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "graph/onnx_import.h"
#include "zoo/zoo.h"

namespace edgecut::fuzz {

inline const graph::Model& seed_model() {
  static const graph::Model* model = [] {
    zoo::Options o;
    o.image_size = 16;
    o.width_divisor = 32;
    auto proto = zoo::build("random1", o);
    if (!proto) {
      std::fprintf(stderr, "fuzz: cannot build zoo:random1: %s\n", proto.status().to_string().c_str());
      std::abort();
    }
    auto m = graph::import_model(std::move(*proto), "zoo:random1@16/32");
    if (!m) {
      std::fprintf(stderr, "fuzz: cannot import zoo:random1: %s\n", m.status().to_string().c_str());
      std::abort();
    }
    return new graph::Model(std::move(*m));  // lives for the process: no leak report
  }();
  return *model;
}

}  // namespace edgecut::fuzz
