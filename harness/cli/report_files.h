// Where a command writes its reports, checked before any work starts and
// written atomically at the end, all rendered from the one JSON document.
#pragma once

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "harness/common/result.h"

namespace nsm {

// The file names --out DIR fills in; nullptr: that report is not written by default.
struct ReportNames {
  const char* json = "matrix.json";
  const char* markdown = "matrix.md";
  const char* html = "matrix.html";
  const char* junit = "junit.xml";
};

struct ReportFiles {
  std::string json, markdown, html, junit;
  std::string out_dir;  // fills in whichever of the four was not given

  // --json/--markdown/--html/--junit/--out on a subcommand. `out_help`: --out's help
  // text when the default does not say what that command writes.
  void AddOptions(CLI::App* sub, bool with_json, const char* out_help = nullptr);
  // Fills the defaults from `names` and checks every directory is writable, or
  // that out_dir can be made; makes nothing (MakeOutDir and Write do).
  Status Prepare(const ReportNames& names = {});
  // Makes out_dir, if given, for what is written into it.
  Status MakeOutDir() const;
  // `gate`: a gate comparison to show in the HTML (null when none).
  Status Write(const nlohmann::json& doc, const nlohmann::json& gate = nullptr) const;
  void PrintWritten() const;
};

// --out DIR, made only when something is written into it: CheckOutDir says
// whether it is a directory or can be made (the nearest existing directory
// above it is a writable one) and makes nothing; MadeWithOutDir whether
// `path`'s directory is DIR or one of its missing parents (there once
// MakeOutDir made it). An empty DIR: no --out.
Status CheckOutDir(const std::string& dir);
bool MadeWithOutDir(const std::string& path, const std::string& dir);
Status MakeOutDir(const std::string& dir);
// Each of `paths` that is not empty can be written: its directory is a
// writable one (or out_dir's, made later) and it is not a directory itself.
Status CheckOutputPaths(std::initializer_list<const std::string*> paths,
                        const std::string& out_dir);

// Reads and minimally validates an "nsmatrix/1" document (exit-2 material).
Result<nlohmann::json> LoadDocument(const std::string& path);

// A matrix (as LoadDocument) or an "nsmatrix-kernel/1" report with its
// "kernel"."namespaces" array.
Result<nlohmann::json> LoadKernelOrMatrix(const std::string& path);

}  // namespace nsm
