// nsmatrix's subcommands. Each registers its options on the CLI11 app and
// returns a runner that yields the process exit code:
//   0 every verdict pass or skip, 1 a verdict failed, 2 usage or environment error,
//   130 interrupted.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace nsm {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

using CommandFn = std::function<int()>;

CommandFn AddRunCommand(CLI::App& app);
CommandFn AddReportCommand(CLI::App& app);
CommandFn AddGateCommand(CLI::App& app);
CommandFn AddBenchCommand(CLI::App& app);
CommandFn AddKernelCommand(CLI::App& app);
CommandFn AddVmCommand(CLI::App& app);

}  // namespace nsm
