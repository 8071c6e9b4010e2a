// `edgecut bench paper`: QDMP's claims measured as experiments, each writing
// CSV, SVG figures and a markdown section into one folder, and report.md
// gathering them with the command line and the machine's facts.
//
//   E1 latency vs bandwidth  (paper_e1.cpp)   predicted over the DADS rates;
//                                             measured on the shaped link (root)
//   E2 throughput            (paper_e2.cpp)   bench stream's runs (root)
//   E3 decision time vs size (paper_e3.cpp)   bench solve's timings over zoo models
//   E4 prediction error      (paper_e4.cpp)   bench accuracy per engine x threads
//   E5 changing network      (paper_e5.cpp)   trace replay (root)
//
// Every experiment reuses the benchmark that measures it (eval/solve_bench.h,
// accuracy.h, stream_bench.h, demo.h): this layer chooses the grid (quick or
// full), writes the files and the prose. Numbers in the markdown come from
// the CSV rows written beside it.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/onnx_import.h"

namespace edgecut::eval {

using ModelLoader = std::function<Expected<graph::Model>(const std::string& spec)>;

struct PaperOptions {
  std::string out_dir = "edgecut-paper";
  bool quick = false;      // small models, short phases, 1 repeat: a CI smoke test of every experiment
  std::string exe;         // the edgecut binary (experiments that start server and client)
  ModelLoader load;        // MODEL arguments as the CLI takes them
  std::string command;     // the command line, for the report
  double edge_ratio = 10;  // edge:cloud speed (common/edge_speed.h)
  std::vector<std::string> traces;  // E5: trace arguments (lab/trace.h trace_arg); empty = generated
  int repeats = 3;                  // measured runs per point (quick: 1)
  std::vector<std::string> models;  // overrides the experiments' model lists (E1-E4); empty = theirs
};

struct ExperimentResult {
  std::string id, title;
  std::vector<std::string> csv, svg;  // file names inside out_dir
  std::string markdown;               // the section (## heading first)
  double seconds = 0;
  std::string skipped;  // why the experiment did not run here ("" = it ran)
};

using Experiment = Expected<ExperimentResult> (*)(const PaperOptions&, std::ostream& progress);

Expected<ExperimentResult> run_paper_e1(const PaperOptions& o, std::ostream& progress);
Expected<ExperimentResult> run_paper_e2(const PaperOptions& o, std::ostream& progress);
Expected<ExperimentResult> run_paper_e3(const PaperOptions& o, std::ostream& progress);
Expected<ExperimentResult> run_paper_e4(const PaperOptions& o, std::ostream& progress);
Expected<ExperimentResult> run_paper_e5(const PaperOptions& o, std::ostream& progress);

// {"E1", run_paper_e1}, ... in order.
const std::vector<std::pair<std::string, Experiment>>& paper_experiments();

// Runs the named experiments (E1..E5) and writes report.md; an experiment that
// fails is reported in report.md and makes the call fail after the others ran.
Status run_paper(const PaperOptions& o, const std::vector<std::string>& ids, std::ostream& progress);

// Machine facts for the report: CPU model, cores, kernel, memory, root.
std::string machine_facts();

}  // namespace edgecut::eval
