// Several matrices side by side (`nsmatrix report --compare`): typically the same
// matrix run under different kernels (`nsmatrix vm`), one column per run. Only
// what differs is listed; what is the same in every run is counted.
//
// Pure: "nsmatrix/1" documents in, a Comparison out. The renderers are
// compare_markdown.h and html/compare_html.h; the JSON form ("nsmatrix-compare/1")
// is ComparisonToJson.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/result.h"
#include "reports/document_view.h"

namespace nsm {

inline constexpr const char* kCompareSchemaId = "nsmatrix-compare/1";

struct CompareInput {
  std::string file;  // as given on the command line; labels and the header show it
  nlohmann::json doc;
};

// One column: what the header table shows of a run.
struct CompareRun {
  // The kernel release (host.kernel_release), with the `vm` kernel's file name when
  // the run was in a VM; "(file name)" appended when two runs would share a label.
  // Prefixed with the runtime when the runs were not all made by the same one.
  std::string label;
  std::string file;
  std::string kernel_release, kernel_version, mode, generated_at;
  std::string options;  // "combinations=256, userns_map=root, ..., probes=26"
  // Who made the containers: "native", or the runtime's name; runs by
  // different ones are labelled "bwrap on 6.1.0-...".
  std::string runtime = "native";
  std::string vm_kernel_path, vm_kernel_release;  // empty when the document has no "vm"
  bool has_kernel_section = false;
  CellCounts totals;
};

// A kernel live check (kernel.namespaces[].root or .unprivileged) in one run.
struct KernelCheckValue {
  std::string status;  // usable, restricted, unavailable, not-checked; "absent": no entry
  std::string gate, cause, detail;
};

// A namespace type's check as root or unprivileged whose status or gate is not the
// same in every run that has a kernel section.
struct KernelCheckRow {
  std::string type;  // "net"
  std::string as;    // "root" or "unprivileged"
  // One per run; nullopt for a run without a kernel section (not compared).
  std::vector<std::optional<KernelCheckValue>> runs;
};

// A kernel setting that differs: a config option ("CONFIG_USER_NS"), a sysctl
// ("user.max_net_namespaces"), "security modules", "seccomp mode", "apparmor enabled".
struct KernelSettingRow {
  std::string name;
  // One per run, as text ("y", "n", "not in config", "absent", "0"); nullopt when the
  // run cannot say (no kernel section, or no config found for a config option).
  std::vector<std::optional<std::string>> values;
};

struct CompareCellValue {
  std::string outcome, verdict, expected, detail;
};

// A (combination, probe) whose outcome or verdict is not the same in every run, or
// that is missing from some run (nullopt).
struct CompareCellRow {
  std::string combination, probe;
  std::vector<std::optional<CompareCellValue>> runs;
};

struct Comparison {
  std::vector<CompareRun> runs;
  // Only what differs, in a stable order: kernel checks by namespace type (mnt, uts,
  // ipc, net, pid, user, cgroup, time, then others), root before unprivileged;
  // settings config first, then sysctls, then the rest; cells in order of first
  // appearance (the first run's order, then cells only later runs have).
  std::vector<KernelCheckRow> kernel_checks;
  std::vector<KernelSettingRow> kernel_settings;
  std::vector<CompareCellRow> cells;
  // How many are the same in every run.
  size_t same_cells = 0, same_kernel_checks = 0, same_kernel_settings = 0;
  // Why something was not compared ("6.1.0 (b.json) has no kernel section: ...").
  std::vector<std::string> notes;

  bool Identical() const {
    return kernel_checks.empty() && kernel_settings.empty() && cells.empty();
  }
};

// An error (exit-2 material) for fewer than two inputs, or a document whose cells
// ReadMatrixCells (matrix_cells.h) refuses: not an "nsmatrix/1" object with a
// "cells" array, a cell without a combination, probe, outcome or verdict of the
// known words, or a (combination, probe) twice. Cells are matched by namespace
// set and probe, so "pid+mnt" in one document is "mnt+pid" in another.
// Kernel sections are read leniently: mistyped members count as absent.
Result<Comparison> CompareRuns(const std::vector<CompareInput>& inputs);

// {"schema": "nsmatrix-compare/1", "identical": bool,
//  "runs": [{"label", "file", "kernel_release", "kernel_version", "mode", "generated_at",
//            "options", "vm": {"kernel_path", "kernel_release"} | null,
//            "totals": {"cells", "pass", "fail", "skip"}}],
//  "kernel_checks": [{"type", "as", "runs": [{"status", "gate", "cause", "detail"} | null]}],
//  "kernel_settings": [{"name", "values": ["y" | null, ...]}],
//  "cells": [{"combination", "probe",
//             "runs": [{"outcome", "verdict", "expected", "detail"} | null]}],
//  "same": {"cells", "kernel_checks", "kernel_settings"}, "notes": [...]}
nlohmann::json ComparisonToJson(const Comparison& comparison);

// "isolated, pass" / "absent": a cell's short form in the renderers.
std::string CellSummary(const std::optional<CompareCellValue>& value);

// "unavailable (limit)" / "absent" / "no kernel section".
std::string KernelCheckSummary(const std::optional<KernelCheckValue>& value);

}  // namespace nsm
