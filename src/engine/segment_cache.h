// SegmentCache<Segment>: the prepared segments of one executor, by content.
//
// Models what every engine's prepare() does around its own build: the sorted,
// deduplicated node list is the key, so preparing the same set twice returns
// the same SegmentId; ids are dense and stay valid (and their segments at the
// same address) for the cache's life; nothing is evicted.
//
// Concurrency: one mutex guards the map and the list only, and is never held
// while a segment is built, so that preparing a big segment never stalls runs
// of segments prepared before. Two threads that build the same set at once
// both build it; the loser's copy is dropped (same content, same id).
//
// Cost: prepare() is O(k log k) for k nodes plus, on a miss, the build;
// get() is O(1).
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "exec/executor.h"
#include "graph/graph.h"
#include "graph/segment.h"

namespace edgecut::engine {

template <class Segment>
class SegmentCache {
 public:
  using Build = std::function<Expected<std::unique_ptr<Segment>>(const std::vector<graph::NodeId>& sorted)>;

  // Fails (kInvalidArgument) on an out-of-range id or an empty set, or with
  // the build's status.
  Expected<exec::SegmentId> prepare(const graph::Graph& g, const std::vector<graph::NodeId>& nodes,
                                    const Build& build) {
    EDGECUT_RETURN_IF_ERROR(graph::check_node_ids(g, nodes));
    std::vector<graph::NodeId> key = nodes;
    std::sort(key.begin(), key.end());
    key.erase(std::unique(key.begin(), key.end()), key.end());
    if (key.empty()) return error(Code::kInvalidArgument, "{}: empty segment", g.name);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = ids_.find(key); it != ids_.end()) return it->second;
    }
    EDGECUT_ASSIGN_OR_RETURN(std::unique_ptr<Segment> seg, build(key));
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = ids_.find(key); it != ids_.end()) return it->second;  // lost a race: same content
    const auto id = static_cast<exec::SegmentId>(segments_.size());
    segments_.push_back(std::move(seg));
    ids_.emplace(std::move(key), id);
    return id;
  }

  // The segment's graph::SegmentInfo (Segment::info); an empty one for an id
  // this cache did not hand out (a violated precondition must not crash).
  const graph::SegmentInfo& info(exec::SegmentId id) const {
    static const graph::SegmentInfo kEmpty;
    const Segment* s = get(id);
    return s == nullptr ? kEmpty : s->info;
  }

  // nullptr for an id this cache did not hand out.
  Segment* get(exec::SegmentId id) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (id < 0 || id >= static_cast<exec::SegmentId>(segments_.size())) return nullptr;
    return segments_[static_cast<size_t>(id)].get();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Segment>> segments_;
  std::map<std::vector<graph::NodeId>, exec::SegmentId> ids_;
};

}  // namespace edgecut::engine
