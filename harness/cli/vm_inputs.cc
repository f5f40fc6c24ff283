#include "harness/cli/vm_inputs.h"

#include <unistd.h>

#include <boost/filesystem.hpp>

#include "harness/common/install_paths.h"
#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "harness/plan/plan.h"
#include "harness/rules/catalogue.h"
#include "harness/vm/initramfs.h"
#include "scenarios/scenario.h"

namespace nsm {

namespace fs = boost::filesystem;

std::optional<std::string> FindProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return access(name.c_str(), X_OK) == 0 ? std::optional(name) : std::nullopt;
  }
  Result<std::string> found = FindOnPath(name, "");
  return found ? std::optional(*found) : std::nullopt;
}

bool IsStatic(const std::string& program) {
  Result<std::vector<std::string>> libs = SharedLibraries(program);
  return libs && libs->empty();
}

std::string Beside(const std::string& kernel, const std::string& relative) {
  fs::path candidate = fs::absolute(kernel).parent_path() / relative;
  boost::system::error_code ec;
  return fs::exists(candidate, ec) ? candidate.lexically_normal().string() : std::string();
}

std::string ConfigValue(const std::string& config_path, const std::string& option) {
  Result<std::string> text = ReadFile(config_path, kMaxInputFileBytes);
  if (!text) return "";
  for (std::string_view line : Split(*text, '\n')) {
    if (line.starts_with(option + "=")) return std::string(line.substr(option.size() + 1));
  }
  return "";
}

std::expected<std::vector<std::string>, std::string> RunArguments(const VmArgs& args,
                                                                  std::string* scenario_text) {
  using Problem = std::unexpected<std::string>;
  std::vector<std::string> out;
  // The guest's nsmatrix run gets these, and its own defaults for the rest.
  PlanRequest request;
  // The guest has nsmatrix's own launcher only: a scenario's runtime cannot
  // come along (below), and none is looked for here.
  request.given.insert(plan_option::kRuntime);
  std::optional<Scenario> scenario;  // read once: BuildPlan below makes the plan from it
  if (!args.scenario.empty()) {
    Result<Scenario> read = LoadScenario(args.scenario, ScenarioDir(), Catalogue::Builtin());
    if (!read) return Problem("--scenario: " + read.error().Message());
    scenario.emplace(std::move(*read));
    if (scenario->rootfs && *scenario->rootfs != "host")
      return Problem("--scenario: sets a root filesystem, which nsmatrix vm cannot take along");
    if (scenario->runtime && *scenario->runtime != RuntimeKind::native) {
      return Problem("--scenario: sets --runtime " + std::string(Name(*scenario->runtime)) +
                     ", which nsmatrix vm cannot take along (the guest has nsmatrix's own "
                     "launcher only)");
    }
    *scenario_text = scenario->text;  // as it was read
    request.scenario = args.scenario;
    out.insert(out.end(), {plan_option::kScenario, "/nsm/scenario.toml"});
  }
  auto pass_on = [&](const char* option, const std::string& value, std::string& field) {
    if (value.empty()) return;
    field = value;
    request.given.insert(option);
    out.insert(out.end(), {option, value});
  };
  pass_on(plan_option::kCombos, args.combos, request.combos);
  pass_on(plan_option::kProbes, args.probes, request.probes);
  pass_on(plan_option::kUsernsMap, args.userns_map, request.userns_map);
  pass_on(plan_option::kPropagation, args.propagation, request.propagation);
  pass_on(plan_option::kTimeNsVia, args.time_ns_via, request.time_ns_via);
  if (args.jobs > 0) {
    request.jobs = args.jobs;
    request.given.insert(plan_option::kJobs);
    out.insert(out.end(), {plan_option::kJobs, std::to_string(args.jobs)});
  }
  if (args.timeout_ms > 0) {
    request.timeout_ms = args.timeout_ms;
    request.given.insert(plan_option::kTimeoutMs);
    out.insert(out.end(), {plan_option::kTimeoutMs, std::to_string(args.timeout_ms)});
  }
  // The guest runs as the root of its initial user namespace.
  auto built =
      BuildPlan(request, {.scenario_dir = ScenarioDir(), .rootless = false, .initial_userns = true},
                scenario ? &*scenario : nullptr);
  if (!built) return Problem(built.error());
  return out;
}

}  // namespace nsm
