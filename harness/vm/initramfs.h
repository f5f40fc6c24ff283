// The initramfs `nsmatrix vm` boots: busybox, nsmatrix and its helpers with
// every shared library they load, the kernel modules the host sandbox needs,
// the kernel's config, and an /init that runs the matrix and sends the results
// out (guest_channel.h).
#pragma once

#include <string>
#include <vector>

#include "harness/common/result.h"

namespace nsm {

struct InitramfsSpec {
  std::string busybox;                // a statically linked busybox
  std::vector<std::string> programs;  // copied to /nsm/ (nsmatrix, nsprobe, nsm-sandbox)
  std::vector<std::string> modules;   // .ko files, loaded in this order
  std::string kernel_config;          // copied to /boot/config-<release>; may be empty
  std::string release;                // the kernel's `uname -r`
  std::vector<std::string> run_args;  // `nsmatrix run` arguments (no newlines)
  std::string scenario_toml;          // written to /nsm/scenario.toml; may be empty
  // objcopy, to copy the programs without their debug information (a
  // RelWithDebInfo nsmatrix is 66 MB, 12 without); empty: copied as they are.
  std::string objcopy;
  std::string scratch_dir;  // where stripped copies are made
};

// The shared libraries (and the dynamic loader) a program needs, as the
// loader resolves them here (`ldd`); empty for a static program.
Result<std::vector<std::string>> SharedLibraries(const std::string& program);

// The .ko files for `names` (and what they depend on, first) under a
// lib/modules/<release> directory, from each module's own `depends=`.
Result<std::vector<std::string>> ResolveModules(const std::string& modules_dir,
                                                const std::vector<std::string>& names);

// The /init script.
std::string GuestInit(const InitramfsSpec& spec);

// The gzipped archive.
Result<std::string> BuildInitramfs(const InitramfsSpec& spec);

}  // namespace nsm
