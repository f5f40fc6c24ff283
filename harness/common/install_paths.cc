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
  // Never the current directory: a helper found there would run as root.
  if (n <= 0) return "/proc/self/exe (unreadable)";
  std::string self(buf, static_cast<size_t>(n));
  size_t slash = self.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : self.substr(0, slash);
}

std::string HelperProgram(std::string_view name) {
  std::string dir = ProgramDir();
  // The installed layout first: a stale copy in PREFIX/bin from another
  // install must not win over the package's own.
  std::string installed = dir + "/" NSM_LIBEXEC_REL "/" + std::string(name);
  if (Exists(installed)) return installed;
  return dir + "/" + std::string(name);
}

std::string ScenarioDir() {
  return ProgramDir() + "/" NSM_DATA_REL "/scenarios";
}

}  // namespace nsm
