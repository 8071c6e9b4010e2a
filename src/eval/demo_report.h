// Summaries of the demo's frame log (eval/demo_report.cpp), for run_demo.
#pragma once

#include <vector>

#include "eval/demo.h"
#include "runtime/frame_log.h"

namespace edgecut::eval {

// The frames logged in [from, to) (unix seconds) at `mbps`: counts, estimate,
// latency against prediction, the steady plan, the kinds of plan compared.
PhaseReport summarise_phase(const std::vector<runtime::FrameLog>& log, double from, double to, double mbps);

}  // namespace edgecut::eval
