// Where the tests find the built binary, the source tree and the fixtures.
// Defined in a file CMake generates (tests/CMakeLists.txt: test_paths.cpp),
// the one translation unit that holds absolute paths: compiler flags or
// headers holding them would make every test file's ccache entry specific to
// one checkout, and a fresh clone would compile the suite from scratch.
#pragma once

namespace edgecut::testing {

const char* edgecut_bin();   // the edgecut binary under test
const char* source_dir();    // the repository's root
const char* fixtures_dir();  // the torchvision exports (ctest fixture export_torchvision)

}  // namespace edgecut::testing
