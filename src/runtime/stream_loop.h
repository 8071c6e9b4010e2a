// run --mode stream: a pipelined frame loop (issue 11).
//
// Stages: edge compute (this thread: source, preprocess, plan lookup, head),
// then the cloud call (uplink, the server's tail, result download) on
// `in_flight` sender threads, so while frame i computes in the cloud frame i+1
// is on the wire and the edge runs the head of frame i+2. A collector thread
// writes frames out strictly in order. Memory stays flat: at most `window` =
// queue + in_flight + 1 frames are between start and output; the edge waits
// for room (a file source) or drops the frame and counts it (a live source
// whose frame could not start within one period of its due time).
//
// The server runs the concurrent calls of one client on its gRPC threads and
// at most `serve --workers` tails at once (default 1: the cloud stage is one
// engine); the client restores frame order.
//
// Faults: a call that fails (server killed, deadline) hands its frame back to
// the edge thread, which finishes it with the whole model before starting new
// frames; the collector still emits in order, so no frame is lost. Once the
// cloud is marked down, new frames run on the edge until it answers again.
//
// Measurement per frame (JSON line): head / up / compute times, cumulative busy
// time of each stage, queue lengths (send queue, calls in flight, frames
// waiting for order). Summary: frames/s, the bound frames / max(stage busy)
// from measured stage times (uplink busy = union of the frames' upload
// intervals, cloud busy = sum of reported tail compute), and their ratio.
#pragma once

#include <ostream>

#include "runtime/run_loop.h"

namespace edgecut::runtime {

struct StreamOptions {
  int in_flight = 2;  // cloud calls at once (sender threads)
  int queue = 2;      // frames waiting for a sender
};

Expected<RunSummary> run_stream(FrameSource& source, EdgeClient& client, const graph::Graph& g,
                                const RunOptions& options, const StreamOptions& stream, std::ostream& out);

}  // namespace edgecut::runtime
