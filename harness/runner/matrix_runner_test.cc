// The runner against fake sandboxes: forked processes that speak the worker's
// protocol from a script (answer, exit, hang, garble, never be ready), so the
// runner's restart and time-out logic is tested without root or namespaces.
#include "harness/runner/matrix_runner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <map>
#include <set>

#include "harness/common/io.h"
#include "harness/common/protocol.h"
#include "harness/runner/sandbox_starter.h"
#include "harness/runner/worker_config.h"

namespace nsm {
namespace {

enum class Act {
  kAnswer,
  kRefuse,
  kExit,
  kHang,
  kGarble,
  kFatal,
  kBabble,
  kFlood,
  kUnasked,
  kTwice,
  kMiscount
};

// What worker `index` does with its `nth` request (0, 1, ...), for `combination`.
using Script = std::function<Act(int index, unsigned combination, int nth)>;

void Send(int fd, const protocol::Record& record) {
  (void)WriteAll(fd, protocol::Format(record) + "\n");
}

// The fake worker, in a forked child: never returns.
[[noreturn]] void FakeWorker(int fd, int index, bool ready, const Script& script) {
  LineBuffer buffer;
  Result<std::optional<std::string>> line = ReadLine(fd, buffer);
  if (!line || !*line) _exit(1);
  Result<protocol::Record> record = protocol::Parse(**line);
  if (!record) _exit(2);
  Result<WorkerConfig> config = DecodeWorkerConfig(*record);
  if (!config || config->index != index) _exit(3);
  if (!ready) pause();
  protocol::Record hello{std::string(protocol::kHello), "", {}};
  Send(fd, hello.Add("ready", 1).Add("hostname", "fake"));
  for (int nth = 0;; ++nth) {
    line = ReadLine(fd, buffer);
    if (!line || !*line) _exit(0);
    record = protocol::Parse(**line);
    if (!record || !record->GetInt("combination")) _exit(4);
    unsigned combination = static_cast<unsigned>(*record->GetInt("combination"));
    const Act act = script(index, combination, nth);
    switch (act) {
      case Act::kAnswer:
      case Act::kRefuse: {
        // kRefuse: every probe unsupported. ns.mnt as the launcher reports
        // clone3 refusing the combination; ns.uts as a fixture's refusal of
        // a user namespace (user.setns_sibling's); the others as a judge
        // with nothing to compare (cgroup.path without cgroup v2).
        const bool refused = act == Act::kRefuse;
        std::string replies;
        for (const std::string& probe : config->probes) {
          protocol::Record reply{"probe", probe, {}};
          reply.Add("outcome", refused ? "unsupported" : "isolated")
              .Add("detail", refused ? "clone3: ENOSPC" : "fake " + std::to_string(combination));
          if (refused && probe == "ns.mnt")
            reply.Add("refused", static_cast<long long>(combination));
          if (refused && probe == "ns.uts")
            reply.Add("refused", static_cast<long long>(NsSet().With(Ns::user).Index()));
          replies += protocol::Format(reply) + "\n";
        }
        protocol::Record end{"end", "", {}};
        replies += protocol::Format(end.Add("probes", (long long)config->probes.size())) + "\n";
        (void)WriteAll(fd, replies);
        break;
      }
      case Act::kExit:
        _exit(0);
      case Act::kHang:
        pause();
        _exit(0);
      case Act::kGarble:
        (void)WriteAll(fd, "probe ns.mnt outcome=%zz\n");  // a bad escape
        break;
      case Act::kBabble:  // writes for ever, a byte at a time, never a whole line
        (void)WriteAll(fd, "probe ns.mnt outcome=isolated detail=");
        while (WriteAll(fd, "x")) usleep(1000);
        _exit(0);
      case Act::kUnasked:
      case Act::kTwice:
      case Act::kMiscount: {  // what a forger of replies would try
        std::string replies;
        for (const std::string& probe : config->probes) {
          protocol::Record reply{"probe", probe, {}};
          replies +=
              protocol::Format(reply.Add("outcome", "isolated").Add("detail", "forged")) + "\n";
        }
        protocol::Record extra{"probe", act == Act::kUnasked ? "pid.see_host" : "ns.mnt", {}};
        if (act != Act::kMiscount)
          replies += protocol::Format(extra.Add("outcome", "isolated").Add("detail", "x")) + "\n";
        protocol::Record end{"end", "", {}};
        long long count = static_cast<long long>(config->probes.size()) + 1;
        replies += protocol::Format(end.Add("probes", count)) + "\n";
        (void)WriteAll(fd, replies);
        break;
      }
      case Act::kFlood: {  // one line without end
        std::string chunk(65536, 'x');
        (void)WriteAll(fd, "probe ns.mnt outcome=isolated detail=");
        while (WriteAll(fd, chunk)) {
        }
        _exit(0);
      }
      case Act::kFatal: {
        protocol::Record fatal{"fatal", "", {}};
        Send(fd, fatal.Add("error", "the fake broke"));
        _exit(1);
      }
    }
  }
}

class FakeStarter final : public SandboxStarter {
 public:
  explicit FakeStarter(
      Script script, std::function<bool(int)> ready = [](int) { return true; })
      : script_(std::move(script)), ready_(std::move(ready)) {}

  Status Prepare() override { return {}; }
  std::string CgroupUnavailable() const override { return "a fake has no cgroups"; }

  Result<Started> Start(int index, NsSet) override {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
      return FailErrno("socketpair");
    UniqueFd runner_end(pair[0]), worker_end(pair[1]);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) return FailErrno("fork");
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(9);
      runner_end.Reset();
      FakeWorker(worker_end.Get(), index, ready_(index), script_);
    }
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd.Valid()) return FailErrno("pidfd_open");
    pidfds_[index] = UniqueFd(fcntl(pidfd.Get(), F_DUPFD_CLOEXEC, 3));
    return Started{SandboxProcess{ChildProcess(pid, std::move(pidfd)), std::move(runner_end)}, ""};
  }

  int started() const { return static_cast<int>(pidfds_.size()); }

  // Has worker `index` been killed and reaped? Asked through its pidfd, so a
  // pid used again by then cannot answer for it.
  bool Gone(int index) const {
    siginfo_t info{};
    return waitid(P_PIDFD, static_cast<id_t>(pidfds_.at(index).Get()), &info, WEXITED | WNOHANG) <
               0 &&
           errno == ECHILD;
  }
  bool AllGone() const {
    for (const auto& [index, fd] : pidfds_) {
      if (!Gone(index)) return false;
    }
    return true;
  }

 private:
  Script script_;
  std::function<bool(int)> ready_;
  std::map<int, UniqueFd> pidfds_;  // by worker index
};

RunPlan Plan(size_t combinations, int jobs) {
  RunPlan plan;
  for (unsigned i = 0; i < combinations; ++i) plan.combinations.push_back(NsSet::FromIndex(i));
  plan.probes = *Catalogue::Builtin().Select("ns.mnt,ns.uts");
  plan.jobs = jobs;
  plan.timeout = std::chrono::milliseconds(100);
  plan.time_via_unshare = true;  // no clone3 probe of the kernel
  plan.probe_path = "/fake/nsprobe";
  return plan;
}

// Where no deadline should fire: long enough for a loaded machine (CI runs
// the integration tests beside this, and everything again under ASan).
const RunnerLimits kPatient{.worker_slack = std::chrono::seconds(30), .max_restarts = 4};
// Where one must: the cell's timeout and this slack, far below the 10 s default.
const RunnerLimits kBrief{.worker_slack = std::chrono::seconds(2), .max_restarts = 4};

Result<MatrixResult> RunFake(const RunPlan& plan, FakeStarter& starter,
                             const RunnerLimits& limits = kPatient, int cancel_fd = -1,
                             const CombinationFn& on_combination = {}) {
  return RunMatrixWith(plan, starter, limits, {}, on_combination, cancel_fd);
}

// The combinations whose cells are all errors, and the details of their cells.
std::map<unsigned, std::string> Errors(const MatrixResult& result) {
  std::map<unsigned, std::string> errors;
  for (const CellResult& cell : result.cells) {
    if (cell.outcome == Outcome::error) errors[cell.namespaces.Index()] = cell.detail;
  }
  return errors;
}

TEST(MatrixRunner, EveryCombinationComesBackFromItsWorker) {
  FakeStarter starter([](int, unsigned, int) { return Act::kAnswer; });
  RunPlan plan = Plan(8, 2);
  std::set<unsigned> handed_on;
  Result<MatrixResult> result = RunFake(plan, starter, kPatient, -1, [&](NsSet ns, auto cells) {
    EXPECT_EQ(cells.size(), 2u);
    handed_on.insert(ns.Index());
  });
  ASSERT_TRUE(result) << result.error().Message();
  ASSERT_EQ(result->cells.size(), 16u);
  for (size_t i = 0; i < result->cells.size(); ++i) {
    const CellResult& cell = result->cells[i];
    EXPECT_EQ(cell.namespaces.Index(), i / 2);  // the plan's order, whoever ran it
    EXPECT_EQ(cell.outcome, Outcome::isolated);
    EXPECT_EQ(cell.detail, "fake " + std::to_string(i / 2));
  }
  EXPECT_EQ(handed_on.size(), 8u);
  EXPECT_EQ(starter.started(), 2);
  EXPECT_EQ(result->cgroup_unavailable, "a fake has no cgroups");
}

// The launcher reports a combination the kernel refused as unsupported: a
// skip only where the run's kernel check found one of its types unusable; so
// is a fixture's refusal of a type (the held user namespace). A judge's
// unsupported (no fixture to compare with here) stays a skip.
TEST(MatrixRunner, ARefusalIsASkipOnlyWhereTheKernelCheckFoundATypeUnusable) {
  FakeStarter starter([](int, unsigned combination, int) {
    return combination == 0 ? Act::kAnswer : Act::kRefuse;
  });
  RunPlan plan = Plan(8, 1);
  plan.probes = *Catalogue::Builtin().Select("ns.mnt,ns.uts,ns.ipc");
  plan.unavailable[static_cast<int>(Ns::ipc)] = "ipc namespaces: limit 0";
  Result<MatrixResult> result = RunFake(plan, starter);
  ASSERT_TRUE(result) << result.error().Message();
  ASSERT_EQ(result->cells.size(), 24u);
  int skips = 0, errors = 0;
  for (const CellResult& cell : result->cells) {
    if (cell.namespaces.Empty()) continue;  // answered
    if (cell.probe == "ns.ipc") {
      EXPECT_EQ(cell.outcome, Outcome::unsupported) << cell.namespaces.ToString();
      continue;
    }
    if (cell.probe == "ns.uts") {  // user namespaces were found usable
      EXPECT_EQ(cell.outcome, Outcome::error) << cell.namespaces.ToString();
      EXPECT_NE(cell.detail.find("refused user namespaces"), std::string::npos) << cell.detail;
      continue;
    }
    if (cell.namespaces.Has(Ns::ipc)) {
      ++skips;
      EXPECT_EQ(cell.outcome, Outcome::unsupported) << cell.namespaces.ToString();
      EXPECT_NE(cell.detail.find("ipc namespaces: limit 0"), std::string::npos) << cell.detail;
    } else {
      ++errors;
      EXPECT_EQ(cell.outcome, Outcome::error) << cell.namespaces.ToString();
      EXPECT_NE(cell.detail.find("clone3: ENOSPC"), std::string::npos) << cell.detail;
      EXPECT_NE(cell.detail.find("not a skip"), std::string::npos) << cell.detail;
    }
  }
  EXPECT_GT(skips, 0);
  EXPECT_GT(errors, 0);
}

TEST(MatrixRunner, AWorkerThatDiesTakesOnlyItsCombinationDown) {
  // Worker 0 answers its first request, then dies on the second: the third,
  // already queued behind it, must run in the sandbox started in its place.
  // (One job: with two, the other worker might run everything first.)
  FakeStarter starter([](int index, unsigned, int nth) {
    return index == 0 && nth == 1 ? Act::kExit : Act::kAnswer;
  });
  Result<MatrixResult> result = RunFake(Plan(8, 1), starter);
  ASSERT_TRUE(result) << result.error().Message();
  std::map<unsigned, std::string> errors = Errors(*result);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.begin()->first, 1u);
  EXPECT_EQ(errors.begin()->second,
            "host sandbox failed during this combination: sandbox worker exited (exit 0)");
  EXPECT_EQ(starter.started(), 2);
  size_t isolated = 0;
  for (const CellResult& cell : result->cells) isolated += cell.outcome == Outcome::isolated;
  EXPECT_EQ(isolated, 14u);
}

TEST(MatrixRunner, AHungWorkerIsKilledAtItsDeadline) {
  FakeStarter starter([](int index, unsigned, int nth) {
    return index == 0 && nth == 0 ? Act::kHang : Act::kAnswer;
  });
  auto start = std::chrono::steady_clock::now();
  RunPlan plan = Plan(4, 1);
  plan.timeout = std::chrono::seconds(1);
  Result<MatrixResult> result = RunFake(plan, starter, kBrief);
  ASSERT_TRUE(result) << result.error().Message();
  std::map<unsigned, std::string> errors = Errors(*result);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.begin()->first, 0u);
  EXPECT_EQ(errors.begin()->second,
            "host sandbox failed during this combination: sandbox worker did not answer in time "
            "(killed by SIGKILL)");
  // The cell's timeout and the slack (3 s), not the default's 20 s.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(9));
  EXPECT_TRUE(starter.Gone(0));
}

// Output that never becomes an answer: endless replies without the end
// record run into the deadline; a line without end is cut off at 16 MiB.
TEST(MatrixRunner, AWorkerThatWritesWithoutAnsweringIsRetired) {
  for (Act act : {Act::kBabble, Act::kFlood}) {
    FakeStarter starter([act](int index, unsigned, int nth) {
      return index == 0 && nth == 0 ? act : Act::kAnswer;
    });
    RunPlan plan = Plan(3, 1);
    plan.timeout = std::chrono::seconds(1);
    auto start = std::chrono::steady_clock::now();
    Result<MatrixResult> result = RunFake(plan, starter, kBrief);
    ASSERT_TRUE(result) << result.error().Message();
    std::map<unsigned, std::string> errors = Errors(*result);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find(act == Act::kBabble ? "did not answer in time"
                                                 : "a reply line of more than 16 MiB"),
              std::string::npos)
        << errors[0];
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(9));
    EXPECT_TRUE(starter.AllGone());
  }
}

TEST(MatrixRunner, AGarbledOrFatalReplyRetiresTheWorker) {
  for (Act act : {Act::kGarble, Act::kFatal, Act::kUnasked, Act::kTwice, Act::kMiscount}) {
    FakeStarter starter([act](int index, unsigned, int nth) {
      return index == 0 && nth == 0 ? act : Act::kAnswer;
    });
    Result<MatrixResult> result = RunFake(Plan(3, 1), starter);
    ASSERT_TRUE(result) << result.error().Message();
    std::map<unsigned, std::string> errors = Errors(*result);
    ASSERT_EQ(errors.size(), 1u);
    const char* why = act == Act::kGarble    ? "garbled reply"
                      : act == Act::kFatal   ? "the fake broke"
                      : act == Act::kUnasked ? "reply for a probe not asked for: 'pid.see_host'"
                      : act == Act::kTwice   ? "two replies for ns.mnt"
                                             : "an end record that does not count the replies";
    EXPECT_NE(errors[0].find(why), std::string::npos) << errors[0];
    EXPECT_EQ(starter.started(), 2);
  }
}

TEST(MatrixRunner, SandboxesThatKeepFailingEndTheRun) {
  FakeStarter starter([](int, unsigned, int) { return Act::kExit; });
  RunnerLimits limits = kPatient;
  limits.max_restarts = 2;
  Result<MatrixResult> result = RunFake(Plan(8, 1), starter, limits);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().Message().find("keeps failing: sandbox worker exited"),
            std::string::npos)
      << result.error().Message();
  EXPECT_EQ(starter.started(), 3);  // the first and two restarts
  EXPECT_TRUE(starter.AllGone());
}

// Once the run's sandboxes have worked, one started in place of a failed
// one that fails to start is one more restart, not the end of the run (with
// a message blaming the machine's namespaces).
TEST(MatrixRunner, AReplacementThatNeverSaysReadyIsARestart) {
  FakeStarter starter([](int index, unsigned,
                         int nth) { return index == 0 && nth == 0 ? Act::kExit : Act::kAnswer; },
                      [](int index) { return index != 1; });
  Result<MatrixResult> result = RunFake(Plan(4, 1), starter, kBrief);
  ASSERT_TRUE(result) << result.error().Message();
  std::map<unsigned, std::string> errors = Errors(*result);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.begin()->first, 0u);
  EXPECT_EQ(starter.started(), 3);
  EXPECT_TRUE(starter.AllGone());
}

// The limit is on failures in a row: sandboxes that each answer before they
// fail make progress, however many of them a long run needs.
TEST(MatrixRunner, RestartsAreCountedInARowNotOverTheRun) {
  FakeStarter starter([](int, unsigned, int nth) { return nth == 0 ? Act::kAnswer : Act::kExit; });
  RunnerLimits limits = kPatient;
  limits.max_restarts = 2;
  Result<MatrixResult> result = RunFake(Plan(12, 1), starter, limits);
  ASSERT_TRUE(result) << result.error().Message();
  std::map<unsigned, std::string> errors = Errors(*result);
  EXPECT_EQ(errors.size(), 6u);
  EXPECT_EQ(starter.started(), 6);
  EXPECT_TRUE(starter.AllGone());
}

TEST(MatrixRunner, ASandboxThatNeverSaysReadyIsAnErrorNotAHang) {
  FakeStarter starter([](int, unsigned, int) { return Act::kAnswer; }, [](int) { return false; });
  Result<MatrixResult> result = RunFake(Plan(2, 1), starter, kBrief);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().Message().find("start host sandbox"), std::string::npos)
      << result.error().Message();
  EXPECT_NE(result.error().Message().find("did not answer in time"), std::string::npos);
  EXPECT_TRUE(starter.AllGone());
}

TEST(MatrixRunner, ACancelStopsTheRunAndLeavesNoWorker) {
  // The workers would go on for ever: the cancel descriptor is what ends it.
  FakeStarter starter([](int, unsigned, int nth) { return nth == 0 ? Act::kAnswer : Act::kHang; });
  int cancel[2];
  ASSERT_EQ(pipe2(cancel, O_CLOEXEC), 0);
  UniqueFd read_end(cancel[0]), write_end(cancel[1]);
  RunPlan plan = Plan(8, 2);
  plan.timeout = std::chrono::seconds(30);
  Result<MatrixResult> result = RunFake(plan, starter, kPatient, read_end.Get(), [&](NsSet, auto) {
    ASSERT_EQ(write(write_end.Get(), "x", 1), 1);
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().err, EINTR);
  EXPECT_EQ(starter.started(), 2);
  EXPECT_TRUE(starter.AllGone());
}

}  // namespace
}  // namespace nsm
