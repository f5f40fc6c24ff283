#include "reports/junit_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "reports/testdata_helpers.h"

namespace nsm {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kTestdata = NSM_REPORTS_TESTDATA;
using report_tests::LoadDoc;

size_t CountOf(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

// A document whose first failing cell carries every kind of hostile text.
json HostileDoc() {
  json doc = LoadDoc("small_matrix.json");
  for (json& cell : doc["cells"]) {
    if (cell["verdict"] == "fail" && cell["outcome"] == "leaked") {
      cell["detail"] = std::string(
          "<script>alert('x')</script> ]]> \"quoted\" & more\x01\x02\x1b[31m\x7f\ttab\nline\r\n"
          "bad utf8 \xff\xfe end \xef\xbf\xbf nbsp \xc2\xa0 ok");
    }
  }
  doc["cells"][0]["probe"] = "uts.<host>";
  doc["host"]["kernel_release"] = "6.1\"&<>";
  return doc;
}

TEST(RenderJUnitTest, SuiteCountsAndProperties) {
  std::string xml = RenderJUnit(LoadDoc("small_matrix.json"));
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", 0), 0u);
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"nsmatrix\" package=\"nsmatrix\" id=\"0\" "
                             "tests=\"12\" failures=\"2\" errors=\"0\" skipped=\"1\" "
                             "time=\"0.840\" timestamp=\"2026-11-30T12:00:00\" "
                             "hostname=\"build-1\">"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"kernel_release\" value=\"6.18.44\"/>"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"mode\" value=\"root\"/>"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"userns_map\" value=\"unprivileged\"/>"));
  EXPECT_EQ(CountOf(xml, "<testsuite "), 1u);
  EXPECT_EQ(CountOf(xml, "<testcase "), 12u);
  EXPECT_EQ(CountOf(xml, "<failure "), 2u);
  EXPECT_EQ(CountOf(xml, "<skipped "), 1u);
  EXPECT_EQ(CountOf(xml, "<error"), 0u);
  EXPECT_EQ(CountOf(xml, "time=\"0\""), 12u);
  EXPECT_TRUE(xml.ends_with("  </testsuite>\n</testsuites>\n"));
}

TEST(RenderJUnitTest, CasesNamedByProbeAndCombination) {
  std::string xml = RenderJUnit(LoadDoc("small_matrix.json"));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"uts.hostname\" name=\"none\" time=\"0\"/>"));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"pid.see_host\" name=\"mnt+pid\" time=\"0\"/>"));
  // Document order.
  EXPECT_LT(xml.find("name=\"none\""), xml.find("name=\"uts\""));
  EXPECT_LT(xml.find("name=\"pid\""), xml.find("name=\"mnt+pid\""));
}

TEST(RenderJUnitTest, FailureErrorAndSkip) {
  std::string xml = RenderJUnit(LoadDoc("small_matrix.json"));
  EXPECT_THAT(
      xml, HasSubstr("<testcase classname=\"uts.hostname\" name=\"uts\" time=\"0\">\n"
                     "      <failure message=\"expected isolated, observed leaked: hostname "
                     "&quot;nsm-c-4f2a&quot; set in the container is visible on the host | "
                     "checked with uname(2)\" type=\"fail\">hostname &quot;nsm-c-4f2a&quot; set "
                     "in the container is visible on the host | checked with uname(2)</failure>\n"
                     "    </testcase>\n"));
  // An error is a failure of type "error"; the line break survives in the attribute.
  EXPECT_THAT(xml,
              HasSubstr("<failure message=\"expected leaked, observed error: shmget(IPC_CREAT): "
                        "ENOSPC (No space left on device)&#10;kernel.shmmni reached on the "
                        "host\" type=\"error\">shmget(IPC_CREAT): ENOSPC (No space left on "
                        "device)\nkernel.shmmni reached on the host</failure>"));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"ipc.sysv_shm\" name=\"pid\" time=\"0\">\n"
                             "      <skipped message=\"unsupported: SysV IPC is not available: "
                             "shmget: ENOSYS (Function not implemented)\"/>\n    </testcase>\n"));
}

TEST(RenderJUnitTest, DuplicatePairsGetASuffix) {
  json doc = LoadDoc("small_matrix.json");
  doc["cells"].push_back(doc["cells"][0]);
  doc["cells"].push_back(doc["cells"][0]);
  std::string xml = RenderJUnit(doc);
  EXPECT_EQ(CountOf(xml, "classname=\"uts.hostname\" name=\"none\" "), 1u);
  EXPECT_EQ(CountOf(xml, "classname=\"uts.hostname\" name=\"none #2\" "), 1u);
  EXPECT_EQ(CountOf(xml, "classname=\"uts.hostname\" name=\"none #3\" "), 1u);
  EXPECT_THAT(xml, HasSubstr("tests=\"14\""));
}

TEST(RenderJUnitTest, EscapesHostileText) {
  std::string xml = RenderJUnit(HostileDoc());
  EXPECT_THAT(xml, Not(HasSubstr("<script>")));
  EXPECT_THAT(xml, Not(HasSubstr("]]>")));
  EXPECT_THAT(xml, HasSubstr("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; ]]&gt; "
                             "&quot;quoted&quot; &amp; more[31m\u2421\ttab\nline&#13;\n"));
  EXPECT_THAT(xml, HasSubstr("more[31m\u2421&#9;tab&#10;line&#13;&#10;bad utf8"));
  EXPECT_THAT(xml, HasSubstr("bad utf8 \xef\xbf\xbd\xef\xbf\xbd end  nbsp \xc2\xa0 ok"));
  EXPECT_THAT(xml, HasSubstr("classname=\"uts.&lt;host&gt;\""));
  EXPECT_THAT(xml, HasSubstr("value=\"6.1&quot;&amp;&lt;&gt;\""));
  for (char c : xml) {
    unsigned char u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 || u == '\t' || u == '\n') << "control character " << int(u);
  }
  EXPECT_THAT(xml, Not(HasSubstr("\xef\xbf\xbf")));  // U+FFFF is not an XML character
}

TEST(RenderJUnitTest, MissingFieldsDoNotThrow) {
  std::string xml = RenderJUnit(json::object());
  // No cell: nothing was tested, which the one test case of its own says.
  EXPECT_THAT(xml,
              HasSubstr("tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.000\""));
  EXPECT_THAT(xml, HasSubstr("type=\"nothing-tested\""));
  EXPECT_THAT(xml, Not(HasSubstr("timestamp=")));
  EXPECT_THAT(xml, HasSubstr("<property name=\"kernel_release\" value=\"?\"/>"));
  json doc = {{"cells", {{{"verdict", "fail"}}}}};
  EXPECT_THAT(RenderJUnit(doc), HasSubstr("classname=\"?\" name=\"?\""));
}

// A CI system reads JUnit and nothing else: a run that tested nothing must
// not look green there, and a cell without a known verdict is no pass.
TEST(RenderJUnitTest, ARunOfSkipsFailsAsNothingTested) {
  json doc = LoadDoc("small_matrix.json");
  for (json& cell : doc["cells"]) cell["verdict"] = "skip";
  doc.erase("summary");  // its counts are the run's before the change
  std::string xml = RenderJUnit(doc);
  EXPECT_THAT(xml, HasSubstr("tests=\"13\" failures=\"1\" errors=\"0\" skipped=\"12\""));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"nsmatrix\" name=\"run\" time=\"0\">\n"
                             "      <failure message=\"NOTHING TESTED: no cell passed or "
                             "failed (12 of 12 skipped)\" type=\"nothing-tested\"/>"));
  doc["cells"][0]["verdict"] = "pass";
  EXPECT_THAT(RenderJUnit(doc), Not(HasSubstr("nothing-tested")));
  // A failure only the summary counts is no pass either.
  doc["summary"] = {{"cells", 12}, {"pass", 1}, {"fail", 1}, {"skip", 10}};
  EXPECT_THAT(RenderJUnit(doc), HasSubstr("message=\"FAILED: 1 of 12 cells failed\" "
                                          "type=\"summary-fail\""));
}

TEST(RenderJUnitTest, AnUnknownOrMissingVerdictIsAnError) {
  json doc = LoadDoc("small_matrix.json");
  doc["cells"][0]["verdict"] = "FAIL";
  doc["cells"][1].erase("verdict");
  std::string xml = RenderJUnit(doc);
  EXPECT_THAT(xml, HasSubstr("errors=\"2\""));
  EXPECT_THAT(xml, HasSubstr("<error message=\"verdict FAIL is not pass, fail or skip (outcome "));
  EXPECT_THAT(xml, HasSubstr("<error message=\"verdict ? is not pass, fail or skip (outcome "));
}

TEST(EscapeXmlTest, TimestampsAndText) {
  EXPECT_EQ(EscapeXml("a<b>&\"'", false), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(EscapeXml("a\tb\nc", true), "a&#9;b&#10;c");
  EXPECT_EQ(EscapeXml("a\tb\nc", false), "a\tb\nc");
  EXPECT_EQ(EscapeXml("\xed\xa0\x80", false), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  EXPECT_EQ(EscapeXml("\xf0\x9f\x98\x80", false), "\xf0\x9f\x98\x80");  // U+1F600 is fine
  // XML characters a reader must still not get as they are: DEL as its
  // picture, a C1 control and characters that reorder the text as U+FFFD.
  EXPECT_EQ(EscapeXml("a\x7f\u009b1m \u202Eb\u2066", false), "a\u2421\uFFFD1m \uFFFDb\uFFFD");
  json doc = LoadDoc("small_matrix.json");
  doc["generated_at"] = "2026-11-30T14:30:00.25+02:30";
  EXPECT_THAT(RenderJUnit(doc), HasSubstr("timestamp=\"2026-11-30T12:00:00\""));
  doc["generated_at"] = "yesterday";
  EXPECT_THAT(RenderJUnit(doc), Not(HasSubstr("timestamp=")));
}

// Parses `xml` with Python's xml.etree and checks the counts there.
TEST(RenderJUnitTest, WellFormedForAnXmlParser) {
  const char* python = NSM_PYTHON3;
  if (access(python, X_OK) != 0) GTEST_SKIP() << python << " not found";
  std::string xml = RenderJUnit(HostileDoc());
  char path[] = "/tmp/nsm-junit-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, xml.data(), xml.size()), static_cast<ssize_t>(xml.size()));
  close(fd);
  std::string command = std::string(python) +
                        " -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1])"
                        ".getroot(); s = r.find('testsuite'); "
                        "assert r.tag == 'testsuites' and len(s.findall('testcase')) == 12; "
                        "assert len(s.findall('testcase/failure')) == 2; "
                        "assert len(s.findall('testcase/skipped')) == 1; "
                        "f = s.find('testcase/failure'); "
                        "assert '<script>' in f.get('message') and '\\nline\\r\\n' in f.text, "
                        "repr(f.text)\" " +
                        path;
  int status = std::system(command.c_str());
  unlink(path);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << xml;
}

}  // namespace
}  // namespace nsm
