// nsmatrix: runs containers with every combination of namespace flags, probes
// what each isolates, and reports a pass/fail isolation matrix.
#include <algorithm>
#include <cstdio>
#include <map>

#include "harness/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "nsmatrix: a Linux namespace isolation matrix.\n"
      "Launches containers with every combination of the eight namespace flags (mnt uts ipc net\n"
      "pid user cgroup time), runs probes inside that try what an attacker would, and reports\n"
      "which combinations isolate what. Probes act on a disposable host sandbox, never on this\n"
      "machine. run, vm and bench are for root; run as an ordinary user is rootless (in a user\n"
      "namespace of its own).\n\n"
      "Exit codes: 0 every verdict pass or skip, 1 some verdict failed (or run tested nothing),\n"
      "2 usage or environment error, 130 interrupted.",
      "nsmatrix"};
  app.require_subcommand(1);
  app.set_version_flag("--version", NSM_VERSION);
  std::map<CLI::App*, nsm::CommandFn> commands;
  auto add = [&](nsm::CommandFn (*adder)(CLI::App&)) {
    size_t before = app.get_subcommands({}).size();
    nsm::CommandFn fn = adder(app);
    commands[app.get_subcommands({})[before]] = std::move(fn);
  };
  add(nsm::AddRunCommand);
  add(nsm::AddReportCommand);
  add(nsm::AddGateCommand);
  add(nsm::AddBenchCommand);
  add(nsm::AddKernelCommand);
  add(nsm::AddVmCommand);
  if (argc > 1 && argv[1][0] != '-' &&
      commands.end() == std::find_if(commands.begin(), commands.end(), [&](const auto& c) {
        return c.first->get_name() == argv[1];
      })) {
    fprintf(stderr,
            "nsmatrix: unknown command '%s' (commands: run, report, gate, kernel, bench, vm). Run "
            "'nsmatrix "
            "--help' "
            "for usage.\n",
            argv[1]);
    return nsm::kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    fprintf(stderr, "Run 'nsmatrix --help' or 'nsmatrix run --help' for usage.\n");
    return nsm::kExitUsage;
  }
  try {
    for (CLI::App* sub : app.get_subcommands()) return commands.at(sub)();
  } catch (const std::exception& e) {
    // Hostile or broken input must end in a clear message, never an abort.
    fprintf(stderr, "nsmatrix: %s\n", e.what());
  }
  return nsm::kExitUsage;
}
