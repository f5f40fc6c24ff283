// Loads rendered reports in headless Chromium and checks what its script does: no console
// errors, the row counter, and the filters taken from the URL fragment.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "reports/html/html_writer.h"

namespace nsm {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kTestdata = NSM_REPORTS_TESTDATA;
const std::string kChromium = NSM_CHROMIUM;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

json LoadDoc(const std::string& name) {
  return json::parse(ReadFile(kTestdata + "/" + name));
}

struct Page {
  int status = -1;                   // chromium's wait status
  std::string dom;                   // --dump-dom output
  std::string log;                   // stderr
  std::vector<std::string> console;  // page console lines and uncaught exceptions
};

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kChromium.c_str(), X_OK) != 0) {
      GTEST_SKIP() << kChromium << " is absent: install the Debian package `chromium` to run "
                   << "the HTML report's browser tests";
    }
    char dir[] = "/tmp/nsm-html-test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }

  void TearDown() override {
    if (dir_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Writes `html` to a file in the temp dir and returns its path.
  std::string Write(const std::string& html, const std::string& name = "report.html") {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << html;
    return path;
  }

  // Loads file://`path``fragment` in a fresh profile and dumps the DOM after the scripts ran.
  Page Load(const std::string& path, const std::string& fragment = "") {
    std::string profile = dir_ + "/profile-" + std::to_string(runs_++);
    std::string out = profile + ".dom", err = profile + ".log";
    // Paths come from mkdtemp and fixed names; the fragment is quoted for the shell.
    std::string command = "timeout -k 5 60 env XDG_CONFIG_HOME=" + dir_ +
                          " XDG_CACHE_HOME=" + dir_ + " " + kChromium +
                          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                          " --disable-background-networking --disable-component-update"
                          " --disable-sync --user-data-dir=" +
                          profile +
                          " --enable-logging=stderr --v=0 --virtual-time-budget=2000"
                          " --dump-dom 'file://" +
                          path + fragment + "' >" + out + " 2>" + err + " </dev/null";
    Page page;
    page.status = std::system(command.c_str());
    page.dom = ReadFile(out);
    page.log = ReadFile(err);
    std::istringstream lines(page.log);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(":CONSOLE") != std::string::npos ||
          line.find("Uncaught") != std::string::npos) {
        page.console.push_back(line);
      }
    }
    return page;
  }

  // Renders small_matrix.json and loads it with `fragment`, expecting a clean run.
  Page LoadSmall(const std::string& fragment) {
    Page page = Load(Write(RenderHtml(LoadDoc("small_matrix.json"))), fragment);
    EXPECT_TRUE(WIFEXITED(page.status) && WEXITSTATUS(page.status) == 0)
        << "chromium failed (status " << page.status << "):\n"
        << page.log;
    EXPECT_THAT(page.console, IsEmpty()) << page.log;
    EXPECT_THAT(page.dom, HasSubstr("<html lang=\"en\" class=\"js\">"))
        << "the report's script did not finish";
    return page;
  }

  std::string dir_;
  int runs_ = 0;
};

// The shown-rows counter in a dumped DOM, or -1.
int ShownRows(const std::string& dom) {
  std::smatch m;
  if (!std::regex_search(dom, m, std::regex("<span id=\"shown-rows\">([0-9]+)</span>"))) return -1;
  return std::stoi(m[1]);
}

// The matrix rows left visible, by combination.
std::vector<std::string> VisibleRows(const std::string& dom) {
  std::vector<std::string> rows;
  std::regex row("<tr data-ns=\"[^\"]*\"( hidden=\"\")?><th>([^<]*)</th>");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), row); it != std::sregex_iterator();
       ++it) {
    if (!(*it)[1].matched) rows.push_back((*it)[2]);
  }
  return rows;
}

// The matrix columns left visible, by probe id.
std::vector<std::string> VisibleColumns(const std::string& dom) {
  std::vector<std::string> columns;
  std::regex column("<th data-p=\"([^\"]*)\"[^>]*?( hidden=\"\")?>");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), column); it != std::sregex_iterator();
       ++it) {
    if (!(*it)[2].matched) columns.push_back((*it)[1]);
  }
  return columns;
}

// The check for console output must itself work, or every test below passes vacuously.
TEST_F(BrowserTest, DetectsConsoleErrorsAndUncaughtExceptions) {
  Page page =
      Load(Write("<!DOCTYPE html><title>x</title><p>x<script>console.error('nsm-broken');"
                 "setTimeout(function () { null.f(); }, 10);</script>",
                 "broken.html"));
  EXPECT_THAT(page.log, HasSubstr("nsm-broken"));
  EXPECT_THAT(page.log, HasSubstr("Uncaught TypeError"));
  EXPECT_EQ(page.console.size(), 2u) << page.log;
}

TEST_F(BrowserTest, NoFragmentShowsEveryRowAndColumn) {
  Page page = LoadSmall("");
  EXPECT_EQ(ShownRows(page.dom), 4);
  EXPECT_THAT(VisibleRows(page.dom), ElementsAre("none", "uts", "pid", "mnt+pid"));
  EXPECT_THAT(VisibleColumns(page.dom),
              ElementsAre("uts.hostname", "pid.see_host", "ipc.sysv_shm"));
  EXPECT_THAT(page.dom, HasSubstr("<form class=\"filters\" id=\"filters\">"));
  EXPECT_THAT(page.dom, HasSubstr("<span id=\"shown-cols\">3</span>"));
}

TEST_F(BrowserTest, OutcomeFilter) {
  Page page = LoadSmall("#outcome=isolated");
  EXPECT_EQ(ShownRows(page.dom), 1);
  EXPECT_THAT(VisibleRows(page.dom), ElementsAre("mnt+pid"));
  // The form shows the state taken from the fragment.
  EXPECT_THAT(page.dom, HasSubstr("<span id=\"shown-cols\">3</span>"));
  EXPECT_EQ(ShownRows(LoadSmall("#outcome=err").dom), 1);
}

TEST_F(BrowserTest, NamespaceFilter) {
  Page with_mnt = LoadSmall("#ns=+mnt");
  EXPECT_EQ(ShownRows(with_mnt.dom), 1);
  EXPECT_THAT(VisibleRows(with_mnt.dom), ElementsAre("mnt+pid"));
  Page without_pid = LoadSmall("#ns=-pid");
  EXPECT_EQ(ShownRows(without_pid.dom), 2);
  EXPECT_THAT(VisibleRows(without_pid.dom), ElementsAre("none", "uts"));
  // "+" percent-encoded, as a URL builder would write it.
  EXPECT_THAT(VisibleRows(LoadSmall("#ns=%2Bpid,-mnt").dom), ElementsAre("pid"));
}

TEST_F(BrowserTest, ProbeOutcomeAndTextFiltersCombine) {
  Page page = LoadSmall("#probe=pid.see_host&outcome=leaked&q=u");
  EXPECT_THAT(VisibleColumns(page.dom), ElementsAre("pid.see_host"));
  EXPECT_THAT(page.dom, HasSubstr("<span id=\"shown-cols\">1</span>"));
  // pid.see_host leaked in none, uts and pid; "u" leaves uts.
  EXPECT_THAT(VisibleRows(page.dom), ElementsAre("uts"));
  EXPECT_EQ(ShownRows(page.dom), 1);
  // Cells of hidden columns are hidden too: 2 columns x 4 rows.
  std::regex hidden_cell("<td[^>]*hidden=\"\"");
  EXPECT_EQ(std::distance(std::sregex_iterator(page.dom.begin(), page.dom.end(), hidden_cell),
                          std::sregex_iterator()),
            8);
}

TEST_F(BrowserTest, FailFilterAndNoMatches) {
  Page failing = LoadSmall("#fail=1");
  EXPECT_THAT(VisibleRows(failing.dom), ElementsAre("uts"));
  Page none = LoadSmall("#fail=1&q=mnt");
  EXPECT_EQ(ShownRows(none.dom), 0);
  EXPECT_THAT(none.dom, HasSubstr("<p id=\"no-rows\">No combination matches"));
}

// A fragment set after load (hashchange) and a form change (which writes the fragment back).
TEST_F(BrowserTest, HashChangeAndFormUpdateTheFilters) {
  std::string html = RenderHtml(LoadDoc("small_matrix.json"));
  // Runs after the report's own hashchange listener, which was added first.
  html +=
      "<script>window.addEventListener('hashchange', function () {"
      "  document.body.setAttribute('data-after-hash', document.getElementById('shown-rows')"
      "      .textContent);"
      "  var s = document.getElementById('f-outcome'); s.value = 'error';"
      "  s.dispatchEvent(new Event('change', {bubbles: true}));"
      "  document.body.setAttribute('data-hash', location.hash);"
      "}, {once: true});"
      "setTimeout(function () { location.hash = 'ns=-pid'; }, 50);</script>";
  Page page = Load(Write(html));
  EXPECT_THAT(page.console, IsEmpty()) << page.log;
  EXPECT_THAT(page.dom, HasSubstr("data-after-hash=\"2\""));
  EXPECT_THAT(page.dom, HasSubstr("data-hash=\"#ns=-pid&amp;outcome=error\""));
  EXPECT_THAT(VisibleRows(page.dom), ElementsAre("uts"));
  EXPECT_EQ(ShownRows(page.dom), 1);
}

TEST_F(BrowserTest, AllPassWithGate) {
  json gate = json::parse(R"({"baseline": {"kernel_release": "6.1"}, "current": {},
                              "regressions": [{"combination": "none", "probe": "x",
                                               "before": "isolated", "after": "leaked"}]})");
  Page page = Load(Write(RenderHtml(LoadDoc("all_pass.json"), gate)));
  EXPECT_THAT(page.console, IsEmpty()) << page.log;
  EXPECT_THAT(page.dom, HasSubstr("class=\"js\""));
  EXPECT_THAT(page.dom, HasSubstr("<section id=\"gate\">"));
  EXPECT_GT(ShownRows(page.dom), 0);
  EXPECT_EQ(ShownRows(page.dom), static_cast<int>(VisibleRows(page.dom).size()));
}

// Hostile strings stay text in the parsed page: no element or script comes from them.
TEST_F(BrowserTest, HostileDocumentAddsNoElements) {
  const std::string kHostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>";
  json doc = LoadDoc("small_matrix.json");
  doc["host"]["hostname"] = kHostile;
  doc["probes"][0]["description"] = kHostile;
  for (json& cell : doc["cells"]) {
    cell["detail"] = kHostile;
    if (cell["combination"] == "pid") cell["combination"] = kHostile;
  }
  Page page = Load(Write(RenderHtml(doc)), "#q=" + std::string("%3Cscript"));
  EXPECT_THAT(page.console, IsEmpty()) << page.log;
  EXPECT_THAT(page.dom, Not(HasSubstr("<img")));
  size_t scripts = 0;
  for (size_t pos = page.dom.find("<script"); pos != std::string::npos;
       pos = page.dom.find("<script", pos + 1)) {
    ++scripts;
  }
  EXPECT_EQ(scripts, 1u);
  EXPECT_EQ(ShownRows(page.dom), 1);  // the search matched the hostile combination's text
}

}  // namespace
}  // namespace nsm
