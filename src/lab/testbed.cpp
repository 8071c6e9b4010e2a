#include "lab/testbed.h"

#include <unistd.h>

#include <utility>

#include "common/subprocess.h"
#include "lab/netns.h"
#include "lab/tbf.h"

namespace edgecut {
namespace {

constexpr const char* kCloudAddress = "10.77.0.1";
constexpr const char* kEdgeAddress = "10.77.0.2";
constexpr const char* kPrefix = "/30";

Status run(const std::vector<std::string>& argv) { return run_capture(argv).status(); }

Status probe() {
  if (::geteuid() != 0) {
    return error(Code::kFailedPrecondition, "the testbed needs root (network namespaces, tc); euid is {}",
                 ::geteuid());
  }
  for (const char* tool : {"ip", "tc"}) {
    auto v = run_capture({tool, "-V"});
    if (!v) return Status(Code::kFailedPrecondition, "the testbed needs iproute2: " + v.status().message());
  }
  std::string name = make_netns_name("probe");
  Status added = add_netns(name);
  if (!added.is_ok()) {
    return Status(Code::kFailedPrecondition, "network namespaces are not permitted here: " + added.message());
  }
  return remove_netns(name);
}

}  // namespace

const char* side_name(Side side) { return side == Side::kEdge ? "edge" : "cloud"; }

Status Testbed::available() {
  static const Status status = probe();
  return status;
}

Expected<int> Testbed::cleanup_stale() { return remove_stale_netns(); }

Expected<Testbed> Testbed::create(const TestbedOptions& options) {
  if (options.install_signal_handlers) install_netns_cleanup_handlers();
  Testbed tb;
  tb.max_queue_s_ = options.max_queue_s;
  // On failure `tb` goes out of scope here and removes what was made.
  EDGECUT_RETURN_IF_ERROR(tb.build(options).with_context("creating the testbed"));
  return tb;
}

Status Testbed::add_namespace(const std::string& name, int* slot) {
  EDGECUT_RETURN_IF_ERROR(add_netns(name));
  *slot = register_netns(name);
  return Status::ok();
}

Status Testbed::build(const TestbedOptions& options) {
  // Validate the rates before making anything.
  EDGECUT_RETURN_IF_ERROR(tbf_params(options.uplink_bps, options.max_queue_s).status());
  EDGECUT_RETURN_IF_ERROR(tbf_params(options.downlink_bps, options.max_queue_s).status());
  edge_ns_ = make_netns_name("edge");
  EDGECUT_RETURN_IF_ERROR(add_namespace(edge_ns_, &edge_slot_));
  cloud_ns_ = make_netns_name("cloud");
  EDGECUT_RETURN_IF_ERROR(add_namespace(cloud_ns_, &cloud_slot_));
  EDGECUT_RETURN_IF_ERROR(run({"ip", "link", "add", device(Side::kEdge), "netns", edge_ns_, "type", "veth",
                               "peer", "name", device(Side::kCloud), "netns", cloud_ns_}));
  for (Side side : {Side::kEdge, Side::kCloud}) {
    const std::string& ns = netns(side);
    EDGECUT_RETURN_IF_ERROR(
        run({"ip", "-n", ns, "addr", "add", address(side) + kPrefix, "dev", device(side)}));
    EDGECUT_RETURN_IF_ERROR(run({"ip", "-n", ns, "link", "set", "lo", "up"}));
    EDGECUT_RETURN_IF_ERROR(run({"ip", "-n", ns, "link", "set", device(side), "up"}));
  }
  return set_rate(options.uplink_bps, options.downlink_bps);
}

Testbed::Testbed(Testbed&& other) noexcept
    : edge_ns_(std::exchange(other.edge_ns_, {})),
      cloud_ns_(std::exchange(other.cloud_ns_, {})),
      edge_slot_(std::exchange(other.edge_slot_, -1)),
      cloud_slot_(std::exchange(other.cloud_slot_, -1)),
      uplink_bps_(other.uplink_bps_),
      downlink_bps_(other.downlink_bps_),
      max_queue_s_(other.max_queue_s_),
      handle_(other.handle_),
      mtu_packets_(other.mtu_packets_) {}

Testbed& Testbed::operator=(Testbed&& other) noexcept {
  if (this != &other) {
    (void)destroy();
    edge_ns_ = std::exchange(other.edge_ns_, {});
    cloud_ns_ = std::exchange(other.cloud_ns_, {});
    edge_slot_ = std::exchange(other.edge_slot_, -1);
    cloud_slot_ = std::exchange(other.cloud_slot_, -1);
    uplink_bps_ = other.uplink_bps_;
    downlink_bps_ = other.downlink_bps_;
    max_queue_s_ = other.max_queue_s_;
    handle_ = other.handle_;
    mtu_packets_ = other.mtu_packets_;
  }
  return *this;
}

Testbed::~Testbed() { (void)destroy(); }

Status Testbed::destroy() {
  Status first;
  for (auto [name, slot] : {std::pair{&edge_ns_, &edge_slot_}, std::pair{&cloud_ns_, &cloud_slot_}}) {
    if (name->empty()) continue;
    Status st = remove_netns(*name);
    // kNotFound: never made (create failed early) or a signal handler got it.
    if (!st.is_ok() && st.code() != Code::kNotFound && first.is_ok()) first = st;
    unregister_netns(*slot);
    *slot = -1;
    name->clear();
  }
  return first;
}

Status Testbed::set_rate(double uplink_bps, double downlink_bps) {
  if (edge_ns_.empty()) return error(Code::kFailedPrecondition, "set_rate on a destroyed testbed");
  EDGECUT_ASSIGN_OR_RETURN(TbfParams up, tbf_params(uplink_bps, max_queue_s_));
  EDGECUT_ASSIGN_OR_RETURN(TbfParams down, tbf_params(downlink_bps, max_queue_s_));
  // A side whose rate stays is left alone: tbf refills its bucket on every
  // change (lab/trace_replay.h), which a trace's one-sided steps must not do.
  if (uplink_bps != uplink_bps_) EDGECUT_RETURN_IF_ERROR(shape(Side::kEdge, up));
  uplink_bps_ = uplink_bps;  // kept true to the kernel even if the second change fails
  if (downlink_bps != downlink_bps_) EDGECUT_RETURN_IF_ERROR(shape(Side::kCloud, down));
  downlink_bps_ = downlink_bps;
  return Status::ok();
}

Status Testbed::use_mtu_packets() {
  for (Side side : {Side::kEdge, Side::kCloud}) {
    EDGECUT_RETURN_IF_ERROR(
        run({"ip", "-n", netns(side), "link", "set", "dev", device(side), "gso_max_segs", "1"}));
  }
  mtu_packets_ = true;
  return Status::ok();
}

Status Testbed::shape(Side side, const TbfParams& p) {
  // A smaller burst than the queued packets may need: a new qdisc under the
  // other handle, swapped in at once (TestbedTest.ARateCutUnderLoadDoesNotWedgeTheLink).
  // The burst follows from the rate still recorded for this side; before the
  // first shaping that rate is 0, which tbf_params refuses: nothing to swap.
  const int i = static_cast<int>(side);
  const auto old = tbf_params(side == Side::kEdge ? uplink_bps_ : downlink_bps_, max_queue_s_);
  const int handle = !mtu_packets_ && old && p.burst_bytes < old->burst_bytes ? 3 - handle_[i] : handle_[i];
  EDGECUT_RETURN_IF_ERROR(run(tbf_replace_argv(netns(side), device(side), p, handle)));
  handle_[i] = handle;
  return Status::ok();
}

std::vector<std::string> Testbed::exec_prefix(Side side) const {
  return {"ip", "netns", "exec", netns(side)};
}

std::string Testbed::address(Side side) const { return side == Side::kEdge ? kEdgeAddress : kCloudAddress; }

std::string Testbed::device(Side side) { return side == Side::kEdge ? "veth-edge" : "veth-cloud"; }

Expected<std::string> Testbed::shaper_stats(Side side) const {
  return run_capture({"tc", "-s", "-n", netns(side), "qdisc", "show", "dev", device(side)});
}

Expected<uint64_t> Testbed::shaper_drops(Side side) const {
  EDGECUT_ASSIGN_OR_RETURN(std::string stats, shaper_stats(side));
  return parse_qdisc_dropped(stats);
}

}  // namespace edgecut
