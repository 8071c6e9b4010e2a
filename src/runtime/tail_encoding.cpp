#include "runtime/tail_encoding.h"

#include <algorithm>

namespace edgecut::runtime {
namespace {

onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op, std::vector<std::string> in,
                          const std::string& out) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(out + ".op");
  for (auto& s : in) n->add_input(std::move(s));
  n->add_output(out);
  return n;
}

void add_const(onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims,
               std::vector<float> v) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  for (float f : v) t->add_float_data(f);
}

void add_scalar_input(onnx::GraphProto* g, const std::string& name, int elem_type) {
  onnx::ValueInfoProto* in = g->add_input();
  in->set_name(name);
  in->mutable_type()->mutable_tensor_type()->set_elem_type(elem_type);
  in->mutable_type()->mutable_tensor_type()->mutable_shape();  // rank 0
}

int64_t opset(const onnx::ModelProto& m) {
  for (const auto& o : m.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") return o.version();
  }
  return 0;
}

// The decoding nodes for `name` -> `inner`, appended to the graph.
void decoding_nodes(onnx::GraphProto* g, const std::string& name, const std::string& inner,
                    const codec::Encoding& e, const std::vector<int64_t>& dims) {
  if (e.base == codec::Base::kFp16) {
    add_node(g, "Cast", {name}, inner)->add_attribute()->CopyFrom([] {
      onnx::AttributeProto a;
      a.set_name("to");
      a.set_type(onnx::AttributeProto::INT);
      a.set_i(onnx::TensorProto::FLOAT);
      return a;
    }());
  } else if (e.base == codec::Base::kInt8) {
    add_scalar_input(g, name + "_scale", onnx::TensorProto::FLOAT);
    add_scalar_input(g, name + "_zero_point", onnx::TensorProto::INT8);
    add_node(g, "DequantizeLinear", {name, name + "_scale", name + "_zero_point"}, inner);
  } else {  // uint8: the frame, normalised here as runtime/preprocess does
    const codec::ImageNorm n;
    const bool nchw = dims.size() == 4 && dims[1] == 3;
    const std::vector<int64_t> cdims =
        nchw ? std::vector<int64_t>{1, 3, 1, 1} : std::vector<int64_t>{1, 1, 1, 3};
    add_const(g, name + ".scale", {1}, {n.scale});
    add_const(g, name + ".mean", cdims, {n.mean[0], n.mean[1], n.mean[2]});
    add_const(g, name + ".std", cdims, {n.std[0], n.std[1], n.std[2]});
    onnx::NodeProto* cast = add_node(g, "Cast", {name}, name + ".f");
    onnx::AttributeProto* to = cast->add_attribute();
    to->set_name("to");
    to->set_type(onnx::AttributeProto::INT);
    to->set_i(onnx::TensorProto::FLOAT);
    add_node(g, "Mul", {name + ".f", name + ".scale"}, name + ".s");
    add_node(g, "Sub", {name + ".s", name + ".mean"}, name + ".c");
    add_node(g, "Div", {name + ".c", name + ".std"}, inner);
  }
}

}  // namespace

Status accept_encoding(onnx::ModelProto* model, const std::string& name, const codec::Encoding& e,
                       std::vector<TailInput>* inputs) {
  if (e.base == codec::Base::kFp32 && e.pack == codec::Pack::kNone) return Status::ok();
  if (e.pack != codec::Pack::kNone || e.base == codec::Base::kJpeg) {
    return error(Code::kUnsupported,
                 "tail input '{}': {} cannot be expressed in ONNX (it has no decompression or image decoding "
                 "operator); serve this tail with `edgecut serve`, or plan with --encodings fp16,int8,uint8",
                 name, e.name());
  }
  if (e.base == codec::Base::kInt8 && opset(*model) < 10) {
    return error(Code::kUnsupported,
                 "tail input '{}': int8 needs DequantizeLinear (opset 10); the model is opset {}", name,
                 opset(*model));
  }
  onnx::GraphProto* g = model->mutable_graph();
  auto in = std::find_if(g->mutable_input()->begin(), g->mutable_input()->end(),
                         [&](const onnx::ValueInfoProto& v) { return v.name() == name; });
  if (in == g->mutable_input()->end()) return error(Code::kNotFound, "tail has no input '{}'", name);
  const int elem = e.base == codec::Base::kFp16   ? onnx::TensorProto::FLOAT16
                   : e.base == codec::Base::kInt8 ? onnx::TensorProto::INT8
                                                  : onnx::TensorProto::UINT8;
  in->mutable_type()->mutable_tensor_type()->set_elem_type(elem);
  std::vector<int64_t> dims;
  for (const auto& d : in->type().tensor_type().shape().dim()) dims.push_back(d.dim_value());
  // Every reader of the input now reads the decoded tensor.
  const std::string inner = name + ".decoded";
  for (auto& n : *g->mutable_node()) {
    for (auto& s : *n.mutable_input()) {
      if (s == name) s = inner;
    }
  }
  const int before = g->node_size();
  decoding_nodes(g, name, inner, e, dims);
  // Decoding first: ONNX wants nodes in topological order.
  auto* nodes = g->mutable_node();
  std::rotate(nodes->begin(), nodes->begin() + before, nodes->end());
  for (auto& t : *inputs) {
    if (t.name != name) continue;
    t.triton_type = elem == onnx::TensorProto::FLOAT16 ? "TYPE_FP16"
                    : elem == onnx::TensorProto::INT8  ? "TYPE_INT8"
                                                       : "TYPE_UINT8";
  }
  if (e.base == codec::Base::kInt8) {
    inputs->push_back({name + "_scale", "TYPE_FP32", {}});
    inputs->push_back({name + "_zero_point", "TYPE_INT8", {}});
  }
  return Status::ok();
}

}  // namespace edgecut::runtime
