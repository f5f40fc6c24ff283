// `nsmatrix kernel`: the kernel config, the sysctls and security modules that
// gate namespaces, and live create-and-use checks per type as root and as an
// unprivileged user, each failure tied to its gate. The same report is the
// "kernel" section of every matrix document.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/kernel/diagnosis.h"
#include "harness/kernel/environment.h"
#include "harness/kernel/kernel_config.h"
#include "harness/kernel/live_check.h"
#include "harness/kernel/nesting.h"

namespace nsm {

inline constexpr const char* kKernelSchemaId = "nsmatrix-kernel/1";

struct KernelReportOptions {
  std::optional<std::string> config_path;  // --config; else the default places
  std::optional<KernelConfig> config;      // already read (from config_path): not read again
  bool unprivileged = true;                // also check as uid 65534
  bool nesting = false;  // also measure how deep user and PID namespaces nest (a chain of
                         // 32 processes: `nsmatrix kernel` does, matrix runs do not)
};

struct NamespaceFinding {
  LiveCheck check;
  std::optional<Diagnosis> diagnosis;
};

struct KernelReport {
  std::string release;
  std::optional<KernelConfig> config;
  std::string config_error;  // why there is no config
  KernelEnvironment env;
  std::array<NamespaceFinding, kNsCount> root{};
  std::array<NamespaceFinding, kNsCount> unprivileged{};  // not_checked when not asked for
  std::vector<NestingDepth> nesting;                      // empty when not asked for

  // "net namespaces cannot be created here: unshare(CLONE_NEWNET) failed with
  // ENOSPC. Cause (limit): ... Remedy: ..."; empty when usable as root.
  std::string RootProblem(Ns ns) const;
};

KernelReport CollectKernelReport(const KernelReportOptions& options);

// The report's JSON ("kernel" section of a matrix; with "schema" etc. on its
// own, see KernelDocument).
nlohmann::json KernelReportToJson(const KernelReport& report);
nlohmann::json KernelDocument(const KernelReport& report, const std::string& generated_at);

}  // namespace nsm
