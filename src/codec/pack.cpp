// The lossless coders: zstd (level 1: fast; activations after a ReLU are
// mostly zeros, which even the fastest level removes) and lz4.
#include <lz4.h>
#include <zstd.h>

#include "codec/codec.h"

namespace edgecut::codec {

std::string compress(Pack p, const uint8_t* data, size_t n) {
  std::string out;
  if (p == Pack::kZstd) {
    out.resize(ZSTD_compressBound(n));
    const size_t got = ZSTD_compress(out.data(), out.size(), data, n, 1);
    out.resize(ZSTD_isError(got) ? 0 : got);  // cannot fail with a bound-sized buffer
  } else if (p == Pack::kLz4) {
    out.resize(static_cast<size_t>(LZ4_compressBound(static_cast<int>(n))));
    const int got = LZ4_compress_default(reinterpret_cast<const char*>(data), out.data(), static_cast<int>(n),
                                         static_cast<int>(out.size()));
    out.resize(got > 0 ? static_cast<size_t>(got) : 0);
  } else {
    out.assign(reinterpret_cast<const char*>(data), n);
  }
  return out;
}

Status decompress(Pack p, const void* data, size_t size, uint8_t* out, size_t raw_bytes,
                  const std::string& tensor) {
  const char* name = p == Pack::kZstd ? "zstd" : "lz4";
  const size_t bound = p == Pack::kZstd ? ZSTD_compressBound(raw_bytes)
                                        : static_cast<size_t>(LZ4_compressBound(static_cast<int>(raw_bytes)));
  if (raw_bytes > static_cast<size_t>(LZ4_MAX_INPUT_SIZE) && p == Pack::kLz4) {
    return error(Code::kInvalidArgument, "tensor '{}': {} bytes are over lz4's limit", tensor, raw_bytes);
  }
  if (size == 0 || size > bound) {
    return error(Code::kInvalidArgument,
                 "tensor '{}': {} payload of {} bytes cannot hold {} bytes (bound {})", tensor, name, size,
                 raw_bytes, bound);
  }
  if (p == Pack::kZstd) {
    const unsigned long long declared = ZSTD_getFrameContentSize(data, size);
    if (declared != raw_bytes) {
      return error(Code::kInvalidArgument, "tensor '{}': zstd frame declares {} bytes, the shape needs {}",
                   tensor,
                   declared == ZSTD_CONTENTSIZE_ERROR     ? std::string("an invalid size")
                   : declared == ZSTD_CONTENTSIZE_UNKNOWN ? std::string("no size")
                                                          : std::to_string(declared),
                   raw_bytes);
    }
    const size_t got = ZSTD_decompress(out, raw_bytes, data, size);
    if (ZSTD_isError(got) || got != raw_bytes) {
      return error(Code::kInvalidArgument, "tensor '{}': zstd payload is corrupt ({})", tensor,
                   ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short");
    }
    return Status::ok();
  }
  const int got = LZ4_decompress_safe(static_cast<const char*>(data), reinterpret_cast<char*>(out),
                                      static_cast<int>(size), static_cast<int>(raw_bytes));
  if (got < 0 || static_cast<size_t>(got) != raw_bytes) {
    return error(Code::kInvalidArgument, "tensor '{}': lz4 payload is corrupt or decodes to {} bytes, not {}",
                 tensor, got, raw_bytes);
  }
  return Status::ok();
}

}  // namespace edgecut::codec
