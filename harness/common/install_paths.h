// Where nsmatrix finds its helper programs and its data, relative to its own
// executable, so that a build tree and an installed tree under any prefix
// both work and no path of the build machine is baked in:
//
//   build tree              installed (cmake --install, the .deb)
//   build/bin/nsmatrix      PREFIX/bin/nsmatrix
//   build/bin/nsprobe       PREFIX/libexec/nsmatrix/nsprobe
//   build/share/nsmatrix/   PREFIX/share/nsmatrix/ (scenarios/, the schema)
#pragma once

#include <string>
#include <string_view>

namespace nsm {

// The directory of the running executable (from /proc/self/exe).
std::string ProgramDir();

// A helper program (nsprobe, nsm-sandbox, nsmatrix-bench): in the installed
// helper directory if it is there, else beside the running executable (the
// build tree). The path returned may not exist; callers report that with it.
std::string HelperProgram(std::string_view name);

// The shipped scenarios' directory.
std::string ScenarioDir();

}  // namespace nsm
