// Wire: exec::Tensor <-> KServe v2 messages (raw contents), and the checks
// that every tensor arriving from a peer passes before anything is allocated
// for it or it reaches an engine.
//
// Tensors travel as InferInputTensor / InferOutputTensor metadata (name,
// datatype, shape) plus one raw_*_contents entry of little-endian row-major
// bytes each. Reading a message gives views into the message's own strings:
// no copy between the gRPC buffer and the engine. Every size is bounded by
// WireLimits and checked against the declared dtype and shape; errors name the
// tensor and the field at fault.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "common/status.h"
#include "exec/tensor.h"
#include "net/proto/grpc_service.pb.h"

namespace edgecut::net {

// v2 datatype names: "FP32", "FP16", "UINT8", "INT8", "INT32", "INT64",
// "BOOL", "FP64", ... kUnknown / "" when there is no mapping.
const char* v2_datatype(graph::DType t);
graph::DType dtype_from_v2(const std::string& s);

struct WireLimits {
  int64_t max_message_bytes = 256ll << 20;  // gRPC refuses larger messages before allocating
  int max_tensors = 256;
  int max_rank = 8;
  int64_t max_tensor_bytes = 256ll << 20;
};

// What a receiver expects of one tensor (from the model / segment).
struct TensorSpec {
  std::string name;
  graph::DType dtype = graph::DType::kUnknown;
  std::vector<int64_t> shape;
};

// Appends `t` to a request / response: metadata and one raw entry (one copy,
// into the message).
void add_input(inference::ModelInferRequest* req, const exec::Tensor& t);
void add_output(inference::ModelInferResponse* resp, const exec::Tensor& t);

// Appends an encoded tensor (codec/codec.h): datatype = the encoding's base
// (FP32, FP16, INT8; UINT8 for uint8 and jpeg), shape = the decoded shape,
// parameters kEncoding (+ kScale, kZeroPoint for int8); the payload is moved
// into the message, not copied.
void add_encoded_input(inference::ModelInferRequest* req, codec::Encoded&& e);

// The inputs of `req`, as views into it (an input whose kEncoding parameter
// names an encoding other than fp32 is decoded into an owned float32 tensor,
// after the payload is checked against its encoding, shape and parameters), in `want` order, after checking
// names (each wanted once, nothing extra), datatypes, shapes and raw sizes.
// `req` must outlive the tensors.
Expected<std::vector<exec::Tensor>> read_inputs(const inference::ModelInferRequest& req,
                                                const std::vector<TensorSpec>& want,
                                                const WireLimits& limits);
// The outputs of `resp` as views, in message order (every raw size checked),
// kept alive by `owner` (the response's holder) or, when null, by the caller.
Expected<std::vector<exec::Tensor>> read_outputs(const inference::ModelInferResponse& resp,
                                                 const WireLimits& limits,
                                                 std::shared_ptr<const void> owner = nullptr);

// Parameters.
void set_param(google::protobuf::Map<std::string, inference::InferParameter>* m, const std::string& key,
               int64_t value);
void set_param(google::protobuf::Map<std::string, inference::InferParameter>* m, const std::string& key,
               const std::string& value);
// The int64 parameter `key`, or `fallback` when absent or of another type.
int64_t int_param(const google::protobuf::Map<std::string, inference::InferParameter>& m,
                  const std::string& key, int64_t fallback);

// Parameter names edgecut sets on responses.
inline constexpr const char* kComputeUs = "edgecut_compute_us";  // engine time for this request
inline constexpr const char* kQueueUs = "edgecut_queue_us";      // wait for an engine slot
// Requests waiting for an engine slot per slot, x1000, when the reply left:
// the wait a new request would see, in service times. Probes carry it too,
// so an edge that stopped using an overloaded cloud sees the load end.
inline constexpr const char* kLoadMilli = "edgecut_load_milli";
inline constexpr const char* kDecodeUs = "edgecut_decode_us";  // decoding the request's encoded inputs
// Tensor parameters of an encoded input.
inline constexpr const char* kEncoding = "edgecut_encoding";     // string: codec encoding name
inline constexpr const char* kScale = "edgecut_scale";           // double: int8 scale
inline constexpr const char* kZeroPoint = "edgecut_zero_point";  // int64: int8 zero point
// string "scale,m0,m1,m2,s0,s1,s2": how a uint8 / JPEG frame's floats were
// normalised (codec::ImageNorm); absent: the ImageNet convention.
inline constexpr const char* kImageNorm = "edgecut_image_norm";

// The kImageNorm text of `n`, and back (exactly 7 finite numbers, scale and
// every std > 0; the error names the parameter).
std::string image_norm_text(const codec::ImageNorm& n);
Expected<codec::ImageNorm> parse_image_norm(const std::string& text);
// A built-in model of every edgecut server: takes one UINT8 tensor "payload"
// of any length within the limits and answers with no outputs. The edge sends
// probes to it to measure the uplink while its plan sends nothing.
inline constexpr const char* kProbeModel = "edgecut.probe";

}  // namespace edgecut::net
