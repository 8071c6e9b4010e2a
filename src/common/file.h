// Reading a whole small file (plans, profiles, calibrations, PEM keys) with
// its size checked before anything is allocated: every file edgecut reads
// comes from a user, and a multi-gigabyte or endless one (/dev/zero) must be
// an error, not an allocation. O(size).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace edgecut {

// The contents of `path`. Fails naming `what` and the path: kNotFound (no
// such file), kInvalidArgument (not a regular file, or over max_bytes), kIo
// (stat / read).
Expected<std::string> read_bounded_file(const std::string& path, const std::string& what, int64_t max_bytes);

}  // namespace edgecut
