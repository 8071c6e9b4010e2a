#include "common/hash.h"

#include <fmt/format.h>

namespace edgecut {

std::string Fnv1a::hex() const { return fmt::format("{:016x}", h_); }

}  // namespace edgecut
