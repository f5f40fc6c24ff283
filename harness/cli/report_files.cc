#include "harness/cli/report_files.h"

#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "harness/common/io.h"
#include "harness/kernel/kernel_report.h"
#include "reports/atomic_file.h"
#include "reports/html/html_writer.h"
#include "reports/json_text.h"
#include "reports/junit_writer.h"
#include "reports/markdown_writer.h"
#include "reports/step_summary.h"

namespace nsm {
namespace {

// Nothing is there (an error in looking is not "missing").
bool Missing(const boost::filesystem::path& path) {
  boost::system::error_code ec;
  return boost::filesystem::status(path, ec).type() == boost::filesystem::file_not_found;
}

// `path` made absolute and normal, without a trailing "." ("dir/" is "dir").
boost::filesystem::path Normal(const std::string& path) {
  boost::filesystem::path normal = boost::filesystem::absolute(path).lexically_normal();
  while (normal.filename() == "." || normal.filename().empty()) {
    if (!normal.has_parent_path() || normal == normal.root_path()) break;
    normal = normal.parent_path();
  }
  return normal;
}

}  // namespace

void ReportFiles::AddOptions(CLI::App* sub, bool with_json, const char* out_help) {
  if (with_json) sub->add_option("--json", json, "Write the JSON document here");
  sub->add_option("--markdown", markdown, "Write the Markdown report here");
  sub->add_option("--html", html, "Write the self-contained HTML report here");
  sub->add_option("--junit", junit, "Write JUnit XML (one testcase per cell) here");
  sub->add_option(
      "--out", out_dir,
      out_help ? out_help
               : "Write matrix.json, matrix.md, matrix.html and junit.xml into this directory "
                 "(created)");
}

Status CheckOutDir(const std::string& dir) {
  if (dir.empty()) return {};
  boost::system::error_code ec;
  // The nearest directory of it or above it that is not missing (one that
  // cannot be looked at stops the search: the checks below then say so).
  boost::filesystem::path existing = Normal(dir);
  while (Missing(existing) && existing.has_parent_path() && existing != existing.root_path()) {
    existing = existing.parent_path();
  }
  if (existing == Normal(dir)) {
    if (!boost::filesystem::is_directory(existing, ec))
      return Fail(ENOTDIR, "--out " + dir + ": not a directory");
    return {};
  }
  if (!boost::filesystem::is_directory(existing, ec))
    return Fail(ENOTDIR, "--out " + dir + ": " + existing.string() + " is not a directory");
  // Tried, not asked of access(2): root may write to procfs and sysfs by
  // their mode bits, and a mount may be read-only.
  std::string trial = (existing / ".nsmatrix-out-XXXXXX").string();
  if (mkdtemp(trial.data()) == nullptr) {
    int err = errno;
    return Fail(err, "--out " + dir + ": cannot make a directory in " + existing.string());
  }
  rmdir(trial.c_str());
  return {};
}

bool MadeWithOutDir(const std::string& path, const std::string& dir) {
  if (dir.empty()) return false;
  const boost::filesystem::path parent = Normal(path).parent_path();
  for (boost::filesystem::path missing = Normal(dir); Missing(missing);
       missing = missing.parent_path()) {
    if (parent == missing) return true;
    if (!missing.has_parent_path() || missing == missing.root_path()) break;
  }
  return false;
}

Status CheckOutputPaths(std::initializer_list<const std::string*> paths,
                        const std::string& out_dir) {
  for (const std::string* path : paths) {
    if (path->empty() || MadeWithOutDir(*path, out_dir)) continue;
    boost::filesystem::path parent = boost::filesystem::absolute(*path).parent_path();
    boost::system::error_code ec;
    std::string problem;
    int err = 0;
    if (!boost::filesystem::is_directory(parent, ec)) {
      problem = "directory " + parent.string() + " does not exist";
      err = ENOENT;
    } else if (boost::filesystem::is_directory(*path, ec)) {
      problem = *path + " is a directory";
      err = EISDIR;
    }
    if (!problem.empty()) return Fail(err, "cannot write " + *path + ": " + problem);
    // Its temporary file made and removed: the writer's own first step.
    if (Status s = CheckWritableAtomically(*path); !s) return s;
  }
  return {};
}

Status MakeOutDir(const std::string& dir) {
  if (dir.empty()) return {};
  boost::system::error_code ec;
  boost::filesystem::create_directories(dir, ec);
  if (ec) return Fail(ec.value(), "create --out " + dir);
  return {};
}

Status ReportFiles::Prepare(const ReportNames& names) {
  // --out is checked now and made only when the reports are written: a run
  // that stops before that leaves no empty directory behind.
  if (Status s = CheckOutDir(out_dir); !s) return s;
  if (!out_dir.empty()) {
    boost::filesystem::path dir(out_dir);
    for (auto [path, name] : {std::pair{&json, names.json},
                              {&markdown, names.markdown},
                              {&html, names.html},
                              {&junit, names.junit}}) {
      if (path->empty() && name != nullptr) *path = (dir / name).string();
    }
  }
  return CheckOutputPaths({&json, &markdown, &html, &junit}, out_dir);
}

Status ReportFiles::MakeOutDir() const {
  return nsm::MakeOutDir(out_dir);
}

Status ReportFiles::Write(const nlohmann::json& doc, const nlohmann::json& gate) const {
  std::pair<const std::string*, std::function<std::string()>> outputs[] = {
      {&json, [&] { return JsonText(doc); }},
      {&markdown, [&] { return RenderMarkdown(doc); }},
      {&html, [&] { return RenderHtml(doc, gate); }},
      {&junit, [&] { return RenderJUnit(doc); }},
  };
  // Every report rendered before any is written: a renderer that fails can
  // leave no new report beside the previous run's others, and the renames
  // follow one another as closely as they can.
  std::vector<std::pair<const std::string*, std::string>> rendered;
  for (const auto& [path, render] : outputs) {
    if (!path->empty()) rendered.emplace_back(path, render());
  }
  if (Status s = MakeOutDir(); !s) return s;
  for (const auto& [path, text] : rendered) {
    if (Status s = WriteFileAtomically(*path, text); !s) return s;
  }
  // On GitHub Actions: the summary goes to the job's page.
  return AppendStepSummaryIfRequested(doc);
}

void ReportFiles::PrintWritten() const {
  for (auto [path, label] :
       {std::pair{&json, "JSON"}, {&markdown, "Markdown"}, {&html, "HTML"}, {&junit, "JUnit"}}) {
    if (!path->empty()) printf("%-9s report: %s\n", label, path->c_str());
  }
}

Result<nlohmann::json> LoadJson(const std::string& path) {
  Result<std::string> text = ReadFile(path, kMaxInputFileBytes);
  if (!text) return std::unexpected(text.error());
  // Deep nesting would recurse in the parser's users: a report is never deeper than a few levels.
  constexpr int kMaxDepth = 32;
  bool too_deep = false;
  nlohmann::json::parser_callback_t limit = [&](int depth, nlohmann::json::parse_event_t,
                                                nlohmann::json&) {
    if (depth > kMaxDepth) too_deep = true;
    return !too_deep;
  };
  nlohmann::json doc = nlohmann::json::parse(*text, limit, /*allow_exceptions=*/false);
  if (too_deep)
    return Fail(0, path + ": nested deeper than " + std::to_string(kMaxDepth) + " levels");
  if (doc.is_discarded()) return Fail(0, path + ": not valid JSON");
  return doc;
}

Result<nlohmann::json> LoadDocument(const std::string& path) {
  Result<nlohmann::json> loaded = LoadJson(path);
  if (!loaded) return loaded;
  nlohmann::json& doc = *loaded;
  if (!doc.is_object() || !doc.contains("schema") || doc["schema"] != "nsmatrix/1") {
    return Fail(0, path + ": not an nsmatrix/1 document (no \"schema\": \"nsmatrix/1\")");
  }
  for (const char* key : {"cells", "probes"}) {
    if (!doc.contains(key) || !doc[key].is_array()) {
      return Fail(0, path + ": the document has no \"" + key + "\" array");
    }
  }
  return doc;
}

Result<nlohmann::json> LoadKernelOrMatrix(const std::string& path) {
  Result<nlohmann::json> loaded = LoadJson(path);
  if (!loaded) return loaded;
  const nlohmann::json& doc = *loaded;
  if (doc.is_object() && doc.value("schema", nlohmann::json()) == kKernelSchemaId) {
    if (!doc.contains("kernel") || !doc["kernel"].is_object() ||
        !doc["kernel"].contains("namespaces") || !doc["kernel"]["namespaces"].is_array()) {
      return Fail(0, path + ": the kernel report has no \"kernel\".\"namespaces\" array");
    }
    return loaded;
  }
  return LoadDocument(path);
}

}  // namespace nsm
