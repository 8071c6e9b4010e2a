#include "graph/onnx_guard.h"

#include <onnx/defs/shape_inference.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

namespace edgecut::graph {
namespace {

using Guard = std::function<void(onnx::InferenceContext&)>;

// The rank of input i, or -1 when it is absent or has no shape.
int input_rank(onnx::InferenceContext& ctx, size_t i) {
  if (i >= ctx.getNumInputs()) return -1;
  const onnx::TypeProto* t = ctx.getInputType(i);
  if (t == nullptr || !t->has_tensor_type() || !t->tensor_type().has_shape()) return -1;
  return t->tensor_type().shape().dim_size();
}

// convPoolShapeInference divides by strides (a zero stride is a SIGFPE, found
// by fuzz/onnx_import_fuzz.cpp); no valid model has a window attribute <= 0.
void check_positive_attributes(onnx::InferenceContext& ctx) {
  for (const char* name : {"strides", "dilations", "kernel_shape"}) {
    const onnx::AttributeProto* a = ctx.getAttribute(name);
    if (a == nullptr) continue;
    for (int64_t v : a->ints()) {
      if (v <= 0) fail_shape_inference("attribute ", name, " has ", v, "; it must be positive");
    }
  }
  const onnx::AttributeProto* group = ctx.getAttribute("group");
  if (group != nullptr && group->i() <= 0)
    fail_shape_inference("attribute group has ", group->i(), "; it must be positive");
}

// What convPoolShapeInference assumes of a convolution or pool without
// checking: an input of N, C and >= 1 spatial dims, a weight (if any) of the
// same rank, and positive window attributes.
Guard conv_pool_guard(int weight_index) {
  return [weight_index](onnx::InferenceContext& ctx) {
    check_positive_attributes(ctx);
    const int x = input_rank(ctx, 0);
    if (x >= 0 && x < 3) {
      fail_shape_inference("input has rank ", x,
                           "; a convolution or pool needs N, C and a spatial dimension");
    }
    if (weight_index < 0) return;
    const int w = input_rank(ctx, static_cast<size_t>(weight_index));
    if (x >= 0 && w >= 0 && w != x) {
      fail_shape_inference("weight has rank ", w, " but the input has rank ", x);
    }
  };
}

Guard guard_for(const std::string& domain, const std::string& op) {
  if (!domain.empty() && domain != "ai.onnx") return nullptr;
  if (op == "Conv" || op == "ConvTranspose" || op == "ConvInteger") return conv_pool_guard(1);
  if (op == "QLinearConv") return conv_pool_guard(3);
  if (op == "MaxPool" || op == "AveragePool" || op == "LpPool") return conv_pool_guard(-1);
  return nullptr;
}

// Shape and Size propagate data from their input's shape, read without a
// null check; a value whose producer failed inference has no type.
bool data_prop_needs_typed_input(const std::string& domain, const std::string& op) {
  return (domain.empty() || domain == "ai.onnx") && (op == "Shape" || op == "Size");
}

onnx::DataPropagationFunction typed_input_guard(onnx::DataPropagationFunction inner) {
  return [inner](onnx::DataPropagationContext& ctx) {
    if (ctx.getNumInputs() < 1 || ctx.getInputType(0) == nullptr) return;  // nothing to propagate
    if (inner) inner(ctx);
  };
}

class GuardedRegistry final : public onnx::ISchemaRegistry {
 public:
  const onnx::OpSchema* GetSchema(const std::string& key, const int max_inclusive_version,
                                  const std::string& domain) const override {
    const onnx::OpSchema* stock = onnx::OpSchemaRegistry::Schema(key, max_inclusive_version, domain);
    if (stock == nullptr) return nullptr;
    Guard guard = guard_for(domain, key);
    const bool typed = data_prop_needs_typed_input(domain, key) && stock->has_data_propagation_function();
    if (!guard && !typed) return stock;
    std::lock_guard<std::mutex> lock(mu_);
    auto id = std::make_tuple(domain, key, stock->SinceVersion());
    auto it = wrapped_.find(id);
    if (it == wrapped_.end()) {
      auto copy = std::make_unique<onnx::OpSchema>(*stock);
      onnx::InferenceFunction inner = stock->GetTypeAndShapeInferenceFunction();
      if (guard) {
        copy->TypeAndShapeInferenceFunction([inner, guard](onnx::InferenceContext& ctx) {
          guard(ctx);
          if (inner) inner(ctx);
        });
      }
      if (typed) copy->PartialDataPropagationFunction(typed_input_guard(stock->GetDataPropagationFunction()));
      it = wrapped_.emplace(std::move(id), std::move(copy)).first;
    }
    return it->second.get();
  }

 private:
  mutable std::mutex mu_;
  mutable std::map<std::tuple<std::string, std::string, int>, std::unique_ptr<onnx::OpSchema>> wrapped_;
};

}  // namespace

const onnx::ISchemaRegistry* guarded_schema_registry() {
  static const GuardedRegistry* registry = new GuardedRegistry();  // lives for the process
  return registry;
}

}  // namespace edgecut::graph
