// Protobuf logs every string field of invalid UTF-8 it parses; a fuzzer feeds
// it thousands a second, and the log would be most of the run's time and
// output. The targets that parse protobuf silence it once at start.
#pragma once

#include <google/protobuf/stubs/logging.h>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}
