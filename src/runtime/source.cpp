// make_source: the source spec a user writes, and the --frames limit.
#include "runtime/source.h"

#include <charconv>

namespace edgecut::runtime {

namespace {

// Ends any source after max_frames frames.
class LimitedSource final : public FrameSource {
 public:
  LimitedSource(std::unique_ptr<FrameSource> inner, int64_t max_frames)
      : inner_(std::move(inner)), left_(max_frames) {}

  Expected<std::optional<Frame>> next() override {
    if (left_ <= 0) return std::optional<Frame>();
    EDGECUT_ASSIGN_OR_RETURN(std::optional<Frame> f, inner_->next());
    if (f) --left_;
    return f;
  }
  const std::string& name() const override { return inner_->name(); }
  double fps() const override { return inner_->fps(); }
  bool live() const override { return inner_->live(); }
  int64_t skipped() const override { return inner_->skipped(); }

 private:
  std::unique_ptr<FrameSource> inner_;
  int64_t left_;
};

Expected<int> parse_camera_index(const std::string& spec, std::string_view digits) {
  int index = -1;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || index < 0) {
    return error(Code::kInvalidArgument, "bad source '{}': a camera is written camera:N with N >= 0", spec);
  }
  return index;
}

Expected<std::unique_ptr<FrameSource>> open_spec(const std::string& spec, const SourceOptions& options) {
  constexpr std::string_view kCamera = "camera:";
  if (spec == "synthetic") return make_synthetic();
  if (spec.starts_with(kCamera)) {
    EDGECUT_ASSIGN_OR_RETURN(int index,
                             parse_camera_index(spec, std::string_view(spec).substr(kCamera.size())));
    return open_camera(index);
  }
  return open_video_file(spec, options.loop);
}

}  // namespace

Expected<std::unique_ptr<FrameSource>> make_source(const std::string& spec, const SourceOptions& options) {
  if (spec.empty()) {
    return error(Code::kInvalidArgument, "empty source: want a video file, camera:N or synthetic");
  }
  if (options.max_frames < 0) {
    return error(Code::kInvalidArgument, "--frames {} is negative", options.max_frames);
  }
  EDGECUT_ASSIGN_OR_RETURN(std::unique_ptr<FrameSource> src, open_spec(spec, options));
  if (options.max_frames == 0) return src;
  return std::unique_ptr<FrameSource>(std::make_unique<LimitedSource>(std::move(src), options.max_frames));
}

}  // namespace edgecut::runtime
