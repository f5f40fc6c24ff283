#include "harness/common/install_paths.h"

#include <unistd.h>

#include <climits>

// Relative to the directory of nsmatrix, from CMake's GNUInstallDirs (see
// the top CMakeLists.txt).
#ifndef NSM_LIBEXEC_REL
#define NSM_LIBEXEC_REL "../libexec/nsmatrix"
#endif
#ifndef NSM_DATA_REL
#define NSM_DATA_REL "../share/nsmatrix"
#endif

namespace nsm {
namespace {

bool Exists(const std::string& path) {
  return access(path.c_str(), F_OK) == 0;
}

}  // namespace

std::string ProgramDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return ".";
  std::string self(buf, static_cast<size_t>(n));
  size_t slash = self.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : self.substr(0, slash);
}

std::string HelperProgram(std::string_view name) {
  std::string dir = ProgramDir();
  std::string beside = dir + "/" + std::string(name);
  if (Exists(beside)) return beside;
  std::string installed = dir + "/" NSM_LIBEXEC_REL "/" + std::string(name);
  return Exists(installed) ? installed : beside;
}

std::string ScenarioDir() {
  return ProgramDir() + "/" NSM_DATA_REL "/scenarios";
}

}  // namespace nsm
