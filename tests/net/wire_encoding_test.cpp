// Encoded tensors on the wire: the receiver decodes what the sender encoded,
// and refuses a payload whose size, datatype or parameters do not match the
// encoding it states.
#include <gtest/gtest.h>

#include <random>

#include "net/wire.h"

namespace edgecut::net {
namespace {

exec::Tensor activation() {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<float> u(-2.0f, 4.0f);
  auto t = exec::Tensor::make("x", graph::DType::kFloat, {1, 8, 6, 6});
  for (float& v : t->as_mutable<float>()) v = std::max(0.0f, u(rng));
  return *t;
}

const std::vector<TensorSpec> kWant = {{"x", graph::DType::kFloat, {1, 8, 6, 6}}};

inference::ModelInferRequest request(const std::string& encoding) {
  inference::ModelInferRequest req;
  auto e = codec::encode(activation(), *codec::parse_encoding(encoding));
  EXPECT_TRUE(e.has_value());
  add_encoded_input(&req, std::move(*e));
  return req;
}

std::string refusal(const inference::ModelInferRequest& req) {
  auto in = read_inputs(req, kWant, WireLimits{});
  if (in.has_value()) return "";
  EXPECT_EQ(in.status().code(), Code::kInvalidArgument);
  return in.status().to_string();
}

TEST(WireEncoding, EveryEncodingArrivesDecoded) {
  const exec::Tensor x = activation();
  for (const char* name : {"fp32", "fp32+zstd", "fp16", "fp16+lz4", "int8", "int8+zstd"}) {
    inference::ModelInferRequest req = request(name);
    auto in = read_inputs(req, kWant, WireLimits{});
    ASSERT_TRUE(in.has_value()) << name << ": " << in.status().to_string();
    ASSERT_EQ((*in)[0].dtype(), graph::DType::kFloat);
    EXPECT_LE(exec::max_abs_diff((*in)[0], x), 4.0 / 255) << name;
    if (std::string(name).starts_with("fp32")) {
      EXPECT_TRUE((*in)[0].bit_equal(x)) << name;
    }
  }
}

TEST(WireEncoding, RefusesMismatchedSizeDatatypeAndParameters) {
  auto short_payload = request("fp16");
  short_payload.mutable_raw_input_contents(0)->pop_back();
  EXPECT_NE(refusal(short_payload).find("payload holds"), std::string::npos) << refusal(short_payload);

  auto wrong_type = request("int8");
  wrong_type.mutable_inputs(0)->set_datatype("FP16");
  EXPECT_NE(refusal(wrong_type).find("encoding int8 sends INT8"), std::string::npos) << refusal(wrong_type);

  auto no_scale = request("int8");
  no_scale.mutable_inputs(0)->mutable_parameters()->erase(kScale);
  EXPECT_NE(refusal(no_scale).find(kScale), std::string::npos) << refusal(no_scale);

  auto bad_scale = request("int8");
  (*bad_scale.mutable_inputs(0)->mutable_parameters())[kScale].set_double_param(-1);
  EXPECT_NE(refusal(bad_scale).find("not valid int8 parameters"), std::string::npos) << refusal(bad_scale);

  auto unknown = request("fp16");
  (*unknown.mutable_inputs(0)->mutable_parameters())[kEncoding].set_string_param("fp12");
  EXPECT_NE(refusal(unknown).find("encoding 'fp12'"), std::string::npos) << refusal(unknown);

  auto lying = request("fp16+zstd");
  lying.mutable_inputs(0)->set_shape(1, 16);  // twice the elements the frame declares
  EXPECT_FALSE(refusal(lying).empty());

  auto corrupt = request("int8+lz4");
  std::string* raw = corrupt.mutable_raw_input_contents(0);
  for (size_t i = 0; i < raw->size(); ++i) (*raw)[i] = static_cast<char>((*raw)[i] ^ 0x3c);
  EXPECT_FALSE(refusal(corrupt).empty());
}

}  // namespace
}  // namespace edgecut::net

namespace edgecut::net {
namespace {

// A camera frame as a model with its own convention sees it: NHWC, values in
// [-1, 1] (BlazeFace's (u / 127.5 - 1)), 8-bit steps.
const codec::ImageNorm kMinusOneToOne{1.0f / 127.5f, {1, 1, 1}, {1, 1, 1}};

exec::Tensor frame(const codec::ImageNorm& n) {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> u(0, 255);
  auto t = exec::Tensor::make("frame", graph::DType::kFloat, {1, 16, 12, 3});
  auto v = t->as_mutable<float>();
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = (static_cast<float>(u(rng)) * n.scale - n.mean[i % 3]) / n.std[i % 3];
  return *t;
}

// The server used to decode every uint8 frame with the ImageNet convention,
// whatever the edge had quantised it with.
TEST(WireEncoding, AUint8FrameCarriesItsNormalisation) {
  const exec::Tensor x = frame(kMinusOneToOne);
  const std::vector<TensorSpec> want = {{"frame", graph::DType::kFloat, {1, 16, 12, 3}}};
  inference::ModelInferRequest req;
  auto e = codec::encode(x, *codec::parse_encoding("uint8"), kMinusOneToOne);
  ASSERT_TRUE(e.has_value()) << e.status().to_string();
  add_encoded_input(&req, std::move(*e));
  ASSERT_EQ(req.inputs(0).parameters().count(kImageNorm), 1u);
  auto in = read_inputs(req, want, WireLimits{});
  ASSERT_TRUE(in.has_value()) << in.status().to_string();
  EXPECT_LE(exec::max_abs_diff((*in)[0], x), 1e-5) << "8-bit values survive exactly, up to float rounding";
  // Without the parameter (another v2 client) the ImageNet convention applies.
  req.mutable_inputs(0)->mutable_parameters()->erase(kImageNorm);
  auto imagenet = read_inputs(req, want, WireLimits{});
  ASSERT_TRUE(imagenet.has_value());
  EXPECT_GT(exec::max_abs_diff((*imagenet)[0], x), 0.5);
}

TEST(WireEncoding, ABadNormalisationIsRefusedNamingTheParameter) {
  EXPECT_TRUE(parse_image_norm(image_norm_text(kMinusOneToOne)).has_value());
  auto round = parse_image_norm(image_norm_text(codec::ImageNorm{}));
  ASSERT_TRUE(round.has_value());
  EXPECT_EQ(round->mean, codec::ImageNorm{}.mean);
  for (const char* bad : {"", "1,2,3", "1,0,0,0,1,1,1,9", "0,0,0,0,1,1,1", "1,0,0,0,1,0,1", "1,0,0,0,1,1,x",
                          "nan,0,0,0,1,1,1", "1,0,0,0,1,1,1,", ",1,0,0,0,1,1", "1e40,0,0,0,1,1,1"}) {
    auto n = parse_image_norm(bad);
    ASSERT_FALSE(n.has_value()) << "'" << bad << "'";
    EXPECT_NE(n.status().message().find(kImageNorm), std::string::npos) << n.status().message();
  }
}

}  // namespace
}  // namespace edgecut::net
