// A cell made by a container runtime, end to end in a host sandbox (root):
// fake runtimes (shell scripts behind the adapter interface) show that a
// runtime which never starts the probe gives `refused` with its own message,
// one that starts it is judged like the launcher's containers, and one that
// hangs is an error at the deadline with nothing left running.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "harness/common/unique_fd.h"
#include "harness/runner/cell_runner.h"
#include "harness/runtime/runtime_launch.h"
#include "harness/sandbox/in_sandbox_for_tests.h"

namespace nsm {
namespace {

// Runs `script` with /bin/sh as the "runtime": $0 is the probe program, the
// rest its arguments.
class ScriptRuntime final : public RuntimeAdapter {
 public:
  explicit ScriptRuntime(std::string script) : script_(std::move(script)) {}
  RuntimeKind Kind() const override { return RuntimeKind::unshare; }
  std::string_view Program() const override { return "sh"; }
  std::string_view Package() const override { return "dash"; }
  std::variant<RuntimeCommand, Refusal> Command(const RuntimeCell& cell,
                                                const std::string& runtime_path) const override {
    if (cell.namespaces.Has(Ns::time)) return Refusal{"no time namespaces here"};
    std::vector<std::string> argv = {runtime_path, "-c", script_, cell.probe_program};
    argv.insert(argv.end(), cell.probe_args.begin(), cell.probe_args.end());
    RuntimeCommand command;
    command.argv = std::move(argv);
    return command;
  }

 private:
  std::string script_;
};

std::vector<Observation> RunUnder(const std::string& script, NsSet ns,
                                  std::vector<std::string> probes, HostSandbox& sandbox,
                                  int probe_fd) {
  ScriptRuntime runtime(script);
  CellEnvironment env;
  env.probe_exe_fd = probe_fd;
  env.SetProbes(std::move(probes));
  env.userns_map = UsernsMap::root;
  env.timeout = std::chrono::milliseconds(1500);
  env.runtime = &runtime;
  env.runtime_path = "/bin/sh";
  return RunCombination(ns, env, sandbox);
}

Findings Expect(bool holds, const std::string& what) {
  return holds ? "" : what + "\n";
}

class RuntimeCell : public ::testing::Test {
 protected:
  void SetUp() override {
    // Opened before the sandbox mounts its fixtures over /tmp, where a build may live.
    probe_.Reset(open(NSM_BIN_DIR "/nsprobe", O_PATH | O_CLOEXEC));
    ASSERT_TRUE(probe_.Valid()) << NSM_BIN_DIR "/nsprobe";
  }
  UniqueFd probe_;
};

TEST_F(RuntimeCell, ARuntimeThatNeverStartsTheProbeRefusedTheContainer) {
  int fd = probe_.Get();
  Findings found = InSandbox([fd](HostSandbox& sandbox) {
    std::vector<Observation> out =
        RunUnder("echo 'sh: unshare failed: No space left on device' >&2; exit 3",
                 *NsSet::Parse("uts"), {"ns.uts", "uts.hostname"}, sandbox, fd);
    Findings f = Expect(out.size() == 2, "two observations");
    for (const Observation& o : out) {
      f += Expect(o.outcome == Outcome::refused, o.probe + " is " + std::string(Name(o.outcome)));
      f += Expect(
          o.detail.find("sh: unshare failed: No space left on device") != std::string::npos &&
              o.detail.find("exit 3") != std::string::npos,
          "detail: " + o.detail);
    }
    return f;
  });
  EXPECT_EQ(found, "");
}

// A refusal is a skip, so only the runtime saying the kernel refused it a
// namespace is one: a runtime killed by a signal, one that exits 0 without
// running anything, one with no message, one that could not find the probe
// program, and one that failed on its own account for another reason (a fork
// a pids limit refused) are errors.
TEST_F(RuntimeCell, WhatIsNotTheRuntimeRefusingIsAnError) {
  int fd = probe_.Get();
  Findings found = InSandbox([fd](HostSandbox& sandbox) {
    Findings f;
    for (const char* script : {"kill -SEGV $$", "exit 0", "exit 1", "echo 'other: no' >&2; exit 1",
                               "echo \"sh: execvp $0: No such file or directory\" >&2; exit 1",
                               "echo 'sh: fork failed: Resource temporarily unavailable' >&2; "
                               "exit 1"}) {
      std::vector<Observation> out =
          RunUnder(script, *NsSet::Parse("uts"), {"ns.uts"}, sandbox, fd);
      f += Expect(out.size() == 1 && out[0].outcome == Outcome::error,
                  std::string(script) + ": " + (out.empty() ? "" : out[0].detail));
    }
    return f;
  });
  EXPECT_EQ(found, "");
}

TEST_F(RuntimeCell, TheAdaptersOwnRefusalComesWithoutStartingAnything) {
  int fd = probe_.Get();
  Findings found = InSandbox([fd](HostSandbox& sandbox) {
    std::vector<Observation> out =
        RunUnder("exit 99", *NsSet::Parse("time"), {"ns.time"}, sandbox, fd);
    return Expect(out.size() == 1 && out[0].outcome == Outcome::refused &&
                      out[0].detail.find("no time namespaces here") != std::string::npos,
                  "refused by the adapter: " + (out.empty() ? "" : out[0].detail));
  });
  EXPECT_EQ(found, "");
}

// The fake runtime makes no namespace at all, so whatever the combination
// says, the probe shares everything with the sandbox: a leak the judges must
// see (the result and program descriptors reached the probe through the
// runtime).
TEST_F(RuntimeCell, AProbeStartedByTheRuntimeIsJudgedFromTheHost) {
  int fd = probe_.Get();
  Findings found = InSandbox([fd](HostSandbox& sandbox) {
    std::vector<Observation> out = RunUnder("exec \"$0\" \"$@\"", *NsSet::Parse("uts+pid"),
                                            {"ns.uts", "uts.hostname", "pid.orphan"}, sandbox, fd);
    Findings f = Expect(out.size() == 3, "three observations");
    for (const Observation& o : out)
      f += Expect(o.outcome == Outcome::leaked, o.probe + ": " + o.detail);
    return f;
  });
  EXPECT_EQ(found, "");
}

// After the probe's `end` record the runtime has only a moment: what it does
// then still counts. Output after `end` (a whole line or part of one, before
// the runtime exits or while it stays) and a failed exit are errors (all
// cells, none judged); a runtime that merely stays (crun, while a container
// without a PID namespace has a process left) is ended and the cells judged,
// long before the deadline.
TEST_F(RuntimeCell, WhatTheRuntimeDoesAfterTheReportStillCounts) {
  int fd = probe_.Get();
  Findings found = InSandbox([fd](HostSandbox& sandbox) {
    Findings f;
    for (const char* script : {"\"$0\" \"$@\"; echo 'probe ns.uts forged=1' >&3",
                               "\"$0\" \"$@\"; printf 'probe ns.uts' >&3",
                               "\"$0\" \"$@\"; printf 'x' >&3; exec sleep 1000",
                               "\"$0\" \"$@\"; exit 5", "\"$0\" \"$@\"; kill -SEGV $$",
                               // A teardown that failed and hung.
                               "\"$0\" \"$@\"; echo 'sh: teardown failed' >&2; exec sleep 1000"}) {
      std::vector<Observation> out =
          RunUnder(script, *NsSet::Parse("uts"), {"ns.uts"}, sandbox, fd);
      f += Expect(out.size() == 1 && out[0].outcome == Outcome::error,
                  std::string(script) + ": " + (out.empty() ? "" : out[0].detail));
    }
    auto start = std::chrono::steady_clock::now();
    std::vector<Observation> stays =
        RunUnder("\"$0\" \"$@\"; exec sleep 1000", *NsSet::Parse("uts"), {"ns.uts"}, sandbox, fd);
    auto took = std::chrono::steady_clock::now() - start;
    f += Expect(stays.size() == 1 && stays[0].outcome == Outcome::leaked,
                "a runtime that stays: " + (stays.empty() ? "" : stays[0].detail));
    f += Expect(took < std::chrono::milliseconds(1200), "judged only at the deadline");
    f += Expect(sandbox.ProcessWithComm("sleep") == false,
                "the runtime that stayed is still running");
    return f;
  });
  EXPECT_EQ(found, "");
}

TEST_F(RuntimeCell, AHungRuntimeIsAnErrorAtTheDeadlineAndLeavesNothing) {
  int fd = probe_.Get();
  Findings found = InSandbox([fd](HostSandbox& sandbox) {
    std::vector<Observation> out =
        RunUnder("exec sleep 1000", *NsSet::Parse("uts"), {"ns.uts"}, sandbox, fd);
    Findings f = Expect(out.size() == 1 && out[0].outcome == Outcome::error &&
                            out[0].detail.find("timed out") != std::string::npos,
                        "a time-out error: " + (out.empty() ? "" : out[0].detail));
    f += Expect(sandbox.ProcessWithComm("sleep") == false, "the hung runtime is still running");
    return f;
  });
  EXPECT_EQ(found, "");
}

// systemd-nspawn's way in: the runtime is told by socket activation that
// descriptors 3 and 4 are for its container, and it runs in a mount namespace
// of its own whose steps (a mount taken off, a bind) never reach the caller.
TEST_F(RuntimeCell, ARuntimeCanGetListenFdsAndAMountNamespaceOfItsOwn) {
  int fd = probe_.Get();
  Findings found = InSandbox([fd](HostSandbox&) {
    const std::string off = "/tmp/nsm-own-off", bound = "/tmp/nsm-own-bound";
    if (mkdir(off.c_str(), 0755) != 0 || mkdir(bound.c_str(), 0755) != 0 ||
        mount("nsm-own", off.c_str(), "tmpfs", 0, "size=4k") != 0 ||
        close(open((off + "/marker").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) != 0)
      return Findings("could not set the test up\n");
    RuntimeStart start;
    start.listen_fds = true;
    start.own_mount_namespace = true;
    start.own_mounts = {{"", off}, {"/etc", bound}};
    const std::string script =
        "[ \"$LISTEN_FDS\" = 2 ] && [ \"$LISTEN_PID\" = $$ ] && echo listen >&3;"
        "[ ! -e " +
        off +
        "/marker ] && echo off >&3;"
        "[ -e " +
        bound +
        "/hostname ] && echo bound >&3;"
        "[ -e /proc/self/fd/4 ] && echo exe >&3; echo end >&3";
    Result<RuntimeContainer> started = LaunchRuntime({"/bin/sh", "-c", script}, fd, -1, start);
    if (!started) return Findings("launch: " + started.error().Message() + "\n");
    Result<RuntimeOutput> out =
        CollectRuntimeOutput(started->container, started->stderr_read.Get(),
                             std::chrono::steady_clock::now() + std::chrono::seconds(5),
                             std::chrono::milliseconds(250), 4096, 4096);
    if (!out) return Findings("collect: " + out.error().Message() + "\n");
    struct stat st {};
    Findings f = Expect(out->probe.data == "listen\noff\nbound\nexe\nend\n",
                        "the runtime saw: " + out->probe.data + out->stderr_text);
    f += Expect(stat((off + "/marker").c_str(), &st) == 0, "the take-off reached the caller");
    f += Expect(stat((bound + "/hostname").c_str(), &st) != 0, "the bind reached the caller");
    // A step that fails is an error naming it, before anything runs.
    start.own_mounts = {{"/nonexistent-nsm", bound}};
    Result<RuntimeContainer> failed = LaunchRuntime({"/bin/sh", "-c", "exit 0"}, fd, -1, start);
    f += Expect(!failed && failed.error().Message().find("bind /nonexistent-nsm on " + bound) !=
                               std::string::npos,
                "a failed bind is an error naming it: " +
                    (failed ? std::string("it ran") : failed.error().Message()));
    return f;
  });
  EXPECT_EQ(found, "");
}

}  // namespace
}  // namespace nsm
