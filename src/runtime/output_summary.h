// What a model's output says, in one line for a log or a terminal.
//
// Models two kinds of output: a classifier's scores ([1,K] or [1,K,1,1],
// float32), summarised as the top-5 classes with softmax probabilities (the
// scores are taken as probabilities already when they lie in [0,1] and sum
// to 1, i.e. the model ends in Softmax); anything else as its shape and the
// min / max / mean of its elements.
//
// Complexity: O(elements) (top-k by partial sort, O(K log 5)).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "exec/tensor.h"

namespace edgecut::runtime {

struct ClassScore {
  int64_t index = 0;
  double probability = 0;
};

struct OutputSummary {
  std::string name;
  std::vector<int64_t> shape;
  bool classifier = false;
  std::vector<ClassScore> top;  // classifier only: best first, at most 5
  // Over all elements (classifier scores too); 0 for an empty or non-numeric tensor.
  double min = 0;
  double max = 0;
  double mean = 0;
  int64_t non_finite = 0;  // NaN / inf elements, left out of min / max / mean
  // "prob [1x1000]: top-5 281 0.412, 282 0.201, ..." or "feat [1x512x7x7]: min -1.2 max 5.3 mean 0.41"
  std::string line;
};

OutputSummary summarise_output(const exec::Tensor& output, int top_k = 5);

}  // namespace edgecut::runtime
