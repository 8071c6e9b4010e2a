#include "runtime/frame_log.h"

#include <fmt/format.h>

#include <set>
#include <sstream>

#include "common/file.h"

namespace edgecut::runtime {

namespace {

nlohmann::json prediction_json(const Prediction& p) {
  return {{"edge_ms", p.edge_ms},   {"up_ms", p.up_ms},     {"rtt_ms", p.rtt_ms},
          {"cloud_ms", p.cloud_ms}, {"down_ms", p.down_ms}, {"total_ms", p.total_ms}};
}

nlohmann::json stream_json(const StreamRecord& s) {
  return {{"seq", s.seq},
          {"start_s", s.start_s},
          {"done_s", s.done_s},
          {"edge_stage_ms", s.edge_stage_ms},
          {"up_ms", s.up_ms},
          {"cloud_ms", s.cloud_ms},
          {"up_start_s", s.up_start_s},
          {"edge_busy_s", s.edge_busy_s},
          {"cloud_busy_s", s.cloud_busy_s},
          {"send_queue", s.send_queue},
          {"in_flight", s.in_flight},
          {"window", s.window},
          {"reorder", s.reorder}};
}

// Reads the fields of one JSON object: each must be there with its type, and
// none may be left over (check_all). The first problem is kept.
class Fields {
 public:
  Fields(const nlohmann::json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object()) fail("", "not a JSON object");
  }

  template <typename T>
  void get(const char* key, T* out) {
    seen_.insert(key);
    if (!st_.is_ok()) return;
    auto it = j_.find(key);
    if (it == j_.end()) return fail(key, "missing");
    const bool numeric = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;
    if ((numeric && !it->is_number()) || (std::is_same_v<T, bool> && !it->is_boolean()) ||
        (std::is_same_v<T, std::string> && !it->is_string())) {
      return fail(key, fmt::format("has the wrong type ({})", it->type_name()));
    }
    try {
      *out = it->get<T>();
    } catch (const nlohmann::json::exception& e) {
      fail(key, e.what());
    }
  }
  // A nested object, read by `read`; absent is allowed only when `optional`.
  template <typename F>
  bool nested(const char* key, bool optional, F read) {
    seen_.insert(key);
    if (!st_.is_ok()) return false;
    auto it = j_.find(key);
    if (it == j_.end()) {
      if (!optional) fail(key, "missing");
      return false;
    }
    Fields sub(*it, fmt::format("{}, field '{}'", where_, key));
    read(sub);
    sub.check_all();
    if (!sub.st_.is_ok()) st_ = sub.st_;
    return st_.is_ok();
  }
  // A field read elsewhere (not by get / nested).
  void allow(const char* key) { seen_.insert(key); }
  void check_all() {
    if (!st_.is_ok() || !j_.is_object()) return;
    for (const auto& [k, v] : j_.items()) {
      if (!seen_.count(k)) return fail(k, "is not a field of the frame log (a newer or older writer?)");
    }
  }
  const Status& status() const { return st_; }

 private:
  void fail(const std::string& key, const std::string& why) {
    if (!st_.is_ok()) return;
    st_ = key.empty() ? error(Code::kParseError, "{}: {}", where_, why)
                      : error(Code::kParseError, "{}: field '{}' {}", where_, key, why);
  }
  const nlohmann::json& j_;
  std::string where_;
  std::set<std::string, std::less<>> seen_;
  Status st_;
};

void read_prediction(Fields& f, Prediction* p) {
  f.get("edge_ms", &p->edge_ms);
  f.get("up_ms", &p->up_ms);
  f.get("rtt_ms", &p->rtt_ms);
  f.get("cloud_ms", &p->cloud_ms);
  f.get("down_ms", &p->down_ms);
  f.get("total_ms", &p->total_ms);
}

void read_stream(Fields& f, StreamRecord* s) {
  f.get("seq", &s->seq);
  f.get("start_s", &s->start_s);
  f.get("done_s", &s->done_s);
  f.get("edge_stage_ms", &s->edge_stage_ms);
  f.get("up_ms", &s->up_ms);
  f.get("cloud_ms", &s->cloud_ms);
  f.get("up_start_s", &s->up_start_s);
  f.get("edge_busy_s", &s->edge_busy_s);
  f.get("cloud_busy_s", &s->cloud_busy_s);
  f.get("send_queue", &s->send_queue);
  f.get("in_flight", &s->in_flight);
  f.get("window", &s->window);
  f.get("reorder", &s->reorder);
}

}  // namespace

nlohmann::json FrameLog::to_json() const {
  nlohmann::json j = {{"frame", frame},
                      {"t_s", t_s},
                      {"plan", plan},
                      {"origin", origin},
                      {"edge_nodes", edge_nodes},
                      {"switched", switched},
                      {"est_bps", est_bps},
                      {"rtt_ms", rtt_ms},
                      {"pred_raw", prediction_json(pred_raw)},
                      {"pred", prediction_json(pred)},
                      {"kinds",
                       {{"edge_only_ms", kinds.edge_only_ms},
                        {"cloud_only_ms", kinds.cloud_only_ms},
                        {"cut_ms", kinds.cut_ms},
                        {"cut", kinds.cut}}},
                      {"fe", fe},
                      {"fc", fc},
                      {"head_ms", head_ms},
                      {"call_ms", call_ms},
                      {"compute_ms", compute_ms},
                      {"queue_ms", queue_ms},
                      {"up_ms", up_ms},
                      {"total_ms", total_ms},
                      {"up_bytes", up_bytes},
                      {"up_raw_bytes", up_raw_bytes},
                      {"encode_ms", encode_ms},
                      {"decode_ms", decode_ms},
                      {"encodings", encodings},
                      {"down_bytes", down_bytes},
                      {"fallback", fallback},
                      {"note", note},
                      {"bw_samples", bw_samples},
                      {"bw_rejected", bw_rejected},
                      {"outputs_digest", outputs_digest},
                      {"unix_s", unix_s}};
  if (stream) j["stream"] = stream_json(*stream);
  if (task) j["task"] = *task;
  return j;
}

Expected<FrameLog> FrameLog::from_json(const nlohmann::json& j, const std::string& where) {
  FrameLog l;
  Fields f(j, where);
  f.get("frame", &l.frame);
  f.get("t_s", &l.t_s);
  f.get("plan", &l.plan);
  f.get("origin", &l.origin);
  f.get("edge_nodes", &l.edge_nodes);
  f.get("switched", &l.switched);
  f.get("est_bps", &l.est_bps);
  f.get("rtt_ms", &l.rtt_ms);
  f.nested("pred_raw", false, [&](Fields& s) { read_prediction(s, &l.pred_raw); });
  f.nested("pred", false, [&](Fields& s) { read_prediction(s, &l.pred); });
  f.nested("kinds", false, [&](Fields& s) {
    s.get("edge_only_ms", &l.kinds.edge_only_ms);
    s.get("cloud_only_ms", &l.kinds.cloud_only_ms);
    s.get("cut_ms", &l.kinds.cut_ms);
    s.get("cut", &l.kinds.cut);
  });
  f.get("fe", &l.fe);
  f.get("fc", &l.fc);
  f.get("head_ms", &l.head_ms);
  f.get("call_ms", &l.call_ms);
  f.get("compute_ms", &l.compute_ms);
  f.get("queue_ms", &l.queue_ms);
  f.get("up_ms", &l.up_ms);
  f.get("total_ms", &l.total_ms);
  f.get("up_bytes", &l.up_bytes);
  f.get("up_raw_bytes", &l.up_raw_bytes);
  f.get("encode_ms", &l.encode_ms);
  f.get("decode_ms", &l.decode_ms);
  f.get("encodings", &l.encodings);
  f.get("down_bytes", &l.down_bytes);
  f.get("fallback", &l.fallback);
  f.get("note", &l.note);
  f.get("bw_samples", &l.bw_samples);
  f.get("bw_rejected", &l.bw_rejected);
  f.get("outputs_digest", &l.outputs_digest);
  f.get("unix_s", &l.unix_s);
  StreamRecord s;
  if (f.nested("stream", true, [&](Fields& sub) { read_stream(sub, &s); })) l.stream = s;
  if (auto it = j.find("task"); it != j.end()) {
    if (!it->is_object()) return error(Code::kParseError, "{}: field 'task' is not an object", where);
    l.task = *it;
  }
  f.allow("task");
  f.check_all();
  if (!f.status().is_ok()) return f.status();
  return l;
}

Expected<std::vector<FrameLog>> read_frame_log(const std::string& path, int64_t max_bytes) {
  EDGECUT_ASSIGN_OR_RETURN(std::string text, read_bounded_file(path, "frame log", max_bytes));
  // A last line without its newline is a write cut short (the writer was
  // stopped mid-line); every complete line must parse.
  if (!text.empty() && text.back() != '\n')
    text.erase(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  std::vector<FrameLog> out;
  std::istringstream in(text);
  int64_t n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    const std::string where = fmt::format("{}:{}", path, n);
    if (j.is_discarded()) return error(Code::kParseError, "{}: not valid JSON", where);
    EDGECUT_ASSIGN_OR_RETURN(FrameLog l, FrameLog::from_json(j, where));
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace edgecut::runtime
