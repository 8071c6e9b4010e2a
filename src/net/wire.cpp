#include "net/wire.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace edgecut::net {

using graph::DType;

namespace {
constexpr std::array<std::pair<DType, const char*>, 13> kNames = {{
    {DType::kFloat, "FP32"},
    {DType::kUInt8, "UINT8"},
    {DType::kInt8, "INT8"},
    {DType::kUInt16, "UINT16"},
    {DType::kInt16, "INT16"},
    {DType::kInt32, "INT32"},
    {DType::kInt64, "INT64"},
    {DType::kBool, "BOOL"},
    {DType::kFloat16, "FP16"},
    {DType::kDouble, "FP64"},
    {DType::kUInt32, "UINT32"},
    {DType::kUInt64, "UINT64"},
    {DType::kBFloat16, "BF16"},
}};

template <typename Tensor>
void fill_meta(Tensor* m, const exec::Tensor& t) {
  m->set_name(t.name());
  m->set_datatype(v2_datatype(t.dtype()));
  for (int64_t d : t.shape()) m->add_shape(d);
}

template <typename Meta>
bool has_typed_contents(const Meta& m) {
  return m.has_contents() && m.contents().ByteSizeLong() > 0;
}

// Shape, datatype and size checks shared by inputs and outputs.
template <typename Meta>
Expected<exec::Tensor> view_of(const Meta& m, const std::string& raw, const WireLimits& limits,
                               const char* what) {
  const DType dt = dtype_from_v2(m.datatype());
  if (dt == DType::kUnknown) {
    return error(Code::kInvalidArgument, "{} '{}': unsupported datatype '{}'", what, m.name(), m.datatype());
  }
  if (m.shape_size() > limits.max_rank) {
    return error(Code::kInvalidArgument, "{} '{}': rank {} exceeds the limit {}", what, m.name(),
                 m.shape_size(), limits.max_rank);
  }
  std::vector<int64_t> shape(m.shape().begin(), m.shape().end());
  const int64_t n = exec::element_count(shape);
  if (n < 0 || n > limits.max_tensor_bytes / graph::dtype_size(dt)) {
    return error(Code::kInvalidArgument, "{} '{}': shape {} is negative or over the size limit ({} bytes)",
                 what, m.name(), exec::shape_str(shape), limits.max_tensor_bytes);
  }
  const int64_t want = n * graph::dtype_size(dt);
  if (static_cast<int64_t>(raw.size()) != want) {
    return error(Code::kInvalidArgument, "{} '{}': raw contents hold {} bytes, but {} {} needs {}", what,
                 m.name(), raw.size(), m.datatype(), exec::shape_str(shape), want);
  }
  return exec::Tensor::view(m.name(), dt, std::move(shape), raw.data(), raw.size());
}

const char* base_datatype(const codec::Encoding& e) {
  switch (e.base) {
    case codec::Base::kFp32:
      return "FP32";
    case codec::Base::kFp16:
      return "FP16";
    case codec::Base::kInt8:
      return "INT8";
    case codec::Base::kUint8:
    case codec::Base::kJpeg:
      return "UINT8";
  }
  return "";
}

// An input with a kEncoding parameter: checks its metadata against the
// encoding and what the model wants, then decodes (codec::decode validates
// the payload before allocating).
Expected<exec::Tensor> decode_input(const inference::ModelInferRequest::InferInputTensor& m,
                                    const std::string& raw, const TensorSpec& want,
                                    const WireLimits& limits) {
  const auto& params = m.parameters();
  const auto& enc_param = params.at(kEncoding);
  if (enc_param.parameter_choice_case() != inference::InferParameter::kStringParam) {
    return error(Code::kInvalidArgument, "input '{}': parameter {} must be a string", m.name(), kEncoding);
  }
  EDGECUT_ASSIGN_OR_RETURN(codec::Encoding e, codec::parse_encoding(enc_param.string_param()));
  if (m.datatype() != base_datatype(e)) {
    return error(Code::kInvalidArgument, "input '{}' is {}, but encoding {} sends {}", m.name(), m.datatype(),
                 e.name(), base_datatype(e));
  }
  if (want.dtype != DType::kFloat) {
    return error(Code::kInvalidArgument, "input '{}': encoding {} decodes to FP32, but the model expects {}",
                 m.name(), e.name(), v2_datatype(want.dtype));
  }
  std::vector<int64_t> shape(m.shape().begin(), m.shape().end());
  if (shape != want.shape) {
    return error(Code::kInvalidArgument, "input '{}' has shape {}, but the model expects {}", m.name(),
                 exec::shape_str(shape), exec::shape_str(want.shape));
  }
  codec::EncodedView v{m.name(), e, std::move(shape), {}, raw.data(), raw.size(), nullptr};
  if (e.base == codec::Base::kInt8) {
    auto sc = params.find(kScale);
    auto zp = params.find(kZeroPoint);
    if (sc == params.end() || sc->second.parameter_choice_case() != inference::InferParameter::kDoubleParam ||
        zp == params.end() || zp->second.parameter_choice_case() != inference::InferParameter::kInt64Param) {
      return error(Code::kInvalidArgument, "input '{}' ({}): needs a double {} and an int64 {} parameter",
                   m.name(), e.name(), kScale, kZeroPoint);
    }
    const int64_t z = zp->second.int64_param();
    v.params = {static_cast<float>(sc->second.double_param()),
                static_cast<int32_t>(std::clamp<int64_t>(z, INT32_MIN, INT32_MAX))};
  }
  codec::ImageNorm norm;
  if (auto np = params.find(kImageNorm); np != params.end()) {
    if (np->second.parameter_choice_case() != inference::InferParameter::kStringParam) {
      return error(Code::kInvalidArgument, "input '{}': parameter {} must be a string", m.name(), kImageNorm);
    }
    EDGECUT_ASSIGN_OR_RETURN(norm, parse_image_norm(np->second.string_param()));
  }
  codec::DecodeLimits dl;
  dl.max_tensor_bytes = limits.max_tensor_bytes;
  return codec::decode(v, norm, dl);
}

}  // namespace

std::string image_norm_text(const codec::ImageNorm& n) {
  return fmt::format("{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g}", n.scale, n.mean[0], n.mean[1],
                     n.mean[2], n.std[0], n.std[1], n.std[2]);
}

Expected<codec::ImageNorm> parse_image_norm(const std::string& text) {
  // strtof, not from_chars: one locale-independent parse of a short string
  // that came off the wire, bounded to 7 fields by the loop.
  std::array<float, 7> v{};
  size_t pos = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const size_t end = std::min(text.find(',', pos), text.size());
    const std::string field = text.substr(pos, end - pos);
    char* stop = nullptr;
    v[i] = std::strtof(field.c_str(), &stop);
    if (field.empty() || stop != field.c_str() + field.size() || !std::isfinite(v[i]) ||
        (end == text.size()) != (i + 1 == v.size())) {
      return error(Code::kInvalidArgument, "parameter {} '{}': want 7 comma-separated numbers", kImageNorm,
                   text.substr(0, 80));
    }
    pos = end + 1;
  }
  codec::ImageNorm n{v[0], {v[1], v[2], v[3]}, {v[4], v[5], v[6]}};
  if (!(n.scale > 0) || !(n.std[0] > 0) || !(n.std[1] > 0) || !(n.std[2] > 0)) {
    return error(Code::kInvalidArgument, "parameter {} '{}': scale and std must be > 0", kImageNorm, text);
  }
  return n;
}

void add_encoded_input(inference::ModelInferRequest* req, codec::Encoded&& e) {
  auto* m = req->add_inputs();
  m->set_name(e.name);
  m->set_datatype(base_datatype(e.encoding));
  for (int64_t d : e.shape) m->add_shape(d);
  if (!(e.encoding.base == codec::Base::kFp32 && e.encoding.pack == codec::Pack::kNone)) {
    set_param(m->mutable_parameters(), kEncoding, e.encoding.name());
  }
  if (e.encoding.base == codec::Base::kInt8) {
    (*m->mutable_parameters())[kScale].set_double_param(e.params.scale);
    set_param(m->mutable_parameters(), kZeroPoint, int64_t{e.params.zero_point});
  }
  if (e.encoding.image_only()) set_param(m->mutable_parameters(), kImageNorm, image_norm_text(e.norm));
  req->add_raw_input_contents(std::move(e.payload));
}

const char* v2_datatype(DType t) {
  for (const auto& [d, s] : kNames) {
    if (d == t) return s;
  }
  return "";
}

DType dtype_from_v2(const std::string& s) {
  for (const auto& [d, name] : kNames) {
    if (s == name) return d;
  }
  return DType::kUnknown;
}

void add_input(inference::ModelInferRequest* req, const exec::Tensor& t) {
  fill_meta(req->add_inputs(), t);
  req->add_raw_input_contents(reinterpret_cast<const char*>(t.data()), t.bytes());
}

void add_output(inference::ModelInferResponse* resp, const exec::Tensor& t) {
  fill_meta(resp->add_outputs(), t);
  resp->add_raw_output_contents(reinterpret_cast<const char*>(t.data()), t.bytes());
}

Expected<std::vector<exec::Tensor>> read_inputs(const inference::ModelInferRequest& req,
                                                const std::vector<TensorSpec>& want,
                                                const WireLimits& limits) {
  if (req.inputs_size() > limits.max_tensors) {
    return error(Code::kInvalidArgument, "request has {} inputs, over the limit {}", req.inputs_size(),
                 limits.max_tensors);
  }
  if (req.raw_input_contents_size() != req.inputs_size()) {
    return error(Code::kInvalidArgument,
                 "request has {} inputs but {} raw_input_contents entries (edgecut takes raw contents only)",
                 req.inputs_size(), req.raw_input_contents_size());
  }
  std::vector<exec::Tensor> out(want.size());
  std::vector<char> seen(want.size(), 0);
  for (int i = 0; i < req.inputs_size(); ++i) {
    const auto& m = req.inputs(i);
    size_t k = 0;
    while (k < want.size() && want[k].name != m.name()) ++k;
    if (k == want.size()) {
      std::string names;
      for (const auto& w : want) names += (names.empty() ? "" : ", ") + w.name;
      return error(Code::kInvalidArgument, "input '{}' is not an input of this model (inputs: {})", m.name(),
                   names);
    }
    if (seen[k]) return error(Code::kInvalidArgument, "input '{}' is given twice", m.name());
    seen[k] = 1;
    if (has_typed_contents(m)) {
      return error(Code::kInvalidArgument,
                   "input '{}': typed contents are not accepted; send raw_input_contents", m.name());
    }
    if (m.parameters().contains(kEncoding)) {
      EDGECUT_ASSIGN_OR_RETURN(out[k], decode_input(m, req.raw_input_contents(i), want[k], limits));
      continue;
    }
    EDGECUT_ASSIGN_OR_RETURN(exec::Tensor t, view_of(m, req.raw_input_contents(i), limits, "input"));
    if (t.dtype() != want[k].dtype) {
      return error(Code::kInvalidArgument, "input '{}' is {}, but the model expects {}", m.name(),
                   m.datatype(), v2_datatype(want[k].dtype));
    }
    if (t.shape() != want[k].shape) {
      return error(Code::kInvalidArgument, "input '{}' has shape {}, but the model expects {}", m.name(),
                   exec::shape_str(t.shape()), exec::shape_str(want[k].shape));
    }
    out[k] = std::move(t);
  }
  for (size_t k = 0; k < want.size(); ++k) {
    if (!seen[k]) return error(Code::kInvalidArgument, "input '{}' is missing", want[k].name);
  }
  return out;
}

Expected<std::vector<exec::Tensor>> read_outputs(const inference::ModelInferResponse& resp,
                                                 const WireLimits& limits,
                                                 std::shared_ptr<const void> owner) {
  if (resp.outputs_size() > limits.max_tensors || resp.raw_output_contents_size() != resp.outputs_size()) {
    return error(Code::kInvalidArgument, "response has {} outputs and {} raw_output_contents entries",
                 resp.outputs_size(), resp.raw_output_contents_size());
  }
  std::vector<exec::Tensor> out;
  for (int i = 0; i < resp.outputs_size(); ++i) {
    EDGECUT_ASSIGN_OR_RETURN(exec::Tensor t,
                             view_of(resp.outputs(i), resp.raw_output_contents(i), limits, "output"));
    const std::string& raw = resp.raw_output_contents(i);
    EDGECUT_ASSIGN_OR_RETURN(
        t, exec::Tensor::view(t.name(), t.dtype(), t.shape(), raw.data(), raw.size(), owner));
    out.push_back(std::move(t));
  }
  return out;
}

void set_param(google::protobuf::Map<std::string, inference::InferParameter>* m, const std::string& key,
               int64_t value) {
  (*m)[key].set_int64_param(value);
}

void set_param(google::protobuf::Map<std::string, inference::InferParameter>* m, const std::string& key,
               const std::string& value) {
  (*m)[key].set_string_param(value);
}

int64_t int_param(const google::protobuf::Map<std::string, inference::InferParameter>& m,
                  const std::string& key, int64_t fallback) {
  auto it = m.find(key);
  if (it == m.end() || it->second.parameter_choice_case() != inference::InferParameter::kInt64Param)
    return fallback;
  return it->second.int64_param();
}

}  // namespace edgecut::net
