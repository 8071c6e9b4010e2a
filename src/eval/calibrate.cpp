#include "eval/calibrate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "codec/codec.h"
#include "engine/engine.h"
#include "exec/split_run.h"
#include "graph/structure.h"
#include "runtime/preprocess.h"
#include "runtime/source.h"

namespace edgecut::eval {

using Clock = std::chrono::steady_clock;

std::vector<codec::Encoding> default_encodings() {
  using codec::Base;
  using codec::Pack;
  std::vector<codec::Encoding> out;
  for (Base b : {Base::kFp32, Base::kFp16, Base::kInt8, Base::kUint8}) {
    for (Pack p : {Pack::kNone, Pack::kZstd, Pack::kLz4}) {
      if (b != Base::kFp32 || p != Pack::kNone) out.push_back({b, p, 0});
    }
  }
  for (int q : {50, 70, 90}) out.push_back({Base::kJpeg, Pack::kNone, q});
  return out;
}

namespace {

std::vector<int> top_k(std::span<const float> y, int k) {
  std::vector<int> idx(y.size());
  std::iota(idx.begin(), idx.end(), 0);
  k = std::min<int>(k, static_cast<int>(idx.size()));
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) { return y[a] > y[b]; });
  idx.resize(k);
  std::sort(idx.begin(), idx.end());
  return idx;
}

}  // namespace

void FidelityAcc::add(std::span<const float> y, std::span<const float> ref) {
  double dot = 0, ny = 0, nr = 0, diff = 0, mref = 0;
  for (size_t i = 0; i < ref.size() && i < y.size(); ++i) {
    dot += static_cast<double>(y[i]) * ref[i];
    ny += static_cast<double>(y[i]) * y[i];
    nr += static_cast<double>(ref[i]) * ref[i];
    diff = std::max(diff, std::abs(static_cast<double>(y[i]) - ref[i]));
    mref = std::max(mref, std::abs(static_cast<double>(ref[i])));
  }
  const double cos = ny > 0 && nr > 0 ? dot / std::sqrt(ny * nr) : (ny == nr ? 1.0 : 0.0);
  min_cosine = std::min(min_cosine, std::isfinite(cos) ? cos : 0.0);
  max_rel_err = std::max(max_rel_err, mref > 0 ? diff / mref : diff);
  if (!std::isfinite(max_rel_err)) max_rel_err = 1e30;
  ++frames;
  top1 += top_k(y, 1) == top_k(ref, 1);
  top5 += top_k(y, 5) == top_k(ref, 5);
}

void FidelityAcc::add_task(const task::Match& m) {
  ++task_frames;
  f1_sum += m.f1();
  f1_min = std::min(f1_min, m.f1());
}

partition::Fidelity FidelityAcc::result() const {
  if (frames == 0) return {};
  partition::Fidelity f;
  f.max_rel_err = max_rel_err;
  f.cosine = min_cosine;
  f.top1 = static_cast<double>(top1) / frames;
  f.top5 = static_cast<double>(top5) / frames;
  if (task_frames > 0) {
    f.task = task;
    f.task_f1 = f1_sum / task_frames;
    f.task_min_f1 = f1_min;
  }
  return f;
}

codec::ImageNorm image_norm(const std::optional<task::ModelCard>& card) {
  codec::ImageNorm n;
  if (card && card->preprocess) n = {card->preprocess->scale, card->preprocess->mean, card->preprocess->std};
  return n;
}

Expected<std::vector<exec::Tensor>> calibration_frames(const graph::Model& model, const std::string& source,
                                                       int skip, int frames,
                                                       const runtime::PreprocessOptions& pre) {
  const graph::Graph& g = model.graph;
  if (g.inputs.size() != 1) {
    return error(Code::kUnsupported, "model '{}' has {} inputs; calibration feeds one camera frame", g.name,
                 g.inputs.size());
  }
  if (frames < 1 || skip < 0) return error(Code::kInvalidArgument, "--frames must be >= 1 and --skip >= 0");
  runtime::SourceOptions so;
  so.max_frames = skip + frames;
  EDGECUT_ASSIGN_OR_RETURN(auto src, runtime::make_source(source, so));
  std::vector<exec::Tensor> out;
  int seen = 0;
  while (static_cast<int>(out.size()) < frames) {
    EDGECUT_ASSIGN_OR_RETURN(auto f, src->next());
    if (!f) break;
    if (seen++ < skip) continue;
    EDGECUT_ASSIGN_OR_RETURN(exec::Tensor x, runtime::preprocess(f->bgr, g.values[g.inputs[0]], pre));
    out.push_back(std::move(x));
  }
  if (static_cast<int>(out.size()) < frames) {
    return error(Code::kInvalidArgument, "source '{}' has {} frames; {} skipped + {} wanted", source, seen,
                 skip, frames);
  }
  return out;
}

namespace {

// The tensors worth calibrating: the input, and each cut vertex's outputs that
// some node reads (or every activation some node reads, with all_tensors).
std::vector<graph::ValueId> calibrated_values(const graph::Graph& g, bool all) {
  std::vector<graph::ValueId> out(g.inputs.begin(), g.inputs.end());
  const graph::Structure st = graph::analyze(g);
  std::vector<char> cut(g.num_nodes(), 0);
  for (int32_t p : st.cut_pos) {
    if (st.order[p] < st.n) cut[st.order[p]] = 1;
  }
  for (graph::NodeId v = 0; v < g.num_nodes(); ++v) {
    if (!all && !cut[v]) continue;
    for (graph::ValueId x : g.nodes[v].outputs) {
      if (!g.values[x].consumers.empty() && g.values[x].dtype == graph::DType::kFloat) out.push_back(x);
    }
  }
  return out;
}

// u and its ancestors.
std::vector<graph::NodeId> ancestors(const graph::Graph& g, graph::NodeId u) {
  std::vector<char> in(g.num_nodes(), 0);
  std::vector<graph::NodeId> stack{u};
  in[u] = 1;
  while (!stack.empty()) {
    graph::NodeId v = stack.back();
    stack.pop_back();
    for (graph::ValueId x : g.nodes[v].inputs) {
      graph::NodeId p = g.values[x].producer;
      if (p != graph::kNoNode && !in[p]) {
        in[p] = 1;
        stack.push_back(p);
      }
    }
  }
  std::vector<graph::NodeId> out;
  for (graph::NodeId v = 0; v < g.num_nodes(); ++v) {
    if (in[v]) out.push_back(v);
  }
  return out;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Per encoding of one tensor: sums over frames.
// Times are medians (this machine's timings have outliers several times the
// typical run); sizes are means.
struct Acc {
  double bytes = 0;
  std::vector<double> enc_ms, dec_ms;
  FidelityAcc fid;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// The whole model's answer on the calibration frames, and how to judge another.
struct Reference {
  std::vector<exec::Tensor> first;     // first output per frame
  std::vector<task::TaskOutput> task;  // decoded outputs per frame
  std::optional<task::Decoder> decoder;
  task::MatchOptions match;
  codec::ImageNorm norm;
  // One frame's outputs against the reference's, into `acc`.
  Status judge(size_t f, const std::vector<exec::Tensor>& outs, FidelityAcc* acc) const {
    acc->add(outs[0].as<float>(), first[f].as<float>());
    if (!decoder) return Status::ok();
    EDGECUT_ASSIGN_OR_RETURN(task::TaskOutput o, decoder->decode(outs));
    EDGECUT_ASSIGN_OR_RETURN(task::Match m, task::match(o, task[f], match));
    acc->task = task::task_name(o.kind);
    acc->add_task(m);
    return Status::ok();
  }
};

Expected<Reference> make_reference(exec::Executor& ex, const graph::Model& model,
                                   const std::vector<exec::Tensor>& frames,
                                   const std::optional<task::ModelCard>& card, task::MatchOptions match) {
  const graph::Graph& g = model.graph;
  Reference r;
  const task::ModelCard c = card ? *card : task::default_card(model);
  EDGECUT_ASSIGN_OR_RETURN(task::Decoder d, task::Decoder::make(c, model));
  match.input_w = d.input_width();
  match.input_h = d.input_height();
  r.match = match;
  r.norm = image_norm(c);
  EDGECUT_ASSIGN_OR_RETURN(exec::SplitPlan whole, exec::prepare_split(ex, g, {}));
  // The default card guesses a classifier: a model whose output is no score
  // vector is judged by its tensors alone; a card the user gave must decode.
  const bool guessed = c.source.rfind("default", 0) == 0;
  bool decodes = true;
  for (const auto& x : frames) {
    EDGECUT_ASSIGN_OR_RETURN(exec::SplitResult out, exec::run_split(ex, g, whole, {x}));
    r.first.push_back(out.outputs[0].clone());
    auto t = d.decode(out.outputs);
    if (!t && guessed) {
      decodes = false;
      continue;
    }
    if (!t) return t.status().with_context("decoding the uncut model's output");
    r.task.push_back(std::move(*t));
  }
  if (decodes) r.decoder = std::move(d);
  return r;
}

struct TensorRun {
  exec::Executor& ex;
  const graph::Graph& g;
  const std::vector<exec::Tensor>& frames;
  const Reference& ref;
  const std::vector<codec::Encoding>& encs;
  const CalibrateOptions& o;
};

// The tail's graph outputs when x is replaced by `decoded`.
Expected<std::vector<exec::Tensor>> run_tail(const TensorRun& r, const exec::SplitPlan& plan,
                                             std::vector<exec::Tensor> pool, const exec::Tensor& decoded) {
  for (auto& t : pool) {
    if (t.name() == decoded.name()) t = decoded;
  }
  std::vector<exec::Tensor> outs;
  EDGECUT_RETURN_IF_ERROR(r.ex.run(plan.tail, pool, &outs).with_context("tail"));
  for (auto& t : outs) pool.push_back(std::move(t));
  return exec::pick(r.g, r.g.outputs, pool);
}

// One frame of tensor x: every encoding's size and times; one tail run per lossy base.
Status one_frame(const TensorRun& r, const exec::SplitPlan& plan, size_t f, graph::ValueId x,
                 std::vector<Acc>* acc) {
  std::vector<exec::Tensor> pool{r.frames[f]};
  if (plan.head >= 0) {
    std::vector<exec::Tensor> outs;
    EDGECUT_RETURN_IF_ERROR(r.ex.run(plan.head, pool, &outs).with_context("head"));
    for (auto& t : outs) pool.push_back(std::move(t));
  }
  EDGECUT_ASSIGN_OR_RETURN(auto picked, exec::pick(r.g, {x}, pool));
  const exec::Tensor& t = picked[0];
  for (size_t k = 0; k < r.encs.size(); ++k) {
    const codec::Encoding& e = r.encs[k];
    auto t0 = Clock::now();
    EDGECUT_ASSIGN_OR_RETURN(codec::Encoded enc, codec::encode(t, e, r.ref.norm));
    (*acc)[k].enc_ms.push_back(ms_since(t0) * r.o.edge_slowdown);
    (*acc)[k].bytes += static_cast<double>(enc.payload.size());
    t0 = Clock::now();
    EDGECUT_ASSIGN_OR_RETURN(exec::Tensor dec, codec::decode(enc, r.ref.norm));
    (*acc)[k].dec_ms.push_back(ms_since(t0));
    // Lossless coders give their base's tensor back: reuse its tail run.
    size_t same = k;
    for (size_t j = 0; j < k; ++j) {
      if (r.encs[j].base == e.base && r.encs[j].quality == e.quality) {
        same = j;
        break;
      }
    }
    if (same != k) {
      (*acc)[k].fid = (*acc)[same].fid;
    } else if (e.base == codec::Base::kFp32) {  // exact: the reference itself
      (*acc)[k].fid.add(r.ref.first[f].as<float>(), r.ref.first[f].as<float>());
      if (r.ref.decoder) {
        (*acc)[k].fid.task = task::task_name(r.ref.task[f].kind);
        (*acc)[k].fid.add_task(*task::match(r.ref.task[f], r.ref.task[f], r.ref.match));
      }
    } else {
      EDGECUT_ASSIGN_OR_RETURN(std::vector<exec::Tensor> y, run_tail(r, plan, pool, dec));
      EDGECUT_RETURN_IF_ERROR(r.ref.judge(f, y, &(*acc)[k].fid));
    }
  }
  return Status::ok();
}

Expected<partition::CalibratedTensor> calibrate_tensor(const TensorRun& r, graph::ValueId x) {
  const graph::Graph& g = r.g;
  const graph::NodeId u = g.values[x].producer;
  std::vector<graph::NodeId> head = u == graph::kNoNode ? std::vector<graph::NodeId>{} : ancestors(g, u);
  EDGECUT_ASSIGN_OR_RETURN(exec::SplitPlan plan, exec::prepare_split(r.ex, g, head));
  partition::CalibratedTensor ct;
  ct.value = x;
  ct.fp32_bytes = g.values[x].bytes;
  if (plan.tail < 0) return ct;  // x is only a graph output
  std::vector<codec::Encoding> usable;
  for (const auto& e : r.encs) {
    if (!e.image_only() || (u == graph::kNoNode && codec::image_shape(g.values[x].shape, "").has_value())) {
      usable.push_back(e);
    }
  }
  TensorRun rx{r.ex, r.g, r.frames, r.ref, usable, r.o};
  std::vector<Acc> acc(usable.size());
  for (size_t f = 0; f < r.frames.size(); ++f) {
    EDGECUT_RETURN_IF_ERROR(
        one_frame(rx, plan, f, x, &acc).with_context("tensor '" + g.values[x].name + "'"));
  }
  const double n = static_cast<double>(r.frames.size());
  for (size_t k = 0; k < usable.size(); ++k) {
    ct.encodings.push_back({usable[k].name(), acc[k].bytes / n, std::llround(median(acc[k].enc_ms) * 1e6),
                            std::llround(median(acc[k].dec_ms) * 1e6), acc[k].fid.result()});
  }
  return ct;
}

}  // namespace

Expected<partition::Fidelity> plan_fidelity(
    const graph::Model& model, const std::vector<graph::NodeId>& edge_nodes,
    const std::vector<std::pair<graph::ValueId, std::string>>& encodings,
    const std::vector<exec::Tensor>& frames, const std::string& engine,
    const std::optional<task::ModelCard>& card) {
  const graph::Graph& g = model.graph;
  EDGECUT_ASSIGN_OR_RETURN(auto ex, engine::make_executor(model, engine, 1));
  EDGECUT_ASSIGN_OR_RETURN(Reference ref, make_reference(*ex, model, frames, card, {}));
  EDGECUT_ASSIGN_OR_RETURN(exec::SplitPlan plan, exec::prepare_split(*ex, g, edge_nodes));
  FidelityAcc acc;
  for (size_t f = 0; f < frames.size(); ++f) {
    std::vector<exec::Tensor> pool{frames[f]};
    if (plan.head >= 0) {
      std::vector<exec::Tensor> outs;
      EDGECUT_RETURN_IF_ERROR(ex->run(plan.head, pool, &outs).with_context("head"));
      for (auto& t : outs) pool.push_back(std::move(t));
    }
    if (plan.tail >= 0) {
      for (auto& t : pool) {
        for (const auto& [v, name] : encodings) {
          if (g.values[v].name != t.name() || name == "fp32") continue;
          EDGECUT_ASSIGN_OR_RETURN(codec::Encoding e, codec::parse_encoding(name));
          EDGECUT_ASSIGN_OR_RETURN(codec::Encoded enc, codec::encode(t, e, ref.norm));
          EDGECUT_ASSIGN_OR_RETURN(t, codec::decode(enc, ref.norm));
        }
      }
      std::vector<exec::Tensor> outs;
      EDGECUT_RETURN_IF_ERROR(ex->run(plan.tail, pool, &outs).with_context("tail"));
      for (auto& t : outs) pool.push_back(std::move(t));
    }
    EDGECUT_ASSIGN_OR_RETURN(auto y, exec::pick(g, g.outputs, pool));
    EDGECUT_RETURN_IF_ERROR(ref.judge(f, y, &acc));
  }
  return acc.result();
}

Expected<partition::Calibration> calibrate(const graph::Model& model, const CalibrateOptions& o) {
  const graph::Graph& g = model.graph;
  runtime::PreprocessOptions pre;
  if (o.card && o.card->preprocess) pre = runtime::options_from(*o.card->preprocess);
  EDGECUT_ASSIGN_OR_RETURN(std::vector<exec::Tensor> frames,
                           calibration_frames(model, o.source, o.skip, o.frames, pre));
  EDGECUT_ASSIGN_OR_RETURN(auto ex, engine::make_executor(model, o.engine, o.threads));
  EDGECUT_ASSIGN_OR_RETURN(Reference refs, make_reference(*ex, model, frames, o.card, o.match));
  const std::vector<codec::Encoding> encs = o.encodings.empty() ? default_encodings() : o.encodings;
  partition::Calibration cal;
  cal.model = g.name;
  cal.model_hash = g.structure_hash();
  cal.source = o.source;
  cal.frames = o.frames;
  const TensorRun run{*ex, g, frames, refs, encs, o};
  const std::vector<graph::ValueId> values = calibrated_values(g, o.all_tensors);
  for (size_t i = 0; i < values.size(); ++i) {
    if (o.progress) o.progress(static_cast<double>(i) / values.size(), g.values[values[i]].name);
    EDGECUT_ASSIGN_OR_RETURN(partition::CalibratedTensor ct, calibrate_tensor(run, values[i]));
    if (!ct.encodings.empty()) cal.tensors.push_back(std::move(ct));
  }
  if (o.progress) o.progress(1.0, "done");
  return cal;
}

}  // namespace edgecut::eval
