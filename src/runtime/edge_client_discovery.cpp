// EdgeClient against any KServe v2 server (runtime/server_view.h): what the
// server gives decides which plans run, how tails are obtained, and whether
// the link may be probed.
#include <fmt/format.h>

#include "net/tail_name.h"
#include "runtime/edge_client.h"

namespace edgecut::runtime {

using net::Millis;

Status EdgeClient::discover() {
  // Fixed plans are known now: ask for their tails by name where the server
  // keeps no index. Others are looked up in the index as they come.
  std::vector<std::string> tails;
  for (const auto& edge : options_.control.fixed_plans) {
    if (!edge.empty()) tails.push_back(net::tail_model_name(options_.model_name, edge));
  }
  EDGECUT_ASSIGN_OR_RETURN(
      ServerView v, runtime::discover(*client_, model_.graph, options_.model_name, tails, Millis(10000)));
  auto view = std::make_shared<const ServerView>(std::move(v));
  if (session_) {
    // Under the session's lock: the controller reads the slot while it builds.
    session_->with_controller([&](Controller&) {
      *view_ = view;
      return 0;
    });
    apply_view();
  } else {
    *view_ = view;
  }
  return Status::ok();
}

void EdgeClient::apply_view() {
  const std::shared_ptr<const ServerView> view = *view_;
  if (!view) return;
  session_->set_view(view);
  if (!view->builds) link_->set_stock_server();
}

void EdgeClient::collect_notes() {
  session_->with_controller([&](Controller& c) {
    for (const std::string& d : c.dropped()) notes_.push_back("plan dropped: " + d);
    return 0;
  });
  const std::shared_ptr<const ServerView> view = *view_;
  if (view && !cloud_timed_) {
    // Keyed on what the replies carried, not on the server's name for itself.
    notes_.push_back(fmt::format(
        "server {} reports no edgecut timing parameters: the cloud keeps its profiled times, bandwidth "
        "samples subtract the predicted cloud time{}",
        view->server,
        view->builds ? ""
                     : "; probes while the plan is edge-only time the server's refusal of the probe model"));
  }
}

}  // namespace edgecut::runtime
