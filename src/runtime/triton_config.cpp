#include "runtime/triton_config.h"

#include <fmt/format.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "common/file.h"
#include "net/tail_name.h"

namespace edgecut::runtime {

namespace {

void set_param(inference::ModelConfig* c, const std::string& key, const std::string& value) {
  if (!value.empty()) (*c->mutable_parameters())[key].set_string_value(value);
}

std::string get_param(const inference::ModelConfig& c, const std::string& key) {
  auto it = c.parameters().find(key);
  return it == c.parameters().end() ? std::string() : it->second.string_value();
}

inference::DataType data_type(const std::string& triton) {
  inference::DataType t = inference::TYPE_INVALID;
  inference::DataType_Parse(triton, &t);
  return t;
}

// Collects the parser's first error with its position (1-based, as editors count).
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (text.empty()) text = fmt::format("line {} column {}: {}", line + 1, column + 1, message);
  }
  std::string text;
};

}  // namespace

const char* triton_type(graph::DType t) {
  switch (t) {
    case graph::DType::kFloat:
      return "TYPE_FP32";
    case graph::DType::kFloat16:
      return "TYPE_FP16";
    case graph::DType::kDouble:
      return "TYPE_FP64";
    case graph::DType::kUInt8:
      return "TYPE_UINT8";
    case graph::DType::kInt8:
      return "TYPE_INT8";
    case graph::DType::kInt32:
      return "TYPE_INT32";
    case graph::DType::kInt64:
      return "TYPE_INT64";
    case graph::DType::kBool:
      return "TYPE_BOOL";
    default:
      return "TYPE_INVALID";
  }
}

inference::ModelConfig make_config(const std::string& name, const graph::Graph& g,
                                   const std::vector<TailInput>& inputs,
                                   const std::vector<graph::ValueId>& outputs, const ConfigInfo& info) {
  inference::ModelConfig c;
  c.set_name(name);
  c.set_platform("onnxruntime_onnx");
  c.set_max_batch_size(0);
  for (const TailInput& t : inputs) {
    inference::ModelInput* in = c.add_input();
    in->set_name(t.name);
    in->set_data_type(data_type(t.triton_type));
    if (t.dims.empty()) {
      in->add_dims(1);  // Triton has no rank-0 dims: [1] reshaped to a scalar
      in->mutable_reshape();
    }
    for (int64_t d : t.dims) in->add_dims(d);
  }
  for (graph::ValueId x : outputs) {
    const graph::Value& v = g.values[x];
    inference::ModelOutput* out = c.add_output();
    out->set_name(v.name);
    out->set_data_type(data_type(triton_type(v.dtype)));
    if (v.shape.empty()) {
      out->add_dims(1);
      out->mutable_reshape();
    }
    for (int64_t d : v.shape) out->add_dims(d);
  }
  set_param(&c, kBaseModelParam, info.base_model);
  set_param(&c, net::kModelHashParam, info.model_hash);
  set_param(&c, net::kEdgeNodesParam, info.edge_nodes);
  set_param(&c, kEncodingsParam, info.encodings);
  return c;
}

std::string config_text(const inference::ModelConfig& config) {
  std::string out;
  google::protobuf::TextFormat::PrintToString(config, &out);
  return out;
}

Expected<inference::ModelConfig> parse_config(const std::string& text, const std::string& where) {
  inference::ModelConfig c;
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &c)) {
    return error(Code::kParseError, "{}: not a Triton model configuration: {}", where,
                 errors.text.empty() ? "parse error" : errors.text);
  }
  return c;
}

Expected<inference::ModelConfig> read_config(const std::string& path) {
  EDGECUT_ASSIGN_OR_RETURN(std::string text, read_bounded_file(path, "model configuration", kMaxConfigBytes));
  return parse_config(text, path);
}

ConfigInfo config_info(const inference::ModelConfig& config) {
  return {get_param(config, kBaseModelParam), get_param(config, net::kModelHashParam),
          get_param(config, net::kEdgeNodesParam), get_param(config, kEncodingsParam)};
}

}  // namespace edgecut::runtime
