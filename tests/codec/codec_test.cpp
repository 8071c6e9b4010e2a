// Round trips, error bounds and refusals of bad input for every encoding.
#include "codec/codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace edgecut::codec {
namespace {

// A post-ReLU-like activation: about half zeros, the rest spread over [0, 6).
exec::Tensor activation(std::vector<int64_t> shape, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-6.0f, 6.0f);
  auto t = exec::Tensor::make("act", graph::DType::kFloat, std::move(shape));
  for (float& v : t->as_mutable<float>()) v = std::max(0.0f, u(rng));
  return *t;
}

// An image input: the floats preprocessing makes from random bytes.
exec::Tensor image(const ImageNorm& n, int h, int w, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto t = exec::Tensor::make("input", graph::DType::kFloat, {1, 3, h, w});
  auto x = t->as_mutable<float>();
  const size_t plane = static_cast<size_t>(h * w);
  for (size_t i = 0; i < x.size(); ++i) {
    // Smooth content, as camera frames are: JPEG keeps it well.
    const size_t c = i / plane, p = i % plane;
    const double v = 128 + 100 * std::sin(0.05 * static_cast<double>(p % w) + static_cast<double>(c)) *
                               std::cos(0.07 * static_cast<double>(p / w));
    const int u = std::clamp(static_cast<int>(v) + static_cast<int>(rng() % 3), 0, 255);
    x[i] = (static_cast<float>(u) * n.scale - n.mean[c]) / n.std[c];
  }
  return *t;
}

double max_abs(const exec::Tensor& a, const exec::Tensor& b) { return exec::max_abs_diff(a, b); }

TEST(Encoding, ParsesAndPrintsEveryName) {
  for (const char* s : {"fp32", "fp16", "int8", "uint8", "fp32+zstd", "fp16+lz4", "int8+zstd", "uint8+lz4",
                        "jpeg90", "jpeg1", "jpeg100"}) {
    auto e = parse_encoding(s);
    ASSERT_TRUE(e.has_value()) << s << ": " << e.status().to_string();
    EXPECT_EQ(e->name(), s);
  }
  for (const char* s :
       {"", "fp64", "int8+gzip", "jpeg", "jpeg0", "jpeg101", "jpeg9x", "jpeg90+zstd", "fp16+"}) {
    auto e = parse_encoding(s);
    ASSERT_FALSE(e.has_value()) << s;
    EXPECT_NE(e.status().to_string().find("encoding '"), std::string::npos) << e.status().to_string();
  }
}

TEST(Encoding, ListAddsCodersToEveryBaseAndKeepsFp32) {
  auto l = parse_encoding_list("fp16,int8,zstd");
  ASSERT_TRUE(l.has_value());
  std::vector<std::string> names;
  for (const auto& e : *l) names.push_back(e.name());
  EXPECT_EQ(names, (std::vector<std::string>{"fp32", "fp32+zstd", "fp16", "fp16+zstd", "int8", "int8+zstd"}));
  auto j = parse_encoding_list("uint8,jpeg", {80});
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ(j->size(), 3u);
  EXPECT_FALSE(parse_encoding_list("fp16,bogus").has_value());
}

TEST(Codec, LosslessRoundTripsAreBitExact) {
  const exec::Tensor t = activation({1, 8, 16, 16}, 1);
  for (const char* s : {"fp32", "fp32+zstd", "fp32+lz4"}) {
    auto enc = encode(t, *parse_encoding(s));
    ASSERT_TRUE(enc.has_value()) << s;
    auto dec = decode(*enc);
    ASSERT_TRUE(dec.has_value()) << s << ": " << dec.status().to_string();
    EXPECT_TRUE(dec->bit_equal(t)) << s;
  }
  // Half zeros: both coders shrink the tensor.
  EXPECT_LT(encode(t, *parse_encoding("fp32+zstd"))->payload.size(), t.bytes() * 3 / 4);
  EXPECT_LT(encode(t, *parse_encoding("fp32+lz4"))->payload.size(), t.bytes());
}

TEST(Codec, Fp16WithinHalfAnUlp) {
  const exec::Tensor t = activation({2, 3, 50}, 2);
  for (const char* s : {"fp16", "fp16+zstd", "fp16+lz4"}) {
    auto enc = encode(t, *parse_encoding(s));
    ASSERT_TRUE(enc.has_value());
    if (std::string(s) == "fp16") {
      EXPECT_EQ(enc->payload.size(), t.bytes() / 2);
    }
    auto dec = decode(*enc);
    ASSERT_TRUE(dec.has_value()) << dec.status().to_string();
    const auto a = t.as<float>(), b = dec->as<float>();
    for (size_t i = 0; i < a.size(); ++i) {
      // 11 significant bits: relative error at most 2^-11 for normal values.
      EXPECT_LE(std::abs(a[i] - b[i]), std::abs(a[i]) * (1.0f / 2048.0f) + 1e-7f) << i;
    }
  }
  EXPECT_EQ(half_to_float(float_to_half(65504.0f)), 65504.0f);
  EXPECT_TRUE(std::isinf(half_to_float(float_to_half(1e6f))));
  EXPECT_EQ(half_to_float(float_to_half(5.9604645e-8f)), 5.9604645e-8f);  // smallest subnormal
  EXPECT_EQ(float_to_half(1.0f + 1.0f / 4096.0f), float_to_half(1.0f));   // tie to even
}

TEST(Codec, Int8WithinHalfAStepAndZeroExact) {
  const exec::Tensor t = activation({1, 4, 32, 32}, 3);
  for (const char* s : {"int8", "int8+zstd", "int8+lz4"}) {
    auto enc = encode(t, *parse_encoding(s));
    ASSERT_TRUE(enc.has_value());
    EXPECT_GT(enc->params.scale, 0);
    auto dec = decode(*enc);
    ASSERT_TRUE(dec.has_value()) << dec.status().to_string();
    EXPECT_LE(max_abs(t, *dec), enc->params.scale * 0.5 + 1e-6) << s;
    const auto a = t.as<float>(), b = dec->as<float>();
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] == 0) {
        EXPECT_EQ(b[i], 0.0f) << i;
      }
    }
  }
  // Constant and negative tensors stay representable.
  auto z = exec::Tensor::make("z", graph::DType::kFloat, {10});
  EXPECT_TRUE(decode(*encode(*z, *parse_encoding("int8")))->bit_equal(*z));
  std::vector<float> neg{-3, -1, -2};
  auto nt = exec::Tensor::from_floats("n", {3}, neg);
  EXPECT_LE(max_abs(*nt, *decode(*encode(*nt, *parse_encoding("int8")))), 3.0 / 255 / 2 + 1e-6);
}

TEST(Codec, Uint8RestoresTheFrameExactlyAndJpegClosely) {
  const ImageNorm n;
  const exec::Tensor t = image(n, 32, 48, 4);
  auto enc = encode(t, *parse_encoding("uint8"), n);
  ASSERT_TRUE(enc.has_value()) << enc.status().to_string();
  EXPECT_EQ(enc->payload.size(), t.bytes() / 4);
  auto dec = decode(*enc, n);
  ASSERT_TRUE(dec.has_value()) << dec.status().to_string();
  EXPECT_TRUE(dec->bit_equal(t));  // the same lookup as preprocessing
  for (int q : {50, 95}) {
    auto j = encode(t, {Base::kJpeg, Pack::kNone, q}, n);
    ASSERT_TRUE(j.has_value()) << j.status().to_string();
    EXPECT_LT(j->payload.size(), enc->payload.size());
    auto jd = decode(*j, n);
    ASSERT_TRUE(jd.has_value()) << jd.status().to_string();
    // Mean error in frame units (0..255).
    double err = 0;
    for (size_t i = 0; i < t.as<float>().size(); ++i) err += std::abs(t.as<float>()[i] - jd->as<float>()[i]);
    err = err / static_cast<double>(t.elements()) * 0.225 * 255;
    EXPECT_LT(err, q == 95 ? 3.0 : 8.0) << "jpeg" << q;
  }
  // Not an image.
  const exec::Tensor a = activation({1, 4, 8, 8}, 5);
  EXPECT_FALSE(encode(a, *parse_encoding("uint8")).has_value());
  EXPECT_FALSE(encode(a, *parse_encoding("jpeg80")).has_value());
}

std::string decode_error(Encoded e, const ImageNorm& n = {}) {
  auto d = decode(e, n);
  return d.has_value() ? "" : d.status().to_string();
}

TEST(Codec, RefusesPayloadsThatDoNotMatchTheShapeOrParameters) {
  const exec::Tensor t = activation({1, 4, 16, 16}, 6);
  for (const char* s : {"fp32", "fp16", "int8"}) {
    Encoded e = *encode(t, *parse_encoding(s));
    e.payload.pop_back();
    EXPECT_NE(decode_error(e).find("payload holds"), std::string::npos) << s << decode_error(e);
  }
  Encoded q = *encode(t, *parse_encoding("int8"));
  for (Params p : {Params{0, 0}, Params{-1, 0}, Params{NAN, 0}, Params{1, 128}, Params{1, -129}}) {
    q.params = p;
    EXPECT_NE(decode_error(q).find("not valid int8 parameters"), std::string::npos) << decode_error(q);
  }
  Encoded big = *encode(t, *parse_encoding("fp32"));
  big.shape = {1 << 20, 1 << 20};
  EXPECT_NE(decode_error(big).find("over the size limit"), std::string::npos) << decode_error(big);
}

TEST(Codec, RefusesCorruptOrLyingCompressedPayloads) {
  const exec::Tensor t = activation({1, 4, 16, 16}, 7);
  for (const char* s : {"fp16+zstd", "int8+lz4", "fp32+zstd", "fp32+lz4"}) {
    Encoded e = *encode(t, *parse_encoding(s));
    Encoded other_shape = e;
    other_shape.shape = {1, 4, 16, 8};  // payload decompresses to twice what the shape holds
    EXPECT_FALSE(decode_error(other_shape).empty()) << s;
    Encoded flipped = e;
    for (size_t i = flipped.payload.size() / 2; i < flipped.payload.size(); ++i) flipped.payload[i] ^= 0x5a;
    EXPECT_FALSE(decode_error(flipped).empty()) << s;
    Encoded empty = e;
    empty.payload.clear();
    EXPECT_FALSE(decode_error(empty).empty()) << s;
    Encoded huge = e;
    huge.payload.assign(t.bytes() * 2 + 4096, '\0');  // over the coder's bound for this shape
    EXPECT_NE(decode_error(huge).find("cannot hold"), std::string::npos) << s << decode_error(huge);
  }
}

TEST(Codec, RefusesJpegOfAnotherSizeOrNotAJpeg) {
  const ImageNorm n;
  const exec::Tensor t = image(n, 32, 32, 8);
  Encoded j = *encode(t, {Base::kJpeg, Pack::kNone, 80}, n);
  Encoded wrong = j;
  wrong.shape = {1, 3, 64, 32};
  EXPECT_NE(decode_error(wrong, n).find("JPEG is 32x32"), std::string::npos) << decode_error(wrong, n);
  Encoded junk = j;
  junk.payload = "not a jpeg at all";
  EXPECT_NE(decode_error(junk, n).find("not a usable JPEG"), std::string::npos) << decode_error(junk, n);
  Encoded cut = j;
  cut.payload.resize(cut.payload.size() / 3);
  // A truncated scan still has a header: it may decode to a partial image, but never crashes.
  (void)decode(cut, n);
  Encoded headless = j;
  headless.payload.resize(10);
  EXPECT_FALSE(decode_error(headless, n).empty());
}

}  // namespace
}  // namespace edgecut::codec
