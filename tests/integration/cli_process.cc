#include "tests/integration/cli_process.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace nsm::testing {
std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string BinDir() {
  return NSM_BIN_DIR;
}

ScopedTempDir::ScopedTempDir() {
  char tmpl[] = "/tmp/nsmatrix-test.XXXXXX";
  if (char* dir = mkdtemp(tmpl)) path_ = dir;
}

ScopedTempDir::~ScopedTempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

pid_t StartNsmatrix(const std::vector<std::string>& args, const std::string& dir) {
  std::vector<std::string> argv = {BinDir() + "/nsmatrix"};
  argv.insert(argv.end(), args.begin(), args.end());
  return StartProgram(argv, dir);
}

pid_t StartProgram(std::vector<std::string> argv, const std::string& dir) {
  std::string bin = argv.at(0);
  pid_t pid = fork();
  if (pid == 0) {
    int out = open((dir + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open((dir + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    execv(bin.c_str(), raw.data());
    _exit(127);
  }
  return pid;
}

int WaitExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

CliRun RunNsmatrix(const std::vector<std::string>& args, bool with_json) {
  CliRun run;
  run.dir = std::make_shared<ScopedTempDir>();
  const std::string& dir = run.dir->path();
  std::vector<std::string> full = args;
  if (with_json) {
    run.json_path = dir + "/matrix.json";
    full.insert(full.end(), {"--json", run.json_path, "--no-progress"});
  }
  run.exit_code = WaitExit(StartNsmatrix(full, dir));
  run.out = Slurp(dir + "/stdout");
  run.err = Slurp(dir + "/stderr");
  if (with_json && access(run.json_path.c_str(), F_OK) == 0) {
    run.doc = nlohmann::json::parse(Slurp(run.json_path), nullptr, false);
  }
  return run;
}

CliRun RunAsUsernsRoot(const std::string& script) {
  CliRun run;
  run.dir = std::make_shared<ScopedTempDir>();
  const std::string& dir = run.dir->path();
  std::string prelude = "NSM=" + BinDir() + "/nsmatrix; DIR=" + dir + "; ";
  run.exit_code = WaitExit(StartProgram(
      {"/usr/bin/unshare", "--user", "--map-root-user", "/bin/sh", "-c", prelude + script}, dir));
  run.out = Slurp(dir + "/stdout");
  run.err = Slurp(dir + "/stderr");
  return run;
}

nlohmann::json ReadJson(const std::string& path) {
  return nlohmann::json::parse(Slurp(path), nullptr, false);
}

nlohmann::json Cell(const nlohmann::json& doc, const std::string& combination,
                    const std::string& probe) {
  if (!doc.contains("cells")) return nullptr;
  for (const nlohmann::json& cell : doc["cells"]) {
    if (cell["combination"] == combination && cell["probe"] == probe) return cell;
  }
  return nullptr;
}

}  // namespace nsm::testing
