// 64-bit FNV-1a: the one non-cryptographic digest of the project (model
// structure hashes, tail names, output digests, cache keys). Chosen for being
// byte-order-defined, tiny and stable across builds and hosts; nothing here
// needs collision resistance against an adversary. O(bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace edgecut {

class Fnv1a {
 public:
  Fnv1a() = default;
  // A seeded variant (offset basis ^ seed), for families of hashes.
  explicit Fnv1a(uint64_t seed) : h_(kBasis ^ seed) {}
  Fnv1a& update(const void* data, size_t len) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < len; ++i) {
      h_ ^= p[i];
      h_ *= kPrime;
    }
    return *this;
  }
  Fnv1a& update(std::string_view s) { return update(s.data(), s.size()); }
  // The value's bytes as they lie in memory (the project assumes little-endian
  // hosts; zoo/onnx_builder.cpp asserts it).
  template <typename T>
  Fnv1a& update_pod(const T& v) {
    return update(&v, sizeof v);
  }
  uint64_t value() const { return h_; }
  // 16 lower-case hex digits.
  std::string hex() const;

 private:
  static constexpr uint64_t kBasis = 14695981039346656037ull;
  static constexpr uint64_t kPrime = 1099511628211ull;
  uint64_t h_ = kBasis;
};

}  // namespace edgecut
