#include "cli/model_arg.h"

#include <charconv>

#include "zoo/zoo.h"

namespace edgecut::cli {

Expected<graph::Model> load_model_arg(const std::string& spec) {
  if (spec.rfind("zoo:", 0) != 0) return graph::load_model(spec);
  std::string name = spec.substr(4);
  zoo::Options opts;
  if (auto slash = name.find('/'); slash != std::string::npos) {
    std::string div = name.substr(slash + 1);
    name = name.substr(0, slash);
    auto [ptr, ec] = std::from_chars(div.data(), div.data() + div.size(), opts.width_divisor);
    if (ec != std::errc() || ptr != div.data() + div.size()) {
      return error(Code::kInvalidArgument, "{}: width divisor '{}' must be an integer", spec, div);
    }
  }
  if (auto at = name.find('@'); at != std::string::npos) {
    std::string size = name.substr(at + 1);
    name = name.substr(0, at);
    auto [ptr, ec] = std::from_chars(size.data(), size.data() + size.size(), opts.image_size);
    if (ec != std::errc() || ptr != size.data() + size.size() || opts.image_size < 16 ||
        opts.image_size > 4096) {
      return error(Code::kInvalidArgument, "{}: image size '{}' must be an integer in [16, 4096]", spec,
                   size);
    }
  }
  EDGECUT_ASSIGN_OR_RETURN(auto proto, zoo::build(name, opts));
  return graph::import_model(std::move(proto), spec);
}

}  // namespace edgecut::cli
