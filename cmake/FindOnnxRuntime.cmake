# FindOnnxRuntime: the ONNX Runtime C/C++ API (headers + libonnxruntime.so).
#
# Looks in ONNXRUNTIME_ROOT (a CMake or environment variable; default
# third_party/onnxruntime, which scripts/setup.sh fills), laid out as an
# official release tarball: include/onnxruntime_cxx_api.h, lib/libonnxruntime.so.
# Defines OnnxRuntime_FOUND and the imported target OnnxRuntime::OnnxRuntime.
# The library's SONAME is libonnxruntime.so.1: that file must exist beside it
# (setup.sh makes the symlink), and binaries find it through their rpath.
if(NOT ONNXRUNTIME_ROOT)
  if(DEFINED ENV{ONNXRUNTIME_ROOT})
    set(ONNXRUNTIME_ROOT $ENV{ONNXRUNTIME_ROOT})
  else()
    set(ONNXRUNTIME_ROOT ${CMAKE_SOURCE_DIR}/third_party/onnxruntime)
  endif()
endif()

find_path(OnnxRuntime_INCLUDE_DIR onnxruntime_cxx_api.h
          PATHS ${ONNXRUNTIME_ROOT}/include ${ONNXRUNTIME_ROOT}/include/onnxruntime NO_DEFAULT_PATH)
find_library(OnnxRuntime_LIBRARY NAMES onnxruntime PATHS ${ONNXRUNTIME_ROOT}/lib NO_DEFAULT_PATH)

set(_ort_soname_ok FALSE)
if(OnnxRuntime_LIBRARY)
  get_filename_component(_ort_libdir ${OnnxRuntime_LIBRARY} DIRECTORY)
  if(EXISTS ${_ort_libdir}/libonnxruntime.so.1)
    set(_ort_soname_ok TRUE)
  else()
    message(WARNING "ONNX Runtime: ${_ort_libdir}/libonnxruntime.so.1 is missing (the library's SONAME); "
                    "binaries would not start. Run scripts/setup.sh or create the symlink.")
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OnnxRuntime REQUIRED_VARS OnnxRuntime_LIBRARY OnnxRuntime_INCLUDE_DIR
                                  _ort_soname_ok)

if(OnnxRuntime_FOUND AND NOT TARGET OnnxRuntime::OnnxRuntime)
  add_library(OnnxRuntime::OnnxRuntime SHARED IMPORTED)
  set_target_properties(OnnxRuntime::OnnxRuntime PROPERTIES
    IMPORTED_LOCATION ${OnnxRuntime_LIBRARY}
    IMPORTED_SONAME libonnxruntime.so.1
    INTERFACE_INCLUDE_DIRECTORIES ${OnnxRuntime_INCLUDE_DIR})
  # SYSTEM: ORT's headers are not built with our -Werror flags.
  set_target_properties(OnnxRuntime::OnnxRuntime PROPERTIES
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES ${OnnxRuntime_INCLUDE_DIR})
endif()
mark_as_advanced(OnnxRuntime_INCLUDE_DIR OnnxRuntime_LIBRARY)
