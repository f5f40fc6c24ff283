// `nsmatrix bench`: what each namespace costs to create and tear down, and what
// nsmatrix adds on top of the kernel. Runs nsmatrix-bench (found beside this program)
// or reads the JSON it saved, and renders a table per namespace set and method, the
// harness's overhead against its targets, an HTML page with charts, and optionally a
// comparison with an earlier run.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/cli/report_files.h"
#include "harness/common/install_paths.h"
#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "harness/common/subprocess.h"
#include "reports/atomic_file.h"
#include "reports/bench/bench_compare.h"
#include "reports/bench/bench_html.h"
#include "reports/bench/bench_markdown.h"
#include "reports/bench/bench_report.h"

namespace nsm {
namespace {

struct BenchArgs {
  std::string from;
  std::string out_dir, markdown, html, json;
  std::string compare;
  double threshold = kDefaultSlowerThreshold;
  std::vector<std::string> bench_flags;
};

int UsageError(const std::string& message) {
  fprintf(stderr, "nsmatrix bench: %s\n", message.c_str());
  return kExitUsage;
}

// Fills in the names --out implies and checks every directory is there and writable,
// before a run that takes minutes.
Status PrepareOutputs(BenchArgs& args) {
  namespace fs = std::filesystem;
  // --out is made only when the reports are written (WriteOutputs).
  if (Status s = CheckOutDir(args.out_dir); !s) return s;
  if (!args.out_dir.empty()) {
    for (auto [path, name] : {std::pair{&args.markdown, "bench.md"},
                              {&args.html, "bench.html"},
                              {&args.json, "bench.json"}}) {
      if (path->empty()) *path = (fs::path(args.out_dir) / name).string();
    }
  }
  return CheckOutputPaths({&args.markdown, &args.html, &args.json}, args.out_dir);
}

struct BenchRun {
  std::string json;
  ExitStatus status;
};

// nsmatrix-bench with `flags`, its console output on our stderr, its JSON read back
// from a temporary file (removed).
Result<BenchRun> RunBenchmarks(const std::vector<std::string>& flags) {
  const std::string program = HelperProgram("nsmatrix-bench");
  if (access(program.c_str(), X_OK) != 0) {
    return Fail(errno, "find " + program, {},
                "build it (cmake --build build --target nsmatrix-bench, with NSM_BUILD_BENCH=ON) "
                "or render a saved run with --from BENCH.json");
  }
  Result<TempFile> out = TempFile::Create(".json");
  if (!out) return std::unexpected(out.error());
  std::vector<std::string> argv = {program};
  argv.insert(argv.end(), flags.begin(), flags.end());
  // Last, so they win over anything in `flags`.
  argv.push_back("--benchmark_out=" + out->Path());
  argv.push_back("--benchmark_out_format=json");
  // Ctrl-C stops the benchmarks, not us: the temporary file is removed and the exit
  // code says what happened.
  Result<Finished> finished =
      SpawnAndWait(argv, {.stdout_to_stderr = true, .forward_interrupts = true});
  if (!finished) return std::unexpected(finished.error());
  if (!finished->status.exited) return BenchRun{{}, finished->status};
  Result<std::string> json = ReadFile(out->Path());
  if (!json) return std::unexpected(json.error());
  return BenchRun{std::move(*json), finished->status};
}

Status WriteOutputs(const BenchArgs& args, const std::string& json, const BenchReport& report,
                    const BenchComparison* comparison, const std::string& markdown) {
  if (Status s = MakeOutDir(args.out_dir); !s) return s;
  if (!args.json.empty())
    if (Status s = WriteFileAtomically(args.json, json); !s) return s;
  if (!args.markdown.empty())
    if (Status s = WriteFileAtomically(args.markdown, markdown); !s) return s;
  if (!args.html.empty())
    if (Status s = WriteFileAtomically(args.html, RenderBenchHtml(report, comparison)); !s)
      return s;
  return {};
}

int RunBenchCommand(BenchArgs& args) {
  if (!args.from.empty() && !args.bench_flags.empty())
    return UsageError("flags after -- are for a benchmark run; they cannot go with --from");
  if (!(args.threshold > 1))
    return UsageError("--threshold must be above 1 (e.g. 1.5: flag 50% slower)");
  if (Status s = PrepareOutputs(args); !s) return UsageError(s.error().Message());
  std::optional<BenchResults> old;
  if (!args.compare.empty()) {
    Result<BenchResults> loaded = LoadBenchJson(args.compare);
    if (!loaded) return UsageError("--compare: " + loaded.error().Message());
    old = std::move(*loaded);
  }

  std::string json;
  bool run_failed = false;
  if (!args.from.empty()) {
    Result<std::string> text = ReadFile(args.from, kMaxInputFileBytes);
    if (!text) return UsageError("--from: " + text.error().Message());
    json = std::move(*text);
  } else {
    Result<BenchRun> run = RunBenchmarks(args.bench_flags);
    if (!run) return UsageError(run.error().Message());
    if (!run->status.exited) {
      fprintf(stderr, "nsmatrix bench: nsmatrix-bench %s\n", run->status.Describe().c_str());
      bool interrupt = run->status.signal == SIGINT || run->status.signal == SIGTERM;
      return interrupt ? kExitInterrupted : kExitUsage;
    }
    // 1: some benchmark failed, the rest still reported; anything else: no run.
    if (run->status.code != 0 && run->status.code != 1)
      return UsageError("nsmatrix-bench " + run->status.Describe() + " (see its messages above)");
    run_failed = run->status.code == 1;
    json = std::move(run->json);
  }
  Result<BenchResults> results = ParseBenchJson(json);
  if (!results) {
    Error error = results.error();
    return UsageError(
        std::move(error).Wrap(args.from.empty() ? "nsmatrix-bench output" : args.from).Message());
  }

  BenchReport report = BuildBenchReport(*results);
  std::optional<BenchComparison> comparison;
  if (old) {
    // Sustained times are per K creates: runs with different K do not compare.
    auto k_of = [](const BenchResults& r) {
      auto it = r.context.extra.find("nsm_sustained");
      return it == r.context.extra.end() ? std::string() : it->second;
    };
    if (k_of(*old) != k_of(*results)) {
      return UsageError("--compare: the runs used different --nsm_sustained (" + k_of(*old) +
                        " and " + k_of(*results) + "): their sustained times do not compare");
    }
    comparison = CompareBench(*old, *results, args.threshold);
  }
  const BenchComparison* compared = comparison ? &*comparison : nullptr;
  std::string markdown = RenderBenchMarkdown(report, compared);
  if (Status s = WriteOutputs(args, json, report, compared, markdown); !s)
    return UsageError(s.error().Message());
  fputs(markdown.c_str(), stdout);
  for (auto [path, label] :
       {std::pair{&args.json, "JSON"}, {&args.markdown, "Markdown"}, {&args.html, "HTML"}}) {
    if (!path->empty()) fprintf(stderr, "%-8s written: %s\n", label, path->c_str());
  }
  bool slower = comparison && comparison->SlowerCount() > 0;
  if (slower) {
    fprintf(stderr, "nsmatrix bench: %d of %zu benchmarks are more than %.2fx slower than %s\n",
            comparison->SlowerCount(), comparison->rows.size(), args.threshold,
            args.compare.c_str());
  }
  bool lost = comparison && !comparison->lost.empty();
  if (lost) {
    fprintf(stderr,
            "nsmatrix bench: %zu benchmarks measured in %s are missing, skipped or failed now: "
            "%s\n",
            comparison->lost.size(), args.compare.c_str(), Join(comparison->lost, ", ").c_str());
  }
  return run_failed || results->AnyFailed() || slower || lost ? kExitFailed : kExitOk;
}

}  // namespace

CommandFn AddBenchCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "bench", "Benchmark namespace creation and nsmatrix's overhead; render or compare results");
  sub->footer(
      "Without --from, runs nsmatrix-bench (beside this program; needs root; about 70 s on 2\n"
      "idle cores) and renders its results: the Markdown report on stdout, files as asked.\n"
      "Flags after -- go to nsmatrix-bench (Google Benchmark flags and --nsm_sustained=K).\n\n"
      "Examples:\n"
      "  sudo nsmatrix bench --out bench-report\n"
      "  sudo nsmatrix bench --json new.json -- --benchmark_repetitions=10 "
      "--benchmark_min_time=1\n"
      "  nsmatrix bench --from new.json --html bench.html\n"
      "  nsmatrix bench --from new.json --compare old.json --threshold 1.5\n"
      "  build/bin/nsmatrix-bench --benchmark_out=b.json --benchmark_out_format=json && "
      "nsmatrix bench --from b.json\n\n"
      "Exit: 0 rendered; 1 a benchmark failed, or (--compare) one is more than --threshold\n"
      "times slower; 2 unreadable input, unwritable output or no benchmark run; 130\n"
      "interrupted.");
  auto args = std::make_shared<BenchArgs>();
  sub->add_option("--from", args->from,
                  "Render this saved nsmatrix-bench JSON (--benchmark_out_format=json) instead of "
                  "running the benchmarks");
  sub->add_option("--out", args->out_dir,
                  "Write bench.json, bench.md and bench.html into this directory (created)");
  sub->add_option("--markdown", args->markdown, "Write the Markdown report here");
  sub->add_option("--html", args->html, "Write the self-contained HTML report (with charts) here");
  sub->add_option("--json", args->json, "Write the benchmark JSON here (input for --compare)");
  sub->add_option(
      "--compare", args->compare,
      "An earlier benchmark JSON: show new/old per benchmark, exit 1 if one got slower");
  sub->add_option("--threshold", args->threshold,
                  "With --compare: new/old median above this is 'slower' (default 1.5)");
  sub->add_option("BENCHMARK_FLAGS", args->bench_flags,
                  "After --: flags for nsmatrix-bench, e.g. -- --benchmark_filter=BM_Create");
  return [args]() { return RunBenchCommand(*args); };
}

}  // namespace nsm
