// EdgeClient against any KServe v2 server (runtime/server_view.h): what the
// server gives decides which plans run, how tails are obtained, and whether
// transfer samples can subtract a reported server time.
#include <fmt/format.h>

#include "net/tail_name.h"
#include "runtime/edge_client.h"

namespace edgecut::runtime {

using net::Millis;

Expected<std::shared_ptr<const ServerView>> EdgeClient::discover_server(net::Client& client,
                                                                        const graph::Model& model,
                                                                        const EdgeOptions& options,
                                                                        ControllerOptions* control) {
  const std::string name = options.model_name.empty() ? model.graph.name : options.model_name;
  // Fixed plans are known now: ask for their tails by name where the server
  // keeps no index. Others are looked up in the index as they come.
  std::vector<std::string> tails;
  for (const auto& edge : control->fixed_plans) {
    if (!edge.empty()) tails.push_back(net::tail_model_name(name, edge));
  }
  EDGECUT_ASSIGN_OR_RETURN(ServerView v, discover(client, model.graph, name, tails, Millis(10000)));
  auto view = std::make_shared<const ServerView>(std::move(v));
  control->unavailable = [view, name](const Candidate& c) { return view->unavailable(name, c); };
  return view;
}

Status EdgeClient::load_held_tail(const Prepared& p, bool* done) {
  // A server that builds tails gets the edge set every time, as before: its
  // load is idempotent and survives eviction and restarts, which a snapshot
  // of its index taken at start does not see.
  const TailSource src = view_->builds ? TailSource::kBuild : view_->source(p.tail_name);
  *done = src == TailSource::kReady || src == TailSource::kLoad;
  if (!*done) return Status::ok();
  if (src == TailSource::kLoad) EDGECUT_RETURN_IF_ERROR(client_->load(p.tail_name, {}, Millis(60000)));
  // Held by the server, not built for this plan here: its tensors must be the plan's.
  return check_tail_inputs(*client_, p.tail_name, model_.graph, p.crossing, Millis(10000));
}

double EdgeClient::server_ms(const net::InferReply& r, const FrameLog& log) const {
  // edgecut's server reports its times; a stock server none, so the sample
  // takes the predicted (corrected) cloud time instead.
  if (view_->builds || r.compute_ms > 0 || r.queue_ms > 0) return r.compute_ms + r.queue_ms + r.decode_ms;
  return log.pred.cloud_ms;
}

void EdgeClient::collect_notes() {
  for (const std::string& d : controller_.dropped()) notes_.push_back("plan dropped: " + d);
  if (!view_->builds) {
    notes_.push_back(
        fmt::format("server {} reports no edgecut timing parameters: bandwidth samples subtract the "
                    "predicted cloud time, "
                    "and no probes are sent while the plan is edge-only",
                    view_->server));
  }
}

}  // namespace edgecut::runtime
