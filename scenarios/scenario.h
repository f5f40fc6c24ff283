// Scenarios: hand-edited TOML files naming what `nsmatrix run --scenario NAME|FILE` runs (the
// combinations, the options, the probes) and expectation overrides, each with its reason.
//
// Format (see scenarios/README.md):
//
//   # what this scenario models (comment)
//   name = "docker-default"                       # required; equals the file stem when shipped
//   description = "One line shown in reports"     # required, one line
//   combinations = ["mnt+uts+ipc+net+pid+cgroup"] # required: combination names, or ["all"]
//   probes = ["all"]                              # optional, default ["all"]; ids or prefixes
//   [options]                                     # all optional
//   userns_map = "unprivileged"                   # unprivileged | root
//   rootfs = "host"                               # "host" or a path (relative: to this file's dir)
//   propagation = "private"                       # private | slave | shared | unchanged
//   jobs = 2                                      # positive integer
//   timeout_ms = 10000                            # 100..600000
//   runtime = "native"                            # native | unshare | bwrap | runc | crun | nspawn
//   [[expect]]                                    # expectation overrides, optional, repeatable
//   probe = "ns.cgroup"                           # required: probe id, or prefix ending in '.'
//   combination = "*"                             # optional, default "*": "*" or a combination
//   outcome = "leaked"                            # required: isolated | leaked
//   reason = "this runtime accepts a shared cgroup namespace"   # required, non-empty
//
// Loading is all or nothing. Any problem (TOML syntax, unknown key anywhere, wrong type, missing
// required key, bad combination, unknown probe, bad enum value, missing or empty reason, number
// out of range) is an Error whose Message() is "FILE:LINE:COLUMN: KEY: expected ..., got ...".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/outcome.h"
#include "harness/common/result.h"
#include "harness/common/run_options.h"
#include "harness/rules/catalogue.h"
#include "harness/rules/expectation_override.h"

namespace nsm {

// One scenario file, loaded and validated; its [[expect]] entries override the
// catalogue's expected outcome for matching cells.
struct Scenario {
  std::string name;
  std::string description;
  std::string path;  // the file it was loaded from, as given
  std::string text;  // the file's bytes as they were read (what nsmatrix vm takes along)

  std::vector<NsSet> combinations;           // in file order, no duplicates
  std::vector<std::string> probe_selectors;  // ids/prefixes/"all", each matches the catalogue

  std::optional<UsernsMap> userns_map;
  std::optional<std::string> rootfs;  // "host", or a normalised absolute path
  std::optional<Propagation> propagation;
  std::optional<int> jobs;
  std::optional<long> timeout_ms;
  std::optional<RuntimeKind> runtime;

  std::vector<ExpectationOverride> overrides;  // in file order

  // The override that applies to (probe, combination), last match wins; nullptr if none.
  const ExpectationOverride* OverrideFor(std::string_view probe, NsSet combination) const;
};

// Loads and validates one file. Probe selectors are checked against `catalogue`.
Result<Scenario> LoadScenarioFile(const std::string& path, const Catalogue& catalogue);

// A value containing '/' or ending in ".toml" is a path; anything else names a shipped scenario,
// `shipped_dir`/NAME.toml, whose `name` must equal NAME. An unknown NAME is an error that lists
// the shipped names.
Result<Scenario> LoadScenario(const std::string& name_or_path, const std::string& shipped_dir,
                              const Catalogue& catalogue);

// The stems of `shipped_dir`/*.toml, sorted; empty when the directory cannot be read.
std::vector<std::string> ListShippedScenarios(const std::string& shipped_dir);

}  // namespace nsm
