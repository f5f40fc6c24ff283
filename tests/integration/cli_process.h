// Runs the real nsmatrix binary for integration tests, the way a user or CI would.
#pragma once

#include <sys/types.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nsm::testing {

// A fresh directory under /tmp, removed with everything in it when the owner goes.
// Only tests write there, never a container.
class ScopedTempDir {
 public:
  ScopedTempDir();
  ~ScopedTempDir();
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CliRun {
  std::shared_ptr<ScopedTempDir> dir;
  int exit_code = -1;  // 128+signal when killed
  std::string out, err;
  nlohmann::json doc;  // parsed --json output when the run wrote one
  std::string json_path;
};

std::string BinDir();

// Runs `nsmatrix ARGS... --json <tmp>.json --no-progress` (pass with_json=false to omit both).
CliRun RunNsmatrix(const std::vector<std::string>& args, bool with_json = true);

// Starts nsmatrix without waiting; stdout/stderr go to files in `dir`.
pid_t StartNsmatrix(const std::vector<std::string>& args, const std::string& dir);
// The same for any program (argv[0] is its path).
pid_t StartProgram(std::vector<std::string> argv, const std::string& dir);

// Runs `script` with /bin/sh as root inside a new user namespace (unshare
// --user --map-root-user), with $NSM the nsmatrix binary and $DIR the run's
// temporary directory. Limits lowered there stay there.
CliRun RunAsUsernsRoot(const std::string& script);

// A file's whole content; empty when unreadable.
std::string Slurp(const std::string& path);

// A JSON file parsed; discarded json when unreadable or invalid.
nlohmann::json ReadJson(const std::string& path);
int WaitExit(pid_t pid);

// The cell for (combination, probe) in a document; null json when absent.
nlohmann::json Cell(const nlohmann::json& doc, const std::string& combination,
                    const std::string& probe);

}  // namespace nsm::testing
