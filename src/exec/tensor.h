// Tensor: a named, typed, dense row-major tensor that engines, the network
// and the runtime pass around.
//
// Models an activation of any ONNX dtype (float32 activations, uint8 frames,
// fp16 / int8 encodings) as bytes plus dtype and shape. Storage is shared and
// either owned (allocated here) or a view over someone else's bytes (a gRPC
// message, a cv::Mat) kept alive by an optional owner handle, so a tensor can
// travel from the wire to the engine without a copy. Copies of a Tensor share
// storage; clone() makes an independent one.
//
// Preconditions: bytes == elements(shape) * dtype_size(dtype) (checked by
// make / view, which return errors rather than build an inconsistent tensor).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/strings.h"
#include "graph/graph.h"

namespace edgecut::exec {

using graph::DType;

// Product of dims; -1 when a dim is negative or the product overflows int64.
int64_t element_count(const std::vector<int64_t>& shape);

// C++ element type for a dtype, for typed access.
template <typename T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::kFloat;
}
template <>
constexpr DType dtype_of<uint8_t>() {
  return DType::kUInt8;
}
template <>
constexpr DType dtype_of<int8_t>() {
  return DType::kInt8;
}
template <>
constexpr DType dtype_of<int32_t>() {
  return DType::kInt32;
}
template <>
constexpr DType dtype_of<int64_t>() {
  return DType::kInt64;
}
template <>
constexpr DType dtype_of<uint16_t>() {
  return DType::kFloat16;
}  // fp16 bits

class Tensor {
 public:
  Tensor() = default;

  // Owned, zero-filled. Fails on an unsized dtype or a negative / overflowing shape.
  static Expected<Tensor> make(std::string name, DType dtype, std::vector<int64_t> shape);
  // Owned float32 with the given values; shape must match values.size().
  static Expected<Tensor> from_floats(std::string name, std::vector<int64_t> shape,
                                      std::span<const float> values);
  // A view over `bytes` bytes at `data`, alive while `owner` is (or, with a
  // null owner, while the caller guarantees it). Read-only.
  static Expected<Tensor> view(std::string name, DType dtype, std::vector<int64_t> shape, const void* data,
                               size_t bytes, std::shared_ptr<const void> owner = nullptr);

  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }
  DType dtype() const { return dtype_; }
  const std::vector<int64_t>& shape() const { return shape_; }
  int64_t elements() const { return elements_; }
  size_t bytes() const { return bytes_; }
  const uint8_t* data() const { return data_; }
  // Writable bytes; precondition: the tensor owns its storage (made by make()).
  uint8_t* mutable_data();
  bool owned() const { return writable_; }

  // Typed access; precondition: dtype() == dtype_of<T>().
  template <typename T>
  std::span<const T> as() const {
    check_type(dtype_of<T>());
    return {reinterpret_cast<const T*>(data_), static_cast<size_t>(elements_)};
  }
  template <typename T>
  std::span<T> as_mutable() {
    check_type(dtype_of<T>());
    return {reinterpret_cast<T*>(mutable_data()), static_cast<size_t>(elements_)};
  }

  // An owned deep copy.
  Tensor clone() const;
  // Same dtype, shape and bytes (names are not compared).
  bool bit_equal(const Tensor& other) const;

 private:
  void check_type(DType want) const;

  std::string name_;
  DType dtype_ = DType::kUnknown;
  std::vector<int64_t> shape_;
  int64_t elements_ = 0;
  size_t bytes_ = 0;
  std::shared_ptr<const void> storage_;
  const uint8_t* data_ = nullptr;
  bool writable_ = false;
};

using ::edgecut::shape_str;  // common/strings.h
// Largest |a - b| over two float32 tensors of equal element count; +inf when
// they differ in dtype or size.
double max_abs_diff(const Tensor& a, const Tensor& b);

}  // namespace edgecut::exec
