#include "exec/tensor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdlib>
#include <limits>

namespace edgecut::exec {

int64_t element_count(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) return -1;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) return -1;
    n *= d;
  }
  return n;
}

namespace {
Expected<size_t> byte_size(const std::string& name, DType dtype, const std::vector<int64_t>& shape) {
  const int es = graph::dtype_size(dtype);
  if (es == 0)
    return error(Code::kUnsupported, "tensor '{}': unsupported dtype {}", name, graph::dtype_name(dtype));
  const int64_t n = element_count(shape);
  if (n < 0 || n > std::numeric_limits<int64_t>::max() / es) {
    return error(Code::kInvalidArgument, "tensor '{}': bad shape {}", name, shape_str(shape));
  }
  return static_cast<size_t>(n * es);
}
}  // namespace

Expected<Tensor> Tensor::make(std::string name, DType dtype, std::vector<int64_t> shape) {
  EDGECUT_ASSIGN_OR_RETURN(size_t bytes, byte_size(name, dtype, shape));
  Tensor t;
  // One allocation, zeroed; make_shared<T[]> needs C++20 library support
  // that GCC 12 has.
  auto buf = std::shared_ptr<uint8_t[]>(new uint8_t[bytes > 0 ? bytes : 1]());
  t.data_ = buf.get();
  t.storage_ = std::move(buf);
  t.writable_ = true;
  t.name_ = std::move(name);
  t.dtype_ = dtype;
  t.elements_ = element_count(shape);
  t.shape_ = std::move(shape);
  t.bytes_ = bytes;
  return t;
}

Expected<Tensor> Tensor::from_floats(std::string name, std::vector<int64_t> shape,
                                     std::span<const float> values) {
  EDGECUT_ASSIGN_OR_RETURN(Tensor t, make(std::move(name), DType::kFloat, std::move(shape)));
  if (static_cast<size_t>(t.elements()) != values.size()) {
    return error(Code::kInvalidArgument, "tensor '{}': shape {} holds {} values, got {}", t.name(),
                 shape_str(t.shape()), t.elements(), values.size());
  }
  if (!values.empty()) std::memcpy(t.mutable_data(), values.data(), values.size_bytes());
  return t;
}

Expected<Tensor> Tensor::view(std::string name, DType dtype, std::vector<int64_t> shape, const void* data,
                              size_t bytes, std::shared_ptr<const void> owner) {
  EDGECUT_ASSIGN_OR_RETURN(size_t want, byte_size(name, dtype, shape));
  if (want != bytes) {
    return error(Code::kInvalidArgument, "tensor '{}': {} {} needs {} bytes, got {}", name,
                 graph::dtype_name(dtype), shape_str(shape), want, bytes);
  }
  Tensor t;
  t.name_ = std::move(name);
  t.dtype_ = dtype;
  t.elements_ = element_count(shape);
  t.shape_ = std::move(shape);
  t.bytes_ = bytes;
  t.storage_ = std::move(owner);
  t.data_ = static_cast<const uint8_t*>(data);
  t.writable_ = false;
  return t;
}

uint8_t* Tensor::mutable_data() {
  if (!writable_) {
    fmt::print(stderr, "edgecut: internal error: tensor '{}' is a read-only view\n", name_);
    std::abort();
  }
  return const_cast<uint8_t*>(data_);
}

void Tensor::check_type(DType want) const {
  if (dtype_ != want) {
    fmt::print(stderr, "edgecut: internal error: tensor '{}' is {}, accessed as {}\n", name_,
               graph::dtype_name(dtype_), graph::dtype_name(want));
    std::abort();
  }
}

Tensor Tensor::clone() const {
  Tensor t = *make(name_, dtype_, shape_);
  if (bytes_ > 0) std::memcpy(t.mutable_data(), data_, bytes_);
  return t;
}

bool Tensor::bit_equal(const Tensor& o) const {
  return dtype_ == o.dtype_ && shape_ == o.shape_ && bytes_ == o.bytes_ &&
         (bytes_ == 0 || std::memcmp(data_, o.data_, bytes_) == 0);
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  if (a.dtype() != DType::kFloat || b.dtype() != DType::kFloat || a.elements() != b.elements()) {
    return std::numeric_limits<double>::infinity();
  }
  auto x = a.as<float>();
  auto y = b.as<float>();
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double d = std::fabs(static_cast<double>(x[i]) - static_cast<double>(y[i]));
    if (std::isnan(d)) return std::numeric_limits<double>::infinity();
    worst = std::max(worst, d);
  }
  return worst;
}

}  // namespace edgecut::exec
