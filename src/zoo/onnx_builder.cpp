#include "zoo/onnx_builder.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <utility>

#include "common/hash.h"
#include "common/strings.h"

namespace edgecut::zoo {

// ONNX raw_data is little-endian; we copy floats as they lie in memory.
static_assert(std::endian::native == std::endian::little, "raw_data needs a little-endian host");

uint64_t hash_name(const std::string& s, uint64_t seed) {
  SplitMix64 mix(Fnv1a(seed).update(s).value());
  return mix.next();
}

namespace {

int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

std::string shape_str(const Shape& s) { return "[" + edgecut::shape_str(s) + "]"; }

void set_tensor_type(onnx::TypeProto* type, const Shape& shape) {
  auto* t = type->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  auto* sh = t->mutable_shape();
  for (int64_t d : shape) sh->add_dim()->set_dim_value(d);
}

void set_ints(onnx::NodeProto* n, const char* name, std::vector<int64_t> v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

void set_int(onnx::NodeProto* n, const char* name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void set_float(onnx::NodeProto* n, const char* name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

}  // namespace

GraphBuilder::GraphBuilder(const std::string& model_name, uint64_t seed) : seed_(seed) {
  // ir_version 7 is what onnx 1.12 writes for opset 13; OpenCV 4.6 ignores it.
  model_.set_ir_version(7);
  model_.set_producer_name("edgecut-zoo");
  model_.set_producer_version("0.1");
  auto* op = model_.add_opset_import();
  op->set_domain("");
  op->set_version(13);
  model_.mutable_graph()->set_name(model_name);
}

void GraphBuilder::fail(Status status) {
  if (status_.is_ok()) status_ = std::move(status);
}

bool GraphBuilder::claim_name(const std::string& name) {
  if (name.empty() || !names_.emplace(name, true).second) {
    fail(error(Code::kInternal, "zoo: duplicate or empty name '{}'", name));
    return false;
  }
  return true;
}

const Shape& GraphBuilder::shape(const std::string& value) const {
  static const Shape kUnknown = {1, 1, 1, 1};
  auto it = shapes_.find(value);
  return it == shapes_.end() ? kUnknown : it->second;
}

std::string GraphBuilder::input(const std::string& name, const Shape& shape) {
  claim_name(name);
  auto* vi = model_.mutable_graph()->add_input();
  vi->set_name(name);
  set_tensor_type(vi->mutable_type(), shape);
  shapes_[name] = shape;
  return name;
}

onnx::NodeProto* GraphBuilder::add_node(const std::string& op, const std::string& name,
                                        const std::vector<std::string>& inputs, const Shape& out_shape) {
  claim_name(name);
  for (const auto& in : inputs) {
    if (!shapes_.count(in) && !names_.count(in)) {
      fail(error(Code::kInternal, "zoo: node '{}' reads unknown value '{}'", name, in));
    }
  }
  for (int64_t d : out_shape) {
    if (d < 1) {
      fail(error(Code::kInvalidArgument,
                 "image too small for this model: node '{}' ({}) would output shape {}", name, op,
                 shape_str(out_shape)));
      break;
    }
  }
  auto* n = model_.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& in : inputs) n->add_input(in);
  n->add_output(name);
  shapes_[name] = out_shape;
  auto* vi = model_.mutable_graph()->add_value_info();
  vi->set_name(name);
  set_tensor_type(vi->mutable_type(), out_shape);
  return n;
}

void GraphBuilder::add_uniform_initializer(const std::string& name, const Shape& dims, double lo, double hi) {
  claim_name(name);
  auto* t = model_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  // After an error the model is discarded: skip generating (maybe 100s of MB).
  const int64_t n = status_.is_ok() ? numel(dims) : 0;
  // Generated straight into raw_data: one pass over (possibly 400 MB of) fresh pages.
  std::string* raw = t->mutable_raw_data();
  raw->resize(static_cast<size_t>(n) * sizeof(float));
  SplitMix64 rng(hash_name(name, seed_));
  const double width = hi - lo;
  char* out = raw->data();
  for (int64_t i = 0; i < n; ++i, out += sizeof(float)) {
    const float x = static_cast<float>(lo + width * rng.uniform());
    std::memcpy(out, &x, sizeof(float));
  }
  shapes_[name] = dims;
}

void GraphBuilder::add_random_initializer(const std::string& name, const Shape& dims, double mean,
                                          double stddev) {
  // Uniform on [-a, a] has std a / sqrt(3).
  const double a = stddev * std::sqrt(3.0);
  add_uniform_initializer(name, dims, mean - a, mean + a);
}

std::string GraphBuilder::conv(const std::string& name, const std::string& x, int64_t out_channels,
                               int64_t kernel, int64_t stride, int64_t pad, int64_t group, bool bias,
                               float gain) {
  const Shape& in = shape(x);
  if (in.size() != 4 || in[1] % group != 0 || out_channels % group != 0) {
    fail(error(Code::kInternal, "zoo: conv '{}' input {} not divisible into {} groups", name, shape_str(in),
               group));
  }
  const int64_t cin = in.size() == 4 ? in[1] / group : 1;
  const int64_t fan_in = cin * kernel * kernel;
  // A kernel larger than the padded input gives no output (C++ '/' would round -1/2 to 0).
  auto out_dim = [&](int64_t d) { return d + 2 * pad < kernel ? 0 : (d + 2 * pad - kernel) / stride + 1; };
  Shape out = {in[0], out_channels, out_dim(in[2]), out_dim(in[3])};
  std::vector<std::string> inputs = {x, name + ".weight"};
  if (bias) inputs.push_back(name + ".bias");
  add_random_initializer(name + ".weight", {out_channels, cin, kernel, kernel}, 0.0,
                         gain * std::sqrt(2.0 / static_cast<double>(fan_in)));
  if (bias) add_uniform_initializer(name + ".bias", {out_channels}, -0.05, 0.05);
  auto* n = add_node("Conv", name, inputs, out);
  set_ints(n, "dilations", {1, 1});
  set_int(n, "group", group);
  set_ints(n, "kernel_shape", {kernel, kernel});
  set_ints(n, "pads", {pad, pad, pad, pad});
  set_ints(n, "strides", {stride, stride});
  return name;
}

std::string GraphBuilder::batchnorm(const std::string& name, const std::string& x, float gamma_scale,
                                    float epsilon) {
  const Shape in = shape(x);
  const Shape c = {in.size() > 1 ? in[1] : 1};
  add_uniform_initializer(name + ".weight", c, 0.8 * gamma_scale, 1.2 * gamma_scale);
  add_uniform_initializer(name + ".bias", c, -0.05, 0.05);
  add_uniform_initializer(name + ".running_mean", c, -0.05, 0.05);
  add_uniform_initializer(name + ".running_var", c, 0.8, 1.2);
  auto* n =
      add_node("BatchNormalization", name,
               {x, name + ".weight", name + ".bias", name + ".running_mean", name + ".running_var"}, in);
  set_float(n, "epsilon", epsilon);
  set_float(n, "momentum", 0.9f);
  return name;
}

std::string GraphBuilder::relu(const std::string& name, const std::string& x) {
  add_node("Relu", name, {x}, shape(x));
  return name;
}

std::string GraphBuilder::hard_sigmoid(const std::string& name, const std::string& x, float alpha,
                                       float beta) {
  auto* n = add_node("HardSigmoid", name, {x}, shape(x));
  set_float(n, "alpha", alpha);
  set_float(n, "beta", beta);
  return name;
}

std::string GraphBuilder::pool(const char* op, const std::string& name, const std::string& x, int64_t kernel,
                               int64_t stride, int64_t pad, bool ceil_mode) {
  Shape out = shape(x);
  const int64_t round_up = ceil_mode ? stride - 1 : 0;
  if (out.size() == 4) {
    for (int i = 2; i < 4; ++i) {
      const int64_t span = out[i] + 2 * pad - kernel;
      out[i] = span < 0 ? 0 : (span + round_up) / stride + 1;
    }
  }
  auto* n = add_node(op, name, {x}, out);
  if (ceil_mode) set_int(n, "ceil_mode", 1);
  set_ints(n, "kernel_shape", {kernel, kernel});
  set_ints(n, "pads", {pad, pad, pad, pad});
  set_ints(n, "strides", {stride, stride});
  return name;
}

std::string GraphBuilder::max_pool(const std::string& name, const std::string& x, int64_t kernel,
                                   int64_t stride, int64_t pad, bool ceil_mode) {
  return pool("MaxPool", name, x, kernel, stride, pad, ceil_mode);
}

std::string GraphBuilder::avg_pool(const std::string& name, const std::string& x, int64_t kernel,
                                   int64_t stride, int64_t pad) {
  return pool("AveragePool", name, x, kernel, stride, pad, false);
}

std::string GraphBuilder::global_avg_pool(const std::string& name, const std::string& x) {
  Shape out = shape(x);
  for (size_t i = 2; i < out.size(); ++i) out[i] = 1;
  add_node("GlobalAveragePool", name, {x}, out);
  return name;
}

std::string GraphBuilder::flatten(const std::string& name, const std::string& x) {
  const Shape& in = shape(x);
  Shape out = {in.empty() ? 1 : in[0], 1};
  for (size_t i = 1; i < in.size(); ++i) out[1] *= in[i];
  auto* n = add_node("Flatten", name, {x}, out);
  set_int(n, "axis", 1);
  return name;
}

std::string GraphBuilder::gemm(const std::string& name, const std::string& x, int64_t out_features,
                               float gain) {
  const Shape in = shape(x);
  if (in.size() != 2) fail(error(Code::kInternal, "zoo: gemm '{}' needs a 2-D input", name));
  const int64_t k = in.size() == 2 ? in[1] : 1;
  add_random_initializer(name + ".weight", {out_features, k}, 0.0,
                         gain * std::sqrt(2.0 / static_cast<double>(k)));
  add_uniform_initializer(name + ".bias", {out_features}, -0.05, 0.05);
  auto* n = add_node("Gemm", name, {x, name + ".weight", name + ".bias"}, {in[0], out_features});
  set_float(n, "alpha", 1.0f);
  set_float(n, "beta", 1.0f);
  set_int(n, "transB", 1);
  return name;
}

std::string GraphBuilder::add(const std::string& name, const std::string& a, const std::string& b) {
  if (shape(a) != shape(b)) {
    fail(error(Code::kInternal, "zoo: add '{}' of shapes {} and {}", name, shape_str(shape(a)),
               shape_str(shape(b))));
  }
  add_node("Add", name, {a, b}, shape(a));
  return name;
}

std::string GraphBuilder::concat(const std::string& name, const std::vector<std::string>& xs) {
  Shape out = shape(xs.at(0));
  for (size_t i = 1; i < xs.size(); ++i) {
    const Shape& s = shape(xs[i]);
    bool ok = s.size() == out.size();
    for (size_t d = 0; ok && d < s.size(); ++d) ok = d == 1 || s[d] == out[d];
    if (!ok) {
      fail(
          error(Code::kInternal, "zoo: concat '{}' of shapes {} and {}", name, shape_str(out), shape_str(s)));
      break;
    }
    out[1] += s[1];
  }
  auto* n = add_node("Concat", name, xs, out);
  set_int(n, "axis", 1);
  return name;
}

Expected<onnx::ModelProto> GraphBuilder::finish(const std::string& value) {
  if (!status_.is_ok()) return status_;
  auto* g = model_.mutable_graph();
  const std::string kOutput = "output";
  if (names_.count(kOutput)) return error(Code::kInternal, "zoo: 'output' used as a layer name");
  // Rename the value everywhere (its producer and any consumers), drop its value_info.
  for (auto& n : *g->mutable_node()) {
    for (auto& s : *n.mutable_output()) {
      if (s == value) s = kOutput;
    }
    for (auto& s : *n.mutable_input()) {
      if (s == value) s = kOutput;
    }
  }
  auto* vis = g->mutable_value_info();
  for (int i = 0; i < vis->size(); ++i) {
    if (vis->Get(i).name() == value) {
      vis->DeleteSubrange(i, 1);
      break;
    }
  }
  auto* out = g->add_output();
  out->set_name(kOutput);
  set_tensor_type(out->mutable_type(), shape(value));
  return std::move(model_);
}

}  // namespace edgecut::zoo
