#include "harness/runner/matrix_runner.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <iterator>
#include <map>
#include <optional>
#include <utility>

#include "harness/common/io.h"
#include "harness/common/protocol.h"
#include "harness/common/strings.h"
#include "harness/launcher/clone3.h"
#include "harness/rules/verdict.h"
#include "harness/runner/sandbox_starter.h"
#include "harness/runner/worker_config.h"
#include "harness/sandbox/cgroup_tree.h"

namespace nsm {
namespace {

using Clock = std::chrono::steady_clock;

// Requests a worker holds at once: the one it runs and the next, already in
// its pipe when it finishes, so it never sleeps waiting for the runner.
constexpr size_t kRequestsInFlight = 2;
// A reply's line holds at most a probe's detail, itself cut from at most 1 MiB
// of the probe's output and escaped: a worker past this is broken.
constexpr size_t kMaxReplyLine = 16u << 20;

struct Observed {
  Outcome outcome;
  std::string detail;
  NsSet refused_types{};  // Observation::refused_types
};

struct Worker {
  SandboxProcess sandbox;
  LineBuffer buffer;
  bool ready = false;
  // Combination indexes sent, in order; the worker runs the front one.
  std::deque<unsigned> in_flight;
  Clock::time_point deadline;  // for the front one
  std::map<std::string, Observed> replies;
  bool retired = false;  // removed at the end of the poll round
};

class Runner {
 public:
  Runner(const RunPlan& plan, SandboxStarter& starter, const RunnerLimits& limits,
         const ProgressFn& progress, const CombinationFn& on_combination, int cancel_fd)
      : plan_(plan),
        starter_(starter),
        limits_(limits),
        progress_(progress),
        on_combination_(on_combination),
        cancel_fd_(cancel_fd) {}

  Result<MatrixResult> Run() {
    auto start = Clock::now();
    if (Status s = DecideWhatRuns(); !s) return std::unexpected(s.error());
    // clone3(CLONE_NEWTIME) cannot carry offsets; it is used only when asked
    // for and where the kernel takes it (detected once).
    time_via_unshare_ = plan_.time_via_unshare || !Clone3SupportsNewTime();
    if (std::unique_ptr<RuntimeAdapter> adapter = MakeRuntimeAdapter(plan_.runtime.kind)) {
      runtime_sysfs_ = adapter->MountsOwnSysfs();
      proc_kept_ = adapter->KeepsTheRootsProc();
    }
    if (Status s = starter_.Prepare(); !s) return std::unexpected(s.error());
    cgroup_unavailable_ = starter_.CgroupUnavailable();
    if (run_probes_.empty()) {
      for (NsSet ns : plan_.combinations) Record(ns.Index(), {});
    } else {
      for (NsSet ns : plan_.combinations) queue_.push_back(ns.Index());
    }
    int jobs = std::max(1, std::min<int>(plan_.jobs, static_cast<int>(queue_.size())));
    if (queue_.empty()) jobs = 0;
    for (int i = 0; i < jobs; ++i) {
      if (Status s = StartWorker(); !s) return std::unexpected(s.error());
    }
    while (results_.size() < plan_.combinations.size()) {
      // Never wait on nothing: combinations left, none queued, none running.
      bool busy = std::any_of(workers_.begin(), workers_.end(),
                              [](const auto& w) { return !w->ready || !w->in_flight.empty(); });
      if (queue_.empty() && !busy)
        return Fail(EPROTO, "run matrix", "combinations were lost between runner and sandboxes");
      if (Status s = Step(); !s) return std::unexpected(s.error());
    }
    MatrixResult result;
    result.time_via_unshare = time_via_unshare_;
    result.cgroup_unavailable = cgroup_unavailable_;
    result.cells.reserve(plan_.combinations.size() * plan_.probes.size());
    for (NsSet ns : plan_.combinations) {
      std::vector<CellResult>& cells = results_.at(ns.Index());
      bool refused = std::any_of(cells.begin(), cells.end(),
                                 [](const CellResult& c) { return c.outcome == Outcome::refused; });
      result.accepted_combinations += !refused;
      std::move(cells.begin(), cells.end(), std::back_inserter(result.cells));
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
  }

 private:
  // What the kernel will not give decides the sandbox: without mount or PID
  // namespaces there is none; without another type it shares the caller's and
  // the probes that would then act on the machine's do not run.
  Status DecideWhatRuns() {
    for (Ns needed : {Ns::mnt, Ns::pid}) {
      const std::string& problem = plan_.unavailable[static_cast<int>(needed)];
      if (!problem.empty()) {
        return Fail(0, problem,
                    "cannot build a host sandbox (it needs mount and PID namespaces of its own)");
      }
    }
    for (Ns ns : {Ns::uts, Ns::ipc, Ns::net, Ns::cgroup, Ns::time}) {
      if (!plan_.unavailable[static_cast<int>(ns)].empty())
        sandbox_without_ = sandbox_without_.With(ns);
    }
    for (const ProbeSpec* spec : plan_.probes) {
      for (const NsInfo& info : kNamespaces) {
        if (spec->host_needs.Has(info.ns) && sandbox_without_.Has(info.ns)) {
          not_run_[spec->id] = "not run: the host sandbox has no " + std::string(info.name) +
                               " namespace of its own, so this probe would act on the machine's. " +
                               plan_.unavailable[static_cast<int>(info.ns)];
        }
      }
      // A kernel built without a type has no /proc/self/ns/<type> link: its
      // ns.<type> probe has nothing to compare in any combination.
      for (const NsInfo& info : kNamespaces) {
        const std::string& problem = plan_.unavailable[static_cast<int>(info.ns)];
        std::string link = "/proc/self/ns/" + std::string(info.name);
        if (spec->id == "ns." + std::string(info.name) && !problem.empty() &&
            access(link.c_str(), F_OK) != 0 && errno == ENOENT) {
          not_run_[spec->id] = "not run: this kernel has no " + std::string(info.name) +
                               " namespaces at all (" + link + " does not exist). " + problem;
        }
      }
      if (!not_run_.contains(spec->id)) run_probes_.push_back(spec->id);
    }
    return {};
  }

  // One cell per probe of the plan, each with its expected outcome and verdict.
  std::vector<CellResult> Judge(NsSet ns, const std::map<std::string, Observed>& observed) const {
    RuleContext ctx;
    ctx.namespaces = ns;
    ctx.map_root = plan_.userns_map == UsernsMap::root;
    ctx.propagation_shared =
        plan_.propagation == Propagation::kShared || plan_.propagation == Propagation::kUnchanged;
    ctx.time_offsets = time_via_unshare_;
    ctx.initial_userns = plan_.initial_userns;
    ctx.host_root = plan_.rootfs.empty();
    ctx.propagation_private = plan_.propagation == Propagation::kPrivate;
    ctx.runtime_sysfs = runtime_sysfs_;
    ctx.proc_kept = proc_kept_;
    std::vector<CellResult> cells;
    cells.reserve(plan_.probes.size());
    for (const ProbeSpec* spec : plan_.probes) {
      CellResult cell;
      cell.namespaces = ns;
      cell.probe = spec->id;
      auto it = observed.find(spec->id);
      cell.outcome = it != observed.end() ? it->second.outcome : Outcome::error;
      cell.detail = it != observed.end() ? it->second.detail : "the sandbox worker sent no result";
      if (auto skipped = not_run_.find(spec->id); skipped != not_run_.end()) {
        cell.outcome = Outcome::unsupported;
        cell.detail = skipped->second;
      } else if (cell.outcome == Outcome::unsupported) {
        // The kernel refusing namespaces is a skip only where the run's live
        // check found one of the refused types unusable. A refusal of types
        // that each worked when the run began (a limit reached in passing, a
        // security module's rule for the sandbox alone) would otherwise turn
        // cells into skips unseen.
        const NsSet refused = it->second.refused_types;
        std::string causes = Causes(refused.Empty() ? ns : refused);
        if (causes.empty() && !refused.Empty()) {
          cell.outcome = Outcome::error;
          cell.detail += ". The kernel refused " + refused.ToString() +
                         " namespaces although each type could be made when the run began, so "
                         "it is an error, not a skip (a limit that this run's own sandboxes "
                         "reach counts too: fewer --jobs, or a higher limit)";
        } else {
          cell.detail += causes;
        }
      }
      cell.expected = spec->Expected(ctx);
      if (const ExpectationOverride* o = FindOverride(plan_.overrides, spec->id, ns)) {
        cell.expected = o->outcome;
        cell.override_used = o;
      }
      cell.verdict = Decide(cell.outcome, cell.expected);
      cells.push_back(std::move(cell));
    }
    return cells;
  }

  // A combination is judged when its last reply arrives and handed on at
  // once: the runner does it while the sandboxes run the next ones.
  void Record(unsigned index, const std::map<std::string, Observed>& observed) {
    std::vector<CellResult>& cells = results_[index] = Judge(NsSet::FromIndex(index), observed);
    if (on_combination_) on_combination_(NsSet::FromIndex(index), cells);
    Progress();
  }

  // For namespaces the kernel refused: why, per type the run's kernel check
  // found unusable ("" when none of them was).
  std::string Causes(NsSet ns) const {
    std::string out;
    for (const NsInfo& info : kNamespaces) {
      const std::string& problem = plan_.unavailable[static_cast<int>(info.ns)];
      if (ns.Has(info.ns) && !problem.empty()) out += ". " + problem;
    }
    return out;
  }

  WorkerConfig ConfigFor(int index, const std::string& cgroup_cell) const {
    WorkerConfig config;
    config.index = index;
    config.probe_path = plan_.probe_path;
    config.probes = run_probes_;
    config.sandbox_without = sandbox_without_;
    config.userns_map = plan_.userns_map;
    config.timeout = plan_.timeout;
    config.time_via_unshare = time_via_unshare_;
    config.propagation = plan_.propagation;
    config.rootfs = plan_.rootfs;
    config.runtime = plan_.runtime.kind;
    if (config.runtime != RuntimeKind::native) config.runtime_path = plan_.runtime.path;
    config.container_prefix = RuntimeCgroupPrefix(getpid());
    config.cgroup_cell = cgroup_cell;
    if (cgroup_cell.empty()) config.cgroup_unavailable = cgroup_unavailable_;
    return config;
  }

  Status StartWorker() {
    int index = next_index_++;
    Result<SandboxStarter::Started> started = starter_.Start(index, sandbox_without_);
    if (!started) return std::unexpected(started.error());
    // Its part of the plan, before any request. A failed write means the
    // worker is gone: its EOF retires it next round.
    (void)SendAll(
        started->sandbox.channel.Get(),
        protocol::Format(EncodeWorkerConfig(ConfigFor(index, started->cgroup_cell))) + "\n");
    auto worker = std::make_unique<Worker>();
    worker->sandbox = std::move(started->sandbox);
    worker->deadline = Clock::now() + limits_.worker_slack;
    workers_.push_back(std::move(worker));
    return {};
  }

  void Dispatch(Worker& worker) {
    if (!worker.ready) return;
    while (worker.in_flight.size() < kRequestsInFlight && !queue_.empty()) {
      unsigned index = queue_.front();
      queue_.pop_front();
      // The worker starts it now: the clock for it starts too.
      if (worker.in_flight.empty())
        worker.deadline = Clock::now() + plan_.timeout + limits_.worker_slack;
      worker.in_flight.push_back(index);
      protocol::Record request{"run", "", {}};
      request.Add("combination", static_cast<long long>(index));
      // A failed write means the worker is gone: its EOF retires it next round.
      (void)SendAll(worker.sandbox.channel.Get(), protocol::Format(request) + "\n");
    }
  }

  // A worker died, hung or broke protocol: its combination's cells become
  // errors with the reason, and a fresh sandbox takes its place.
  Status Retire(size_t slot, const std::string& why) {
    Worker* worker = workers_[slot].get();
    worker->retired = true;
    worker->sandbox.process.KillAndReap();
    std::string reason = why + " (" + worker->sandbox.process.StatusText() + ")";
    // Before any sandbox of the run was ready, a failure to start one says
    // the machine cannot make them; after, a replacement that failed to
    // start counts against the restarts like any other failure.
    if (!worker->ready && !any_ready_) {
      return Fail(
          EPROTO, "start host sandbox", reason,
          "the sandbox needs root and working mount, UTS, IPC, network, PID and cgroup namespaces");
    }
    if (!worker->in_flight.empty()) {
      std::map<std::string, Observed> cells;
      for (const std::string& id : run_probes_) {
        cells[id] = {Outcome::error, "host sandbox failed during this combination: " + reason};
      }
      Record(worker->in_flight.front(), cells);
      // The worker takes its requests in order: the rest never started. A
      // fresh sandbox runs them.
      for (auto it = worker->in_flight.rbegin(); it != std::prev(worker->in_flight.rend()); ++it)
        queue_.push_front(*it);
      worker->in_flight.clear();
      // An idle worker takes them now, not only the replacement.
      for (const auto& other : workers_) {
        if (!other->retired) Dispatch(*other);
      }
    }
    if (results_.size() == plan_.combinations.size()) return {};  // all done: no replacement needed
    if (++restarts_ > limits_.max_restarts)
      return Fail(EPROTO, "host sandbox", "keeps failing: " + reason);
    if (!queue_.empty()) return StartWorker();
    return {};
  }

  Status HandleLine(size_t slot, const std::string& line) {
    Worker& worker = *workers_[slot];
    Result<protocol::Record> record = protocol::Parse(line);
    if (!record) return Retire(slot, "garbled reply: " + record.error().context);
    if (record->kind == "fatal")
      return Retire(slot, std::string(record->Get("error").value_or("fatal error")));
    if (!worker.ready) {
      if (record->kind != protocol::kHello) return Retire(slot, "no ready record");
      worker.ready = true;
      any_ready_ = true;
      Dispatch(worker);
      return {};
    }
    if (worker.in_flight.empty()) return Retire(slot, "reply without a request");
    if (record->kind == "probe") {
      std::optional<Outcome> outcome = OutcomeFromName(record->Get("outcome").value_or(""));
      if (!outcome) return Retire(slot, "reply without a valid outcome");
      std::optional<long long> refused = record->GetInt("refused");
      if (refused && (*refused < 1 || *refused >= kCombinationCount))
        return Retire(slot, "reply with refused types out of range");
      if (std::find(run_probes_.begin(), run_probes_.end(), record->id) == run_probes_.end())
        return Retire(slot, "reply for a probe not asked for: '" + record->id + "'");
      if (worker.replies.contains(record->id)) return Retire(slot, "two replies for " + record->id);
      worker.replies[record->id] = {*outcome, std::string(record->Get("detail").value_or("")),
                                    NsSet::FromIndex(static_cast<unsigned>(refused.value_or(0)))};
      return {};
    }
    if (record->kind == "end") {
      if (record->GetInt("probes") != static_cast<long long>(worker.replies.size()))
        return Retire(slot, "an end record that does not count the replies before it");
      unsigned index = worker.in_flight.front();
      worker.in_flight.pop_front();
      restarts_ = 0;  // the limit is on failures in a row, not in a whole run
      // The next one is already running.
      if (!worker.in_flight.empty())
        worker.deadline = Clock::now() + plan_.timeout + limits_.worker_slack;
      Dispatch(worker);
      Record(index, std::exchange(worker.replies, {}));
      return {};
    }
    return Retire(slot, "unknown reply '" + record->kind + "'");
  }

  Status Step() {
    std::vector<pollfd> fds;
    for (const auto& worker : workers_) fds.push_back({worker->sandbox.channel.Get(), POLLIN, 0});
    if (cancel_fd_ >= 0) fds.push_back({cancel_fd_, POLLIN, 0});
    auto now = Clock::now();
    auto next = now + std::chrono::seconds(1);
    // Only a worker that owes an answer has a deadline.
    for (const auto& worker : workers_) {
      if (!worker->ready || !worker->in_flight.empty()) next = std::min(next, worker->deadline);
    }
    int wait_ms = static_cast<int>(
        std::max<long>(0,
                       std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count()) +
        1);
    int n = poll(fds.data(), fds.size(), wait_ms);
    if (n < 0 && errno != EINTR) return FailErrno("poll", "run matrix");
    if (cancel_fd_ >= 0 && (fds.back().revents & POLLIN)) {
      return Fail(EINTR, "run matrix", "interrupted; every sandbox was torn down");
    }
    size_t polled = fds.size() - (cancel_fd_ >= 0 ? 1 : 0);
    for (size_t slot = 0; slot < polled; ++slot) {
      Worker& worker = *workers_[slot];
      if (worker.retired) continue;
      if (fds[slot].revents & (POLLIN | POLLHUP | POLLERR)) {
        char chunk[8192];
        ssize_t got = read(worker.sandbox.channel.Get(), chunk, sizeof(chunk));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
          if (Status s = Retire(slot, "sandbox worker exited"); !s) return s;
          continue;
        }
        worker.buffer.Append(std::string_view(chunk, static_cast<size_t>(got)));
        while (!worker.retired) {
          std::optional<std::string> line = worker.buffer.PopLine();
          if (!line) break;
          if (Status s = HandleLine(slot, *line); !s) return s;
        }
        if (!worker.retired && worker.buffer.Size() > kMaxReplyLine) {
          if (Status s = Retire(slot, "a reply line of more than 16 MiB"); !s) return s;
          continue;
        }
      }
      // Checked whether or not it wrote: output that never ends in an answer
      // does not stop the clock.
      if (!worker.retired && Clock::now() > worker.deadline &&
          (!worker.in_flight.empty() || !worker.ready)) {
        if (Status s = Retire(slot, "sandbox worker did not answer in time"); !s) return s;
      }
    }
    std::erase_if(workers_, [](const std::unique_ptr<Worker>& w) { return w->retired; });
    return {};
  }

  void Progress() {
    if (progress_) progress_(results_.size(), plan_.combinations.size());
  }

  const RunPlan& plan_;
  SandboxStarter& starter_;
  const RunnerLimits limits_;
  const ProgressFn& progress_;
  const CombinationFn& on_combination_;
  int cancel_fd_;
  bool time_via_unshare_ = true;
  bool runtime_sysfs_ = false;  // the runtime mounts its own sysfs (RuntimeAdapter)
  bool proc_kept_ = false;      // the runtime leaves the root's /proc under its own
  std::string cgroup_unavailable_;
  NsSet sandbox_without_;                       // namespaces the kernel would not give it
  std::map<std::string, std::string> not_run_;  // probe id -> why it cannot run here
  std::vector<std::string> run_probes_;         // the rest, in run order
  std::deque<unsigned> queue_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::map<unsigned, std::vector<CellResult>> results_;  // by combination index, judged
  int next_index_ = 0;
  int restarts_ = 0;        // sandboxes started in place of failed ones since the last answer
  bool any_ready_ = false;  // a sandbox of this run has said it is ready
};

}  // namespace

Result<MatrixResult> RunMatrix(const RunPlan& plan, const ProgressFn& progress,
                               const CombinationFn& on_combination, int cancel_fd) {
  // Declared before the runner: its cgroups outlive every sandbox.
  HostSandboxStarter starter(plan.worker_exe);
  return RunMatrixWith(plan, starter, {}, progress, on_combination, cancel_fd);
}

Result<MatrixResult> RunMatrixWith(const RunPlan& plan, SandboxStarter& starter,
                                   const RunnerLimits& limits, const ProgressFn& progress,
                                   const CombinationFn& on_combination, int cancel_fd) {
  if (plan.combinations.empty() || plan.probes.empty())
    return Fail(EINVAL, "run matrix", "nothing to run");
  return Runner(plan, starter, limits, progress, on_combination, cancel_fd).Run();
}

}  // namespace nsm
