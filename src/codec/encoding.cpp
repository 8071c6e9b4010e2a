#include "codec/encoding.h"

#include <algorithm>
#include <charconv>

#include "common/strings.h"

namespace edgecut::codec {

namespace {
constexpr std::array<std::pair<Base, const char*>, 5> kBases = {{
    {Base::kFp32, "fp32"},
    {Base::kFp16, "fp16"},
    {Base::kInt8, "int8"},
    {Base::kUint8, "uint8"},
    {Base::kJpeg, "jpeg"},
}};
constexpr std::array<std::pair<Pack, const char*>, 2> kPacks = {{{Pack::kZstd, "zstd"}, {Pack::kLz4, "lz4"}}};
}  // namespace

std::string Encoding::name() const {
  std::string s;
  for (auto [b, n] : kBases) {
    if (b == base) s = n;
  }
  if (base == Base::kJpeg) s += std::to_string(quality);
  for (auto [p, n] : kPacks) {
    if (p == pack) s += std::string("+") + n;
  }
  return s;
}

int Encoding::base_bytes() const {
  switch (base) {
    case Base::kFp32:
      return 4;
    case Base::kFp16:
      return 2;
    case Base::kInt8:
    case Base::kUint8:
      return 1;
    case Base::kJpeg:
      return 0;
  }
  return 0;
}

Expected<Encoding> parse_encoding(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return error(
        Code::kInvalidArgument,
        "encoding '{}': {} (want fp32, fp16, int8 or uint8, optionally +zstd or +lz4, or jpegQ with Q in "
        "1..100)",
        text, why);
  };
  Encoding e;
  std::string_view base = text.substr(0, text.find('+'));
  std::string_view pack = base.size() < text.size() ? text.substr(base.size() + 1) : std::string_view{};
  bool found = false;
  for (auto [b, n] : kBases) {
    if (base == n && b != Base::kJpeg) {
      e.base = b;
      found = true;
    }
  }
  if (!found && base.starts_with("jpeg")) {
    std::string_view q = base.substr(4);
    auto [ptr, ec] = std::from_chars(q.data(), q.data() + q.size(), e.quality);
    if (q.empty() || ec != std::errc() || ptr != q.data() + q.size() || e.quality < 1 || e.quality > 100) {
      return bad("jpeg needs a quality 1..100, e.g. jpeg90");
    }
    e.base = Base::kJpeg;
    found = true;
  }
  if (!found) return bad("unknown base");
  if (base.size() < text.size()) {
    found = false;
    for (auto [p, n] : kPacks) {
      if (pack == n) {
        e.pack = p;
        found = true;
      }
    }
    if (!found) return bad("unknown lossless coder");
    if (e.base == Base::kJpeg) return bad("a JPEG is already compressed");
  }
  return e;
}

Expected<std::vector<Encoding>> parse_encoding_list(std::string_view list,
                                                    const std::vector<int>& jpeg_qualities) {
  std::vector<Encoding> bases{Encoding{}};
  std::vector<Pack> packs{Pack::kNone};
  for (const std::string& item : split_list(std::string(list))) {
    if (item == "zstd") {
      packs.push_back(Pack::kZstd);
    } else if (item == "lz4") {
      packs.push_back(Pack::kLz4);
    } else if (item == "jpeg") {
      for (int q : jpeg_qualities) bases.push_back({Base::kJpeg, Pack::kNone, q});
    } else {
      EDGECUT_ASSIGN_OR_RETURN(Encoding e, parse_encoding(item));
      bases.push_back(e);
    }
  }
  std::vector<Encoding> out;
  auto add = [&out](Encoding e) {
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  };
  for (const Encoding& b : bases) {
    add(b);
    if (b.pack != Pack::kNone || b.base == Base::kJpeg) continue;
    for (Pack p : packs) add({b.base, p, 0});
  }
  return out;
}

Expected<ImageShape> image_shape(const std::vector<int64_t>& s, const std::string& tensor) {
  ImageShape g;
  if (s.size() == 4 && s[0] == 1 && s[1] == 3) {
    g = {true, s[2], s[3]};
  } else if (s.size() == 4 && s[0] == 1 && s[3] == 3) {
    g = {false, s[1], s[2]};
  } else {
    return error(Code::kInvalidArgument, "tensor '{}' of shape {} is not an image ([1,3,H,W] or [1,H,W,3])",
                 tensor, shape_str(s));
  }
  constexpr int64_t kMaxSide = 1 << 14;
  if (g.height <= 0 || g.width <= 0 || g.height > kMaxSide || g.width > kMaxSide) {
    return error(Code::kInvalidArgument, "tensor '{}': image size {}x{} out of range", tensor, g.height,
                 g.width);
  }
  return g;
}

}  // namespace edgecut::codec
