#include "cli/costs_arg.h"

#include <fmt/format.h>

#include "profile/profile.h"

namespace edgecut::cli {

void add_cost_options(CLI::App* sub, CostArgs* args) {
  sub->add_option("--edge-profile", args->edge_profile, "Profile of the edge device (edgecut profile)");
  sub->add_option("--cloud-profile", args->cloud_profile, "Profile of the cloud server (edgecut profile)");
  sub->add_option("--edge-gflops", args->edge_gflops,
                  "Edge speed for estimated times when no profile is given")
      ->capture_default_str();
  sub->add_option("--cloud-gflops", args->cloud_gflops,
                  "Cloud speed for estimated times when no profile is given")
      ->capture_default_str();
  sub->add_option("--overhead-us", args->overhead_us, "Per-node overhead for estimated times")
      ->capture_default_str();
}

Expected<NodeCosts> load_costs(const CostArgs& args, const graph::Graph& g) {
  NodeCosts c;
  std::vector<std::string> parts;
  auto side = [&](const std::string& path, double gflops, const char* name, profile::Side which,
                  std::vector<double>* out, std::string* engine) -> Status {
    if (!path.empty()) {
      EDGECUT_ASSIGN_OR_RETURN(profile::Profile p, profile::load_for(path, g));
      *out = profile::side_ms(p, g, which);
      *engine = p.engine;
      parts.push_back(fmt::format("{} {} ({}, {})", name, path, p.device, p.method));
    } else {
      EDGECUT_ASSIGN_OR_RETURN(profile::Profile p, profile::estimate(g, name, gflops, args.overhead_us));
      *out = std::move(p.node_ms);
      parts.push_back(fmt::format("{} estimated at {} GFLOP/s", name, gflops));
    }
    return Status::ok();
  };
  EDGECUT_RETURN_IF_ERROR(
      side(args.edge_profile, args.edge_gflops, "edge", profile::Side::kEdge, &c.edge_ms, &c.edge_engine));
  EDGECUT_RETURN_IF_ERROR(side(args.cloud_profile, args.cloud_gflops, "cloud", profile::Side::kCloud,
                               &c.cloud_ms, &c.cloud_engine));
  c.source = fmt::format("{}", fmt::join(parts, "; "));
  return c;
}

}  // namespace edgecut::cli
