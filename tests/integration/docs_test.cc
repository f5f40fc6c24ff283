// The manual page and the bash completion against the commands themselves:
// every long option a command's --help lists is in its section of the manual
// and offered by the completion after `nsmatrix COMMAND --`, and the
// completion offers nothing that --help does not list. No root needed.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

const char* const kCommands[] = {"run", "report", "gate", "kernel", "vm", "bench"};

std::string Output(const std::vector<std::string>& argv) {
  ScopedTempDir dir;
  EXPECT_EQ(WaitExit(StartProgram(argv, dir.path())), 0) << argv.back();
  return Slurp(dir.path() + "/stdout");
}

// The long options of `nsmatrix COMMAND --help`: on the lines that list options.
std::set<std::string> HelpOptions(const std::string& command) {
  std::string help = Output({BinDir() + "/nsmatrix", command, "--help"});
  std::set<std::string> options;
  std::istringstream lines(help);
  const std::regex option_line(R"(^  (-[a-z],)?(--[a-z][a-z0-9-]*))");
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, option_line)) options.insert(m[2]);
  }
  return options;
}

// What the completion offers, as words, for `nsmatrix ARGS... CURRENT`.
std::set<std::string> Completions(const std::vector<std::string>& words) {
  std::string script = "source " NSM_SOURCE_DIR "/harness/cli/completion.bash; COMP_WORDS=(";
  for (const std::string& w : words) script += "'" + w + "' ";
  script += "); COMP_CWORD=" + std::to_string(words.size() - 1) +
            "; _nsmatrix; printf '%s\\n' \"${COMPREPLY[@]}\"";
  std::string out = Output({"/bin/bash", "-c", "PATH=" + BinDir() + ":$PATH; " + script});
  std::set<std::string> offered;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) offered.insert(line);
  return offered;
}

// The manual's section for a command: from `.SS nsmatrix COMMAND` to the next heading.
std::string ManualSection(const std::string& command) {
  std::string manual = Slurp(NSM_SOURCE_DIR "/docs/nsmatrix.1");
  size_t start = manual.find(".SS nsmatrix " + command + "\n");
  if (start == std::string::npos) return "";
  size_t end = manual.find("\n.S", start + 1);
  return manual.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(Docs, EveryOptionIsInTheManualAndTheCompletion) {
  for (const char* command : kCommands) {
    std::set<std::string> options = HelpOptions(command);
    ASSERT_GT(options.size(), 2u) << command;
    std::string section = ManualSection(command);
    ASSERT_FALSE(section.empty()) << "no section for " << command << " in docs/nsmatrix.1";
    std::set<std::string> offered = Completions({"nsmatrix", command, "--"});
    for (const std::string& option : options) {
      if (option == "--help") continue;  // said once for every command
      // The whole option: --timeout is not found inside --timeout-ms.
      std::regex in_troff(R"(\\-\\-)" + option.substr(2) + "(?![a-z0-9-])");
      EXPECT_TRUE(std::regex_search(section, in_troff))
          << command << " " << option << " is not in docs/nsmatrix.1";
      EXPECT_TRUE(offered.contains(option)) << command << " " << option << " is not completed";
    }
    for (const std::string& word : offered)
      EXPECT_TRUE(options.contains(word)) << command << ": the completion offers " << word;
  }
}

TEST(Docs, TheCompletionKnowsTheCommandsAndTheirValues) {
  EXPECT_EQ(Completions({"nsmatrix", ""}),
            (std::set<std::string>{"run", "report", "gate", "bench", "kernel", "vm", "--help",
                                   "--version"}));
  EXPECT_EQ(Completions({"nsmatrix", "run", "--runtime", ""}),
            (std::set<std::string>{"native", "unshare", "bwrap", "runc", "crun", "nspawn"}));
  std::set<std::string> scenarios = Completions({"nsmatrix", "run", "--scenario", "runtime-"});
  EXPECT_TRUE(scenarios.contains("runtime-nspawn")) << scenarios.size();
  EXPECT_TRUE(scenarios.contains("runtime-runc"));
  EXPECT_EQ(Completions({"nsmatrix", "run", "--combos", "none,mnt+p"}),
            std::set<std::string>{"none,mnt+pid"});
  EXPECT_FALSE(Completions({"nsmatrix", "run", "--combos", "mnt+"}).contains("mnt+all"));
  EXPECT_TRUE(Completions({"nsmatrix", "run", "--combos", "mnt,"}).contains("mnt,all"));
  // --option=value, as bash splits it.
  EXPECT_EQ(Completions({"nsmatrix", "run", "--runtime", "=", "ns"}),
            std::set<std::string>{"nspawn"});
  EXPECT_EQ(Completions({"nsmatrix", "kernel", "--color", "a"}),
            (std::set<std::string>{"auto", "always"}));
  // After `bench --` the words are Google Benchmark's.
  EXPECT_TRUE(Completions({"nsmatrix", "bench", "--", "--benchmark"}).empty());
}

// The --runtime values the completion offers are the ones run accepts.
TEST(Docs, TheCompletionsRuntimesAreRunsRuntimes) {
  std::string help = Output({BinDir() + "/nsmatrix", "run", "--help"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(help, m, std::regex(R"(--runtime TEXT:\{([a-z,]+)\})")));
  std::set<std::string> accepted;
  std::istringstream names(m[1].str());
  for (std::string name; std::getline(names, name, ',');) accepted.insert(name);
  EXPECT_EQ(Completions({"nsmatrix", "run", "--runtime", ""}), accepted);
}

TEST(Docs, TheManualRendersWithoutWarnings) {
  ScopedTempDir dir;
  int code = WaitExit(StartProgram(
      {"/usr/bin/groff", "-man", "-ww", "-z", NSM_SOURCE_DIR "/docs/nsmatrix.1"}, dir.path()));
  EXPECT_EQ(code, 0);
  EXPECT_EQ(Slurp(dir.path() + "/stderr"), "");
}

}  // namespace
}  // namespace nsm::testing
