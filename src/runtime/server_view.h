// ServerView: what a KServe v2 server can give the edge, found out at start
// from the protocol alone, so the edge works against any v2 server (Triton,
// KServe, OpenVINO Model Server, `edgecut serve` with or without a
// repository), not only one that builds tails on request:
//   ServerMetadata   extensions: "model_repository" (RepositoryIndex and
//                    RepositoryModelLoad exist), "edgecut_tails" (the server
//                    builds tails from edge sets, reports its compute / queue
//                    times and answers the edgecut probe model);
//   RepositoryIndex  the models it holds and their states;
//   ModelReady       per tail, where no index is kept;
//   ModelMetadata    the whole model's tensors, checked against the model here.
// A tail is then ready (use it), loadable (RepositoryModelLoad without
// parameters: the server holds it), buildable (edgecut's load with the edge
// set) or unavailable, and the plans whose tails are unavailable are dropped
// with a reason (edge-only is always kept).
//
// Discovery is O(#tails) calls at start; lookups afterwards are O(log n).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"
#include "net/client.h"
#include "runtime/controller.h"

namespace edgecut::runtime {

enum class TailSource { kReady, kLoad, kBuild, kNone };

struct ServerView {
  std::string server;       // "name version" from ServerMetadata
  bool builds = false;      // "edgecut_tails": tails built on request, timing parameters, probes
  bool repository = false;  // "model_repository"
  std::map<std::string, std::string> index;  // RepositoryIndex: name -> state
  std::set<std::string> ready;               // models ModelReady said are ready

  TailSource source(const std::string& name) const;
  // "" when the server can give `c`'s tail (named as the edge names it);
  // else why not. Encoded inputs need edgecut's decoding on the server.
  std::string unavailable(const std::string& model_name, const Candidate& c) const;
};

// Asks `client` what it serves for `model_name` (a model of graph `g`), and
// whether each of `tails` is ready. Fails naming the problem when the server
// lacks the whole model or its tensors disagree with `g` (names, datatypes,
// shapes), since then no plan but edge-only could run.
Expected<ServerView> discover(net::Client& client, const graph::Graph& g, const std::string& model_name,
                              const std::vector<std::string>& tails, net::Millis deadline);

// The tail `name`'s tensors on the server equal `inputs` (the crossing
// tensors the plan sends); fails naming the tail and the tensor.
Status check_tail_inputs(net::Client& client, const std::string& name, const graph::Graph& g,
                         const std::vector<graph::ValueId>& inputs, net::Millis deadline);

}  // namespace edgecut::runtime
