// For the report writers' tests: the fixture documents in reports/testdata.
// Each test target defines NSM_REPORTS_TESTDATA as that directory.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace nsm::report_tests {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A fixture document by file name, e.g. "small_matrix.json".
inline nlohmann::json LoadDoc(const std::string& name) {
  std::string path = std::string(NSM_REPORTS_TESTDATA) + "/" + name;
  std::string text = ReadFile(path);
  EXPECT_FALSE(text.empty()) << "cannot read " << path;
  return nlohmann::json::parse(text);
}

}  // namespace nsm::report_tests
