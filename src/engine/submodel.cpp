#include "engine/submodel.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace edgecut::engine {

using graph::Graph;
using graph::NodeId;
using graph::ValueId;

std::string submodel_node_name(NodeId v) { return fmt::format("n{}", v); }

NodeId parse_submodel_node_name(const std::string& name) {
  std::string_view s = name;
  constexpr std::string_view kPrefix = "onnx_node!";
  if (s.substr(0, kPrefix.size()) == kPrefix) s.remove_prefix(kPrefix.size());
  if (s.size() < 2 || s[0] != 'n') return graph::kNoNode;
  NodeId v = graph::kNoNode;
  auto [ptr, ec] = std::from_chars(s.data() + 1, s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) return graph::kNoNode;
  return v;
}

namespace {

void fill_value_info(const graph::Value& v, onnx::ValueInfoProto* vi) {
  vi->set_name(v.name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(static_cast<int32_t>(v.dtype));
  auto* shape = tt->mutable_shape();
  for (int64_t d : v.shape) shape->add_dim()->set_dim_value(d);
}

// Which proto node each graph node came from, and which folded (constant)
// proto node produces each computed weight. The importer keeps compute nodes
// in file order and folds a node exactly when its outputs became weights.
struct ProtoIndex {
  std::vector<int> proto_of_node;
  std::unordered_map<std::string, int> const_producer;
  std::unordered_map<std::string, int> initializer;
};

Expected<ProtoIndex> index_proto(const graph::Model& m) {
  const Graph& g = m.graph;
  const onnx::GraphProto& pg = m.proto.graph();
  std::unordered_map<std::string, ValueId> ids;
  ids.reserve(g.values.size());
  for (ValueId x = 0; x < g.num_values(); ++x) ids.emplace(g.values[x].name, x);
  ProtoIndex idx;
  for (int i = 0; i < pg.initializer_size(); ++i) idx.initializer.emplace(pg.initializer(i).name(), i);
  NodeId next = 0;
  for (int i = 0; i < pg.node_size(); ++i) {
    const onnx::NodeProto& n = pg.node(i);
    const std::string* first = nullptr;
    for (const auto& o : n.output()) {
      if (!o.empty()) {
        first = &o;
        break;
      }
    }
    auto it = first ? ids.find(*first) : ids.end();
    if (it == ids.end()) continue;
    if (g.values[it->second].is_weight) {
      for (const auto& o : n.output()) {
        if (!o.empty()) idx.const_producer.emplace(o, i);
      }
      continue;
    }
    if (next >= g.num_nodes() || g.nodes[next].outputs.empty() || g.nodes[next].outputs[0] != it->second) {
      return error(Code::kInternal, "{}: proto node {} ('{}') does not line up with the imported graph",
                   g.name, i, n.name());
    }
    idx.proto_of_node.push_back(i);
    ++next;
  }
  if (next != g.num_nodes()) {
    return error(Code::kInternal, "{}: {} of {} graph nodes found in the protobuf", g.name, next,
                 g.num_nodes());
  }
  return idx;
}

}  // namespace

Expected<onnx::ModelProto> extract_submodel(const graph::Model& model, const graph::SegmentInfo& seg) {
  const Graph& g = model.graph;
  if (seg.nodes.empty()) return error(Code::kUnsupported, "{}: cannot build a sub-model of no nodes", g.name);
  EDGECUT_RETURN_IF_ERROR(check_node_ids(g, seg.nodes));
  EDGECUT_ASSIGN_OR_RETURN(ProtoIndex idx, index_proto(model));
  const onnx::GraphProto& pg = model.proto.graph();

  onnx::ModelProto out;
  out.set_ir_version(model.proto.ir_version());
  *out.mutable_opset_import() = model.proto.opset_import();
  out.set_producer_name("edgecut");
  onnx::GraphProto* og = out.mutable_graph();
  og->set_name(fmt::format("{}_segment", g.name));

  // Weights the segment reads: initializers directly, computed weights through
  // their constant nodes (depth-first, so producers precede consumers).
  std::unordered_set<std::string> have_init;
  std::vector<char> const_done(pg.node_size(), 0);
  std::vector<int> const_order;
  std::function<void(const std::string&)> need_weight = [&](const std::string& name) {
    if (name.empty() || have_init.count(name)) return;
    if (auto it = idx.initializer.find(name); it != idx.initializer.end()) {
      have_init.insert(name);
      *og->add_initializer() = pg.initializer(it->second);
      return;
    }
    auto it = idx.const_producer.find(name);
    if (it == idx.const_producer.end() || const_done[it->second]) return;
    const_done[it->second] = 1;
    for (const auto& in : pg.node(it->second).input()) need_weight(in);
    const_order.push_back(it->second);
  };

  std::vector<int> pos(g.num_nodes(), 0);
  for (size_t i = 0; i < g.topo.size(); ++i) pos[g.topo[i]] = static_cast<int>(i);
  std::vector<NodeId> order = seg.nodes;
  std::sort(order.begin(), order.end(), [&](NodeId a, NodeId b) { return pos[a] < pos[b]; });
  for (NodeId v : order) {
    for (ValueId x : g.nodes[v].inputs) {
      if (g.values[x].is_weight) need_weight(g.values[x].name);
    }
  }
  for (size_t k = 0; k < const_order.size(); ++k) {
    onnx::NodeProto* n = og->add_node();
    *n = pg.node(const_order[k]);
    n->set_name(fmt::format("const_{}", k));
  }
  for (NodeId v : order) {
    onnx::NodeProto* n = og->add_node();
    *n = pg.node(idx.proto_of_node[v]);
    n->set_name(submodel_node_name(v));
  }
  for (ValueId x : seg.inputs) fill_value_info(g.values[x], og->add_input());
  for (ValueId x : seg.outputs) fill_value_info(g.values[x], og->add_output());
  return out;
}

namespace {

// A constant scalar bound of Clip as a float; false if it is not one.
bool scalar_float(const onnx::TensorProto& t, float* out) {
  int64_t n = 1;
  for (int64_t d : t.dims()) n *= d;
  if (n != 1) return false;
  if (t.data_type() == onnx::TensorProto::FLOAT) {
    if (t.float_data_size() == 1) {
      *out = t.float_data(0);
      return true;
    }
    if (t.raw_data().size() == sizeof(float)) {
      std::memcpy(out, t.raw_data().data(), sizeof(float));  // ONNX raw data is little-endian, as are we
      return true;
    }
  } else if (t.data_type() == onnx::TensorProto::DOUBLE) {
    double d = 0;
    if (t.double_data_size() == 1) {
      d = t.double_data(0);
    } else if (t.raw_data().size() == sizeof(double)) {
      std::memcpy(&d, t.raw_data().data(), sizeof(double));
    } else {
      return false;
    }
    *out = static_cast<float>(d);
    return true;
  }
  return false;
}

// Constant's payload as a tensor named `name`; false for forms we do not map
// (sparse_value, strings).
bool constant_tensor(const onnx::NodeProto& n, const std::string& name, onnx::TensorProto* t) {
  for (const auto& a : n.attribute()) {
    if (a.name() == "value" && a.has_t()) {
      *t = a.t();
    } else if (a.name() == "value_float") {
      t->set_data_type(onnx::TensorProto::FLOAT);
      t->add_float_data(a.f());
    } else if (a.name() == "value_floats") {
      t->set_data_type(onnx::TensorProto::FLOAT);
      t->add_dims(a.floats_size());
      for (float f : a.floats()) t->add_float_data(f);
    } else if (a.name() == "value_int") {
      t->set_data_type(onnx::TensorProto::INT64);
      t->add_int64_data(a.i());
    } else if (a.name() == "value_ints") {
      t->set_data_type(onnx::TensorProto::INT64);
      t->add_dims(a.ints_size());
      for (int64_t i : a.ints()) t->add_int64_data(i);
    } else {
      continue;
    }
    t->set_name(name);
    return true;
  }
  return false;
}

// Clip(x, min, max) -> Clip(x) {min, max} when both bounds are initializers
// (false, untouched, while one is not yet: maybe a Constant that the next
// round converts). Fails on a bound that is not a float scalar.
Expected<bool> clip_bounds_to_attributes(const onnx::GraphProto& g,
                                         const std::unordered_map<std::string, int>& init,
                                         onnx::NodeProto* n) {
  float bound[2] = {0, 0};
  bool present[2] = {false, false};
  bool ready = true;
  for (int k = 1; k < n->input_size() && k < 3; ++k) {
    if (n->input(k).empty()) continue;
    auto it = init.find(n->input(k));
    if (it == init.end()) {
      ready = false;
      continue;
    }
    if (!scalar_float(g.initializer(it->second), &bound[k - 1])) {
      return error(Code::kUnsupported, "Clip node '{}': bound '{}' is not a constant float scalar", n->name(),
                   n->input(k));
    }
    present[k - 1] = true;
  }
  if (!ready) return false;
  std::string x = n->input(0);
  n->clear_input();
  n->add_input(x);
  const char* names[2] = {"min", "max"};
  for (int k = 0; k < 2; ++k) {
    if (!present[k]) continue;
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(names[k]);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(bound[k]);
  }
  return true;
}

}  // namespace

Status clean_for_opencv(onnx::ModelProto* model, CleanupReport* report) {
  CleanupReport local;
  CleanupReport& r = report ? *report : local;
  onnx::GraphProto* g = model->mutable_graph();
  for (bool changed = true; changed;) {
    changed = false;
    std::unordered_map<std::string, int> init;
    for (int i = 0; i < g->initializer_size(); ++i) init.emplace(g->initializer(i).name(), i);
    std::vector<char> drop(g->node_size(), 0);
    for (int i = 0; i < g->node_size(); ++i) {
      onnx::NodeProto* n = g->mutable_node(i);
      if (n->op_type() == "Constant" && n->input_size() == 0 && n->output_size() == 1) {
        onnx::TensorProto t;
        if (constant_tensor(*n, n->output(0), &t)) {
          init.emplace(t.name(), g->initializer_size());
          *g->add_initializer() = std::move(t);
          drop[i] = 1;
          ++r.constants_to_initializers;
        }
      } else if (n->op_type() == "Identity" && n->input_size() == 1 && n->output_size() == 1 &&
                 init.count(n->input(0))) {
        onnx::TensorProto t = g->initializer(init.at(n->input(0)));
        t.set_name(n->output(0));
        init.emplace(t.name(), g->initializer_size());
        *g->add_initializer() = std::move(t);
        drop[i] = 1;
        ++r.identities_of_weights;
      } else if (n->op_type() == "Clip" && n->input_size() >= 2) {
        EDGECUT_ASSIGN_OR_RETURN(bool moved, clip_bounds_to_attributes(*g, init, n));
        r.clip_bounds_to_attributes += moved;
        changed = changed || moved;
      }
    }
    if (std::find(drop.begin(), drop.end(), 1) != drop.end()) {
      changed = true;
      google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
      for (int i = 0; i < g->node_size(); ++i) {
        if (!drop[i]) *kept.Add() = std::move(*g->mutable_node(i));
      }
      g->mutable_node()->Swap(&kept);
    }
  }
  // Leftover Clip bounds that are not initializers (computed at run time) stay
  // inputs; OpenCV will refuse them at prepare time with the node's name.
  std::unordered_set<std::string> read;
  for (const auto& n : g->node()) {
    for (const auto& in : n.input()) read.insert(in);
  }
  for (const auto& o : g->output()) read.insert(o.name());
  google::protobuf::RepeatedPtrField<onnx::TensorProto> kept;
  for (int i = 0; i < g->initializer_size(); ++i) {
    if (read.count(g->initializer(i).name())) {
      *kept.Add() = std::move(*g->mutable_initializer(i));
    } else {
      ++r.unused_initializers_dropped;
    }
  }
  g->mutable_initializer()->Swap(&kept);
  return Status::ok();
}

}  // namespace edgecut::engine
