#include "harness/common/protocol.h"

#include <gtest/gtest.h>

namespace nsm::protocol {
namespace {

TEST(Protocol, RoundTripsAwkwardValues) {
  Record record{"probe", "uts.hostname", {}};
  record.Add("detail", "a b=c%d\nline\x01").Add("rc", -1);
  std::string line = Format(record);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  Result<Record> parsed = Parse(line);
  ASSERT_TRUE(parsed) << parsed.error().Message();
  EXPECT_EQ(parsed->kind, "probe");
  EXPECT_EQ(parsed->id, "uts.hostname");
  EXPECT_EQ(parsed->Get("detail"), "a b=c%d\nline\x01");
  EXPECT_EQ(parsed->GetInt("rc"), -1);
}

TEST(Protocol, HelloAndEndHaveNoId) {
  Result<Record> hello = Parse("nsmatrix-probe/1 pid=1");
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->kind, kHello);
  EXPECT_TRUE(hello->id.empty());
  EXPECT_EQ(hello->GetInt("pid"), 1);
  Result<Record> end = Parse("end probes=3");
  ASSERT_TRUE(end);
  EXPECT_EQ(end->GetInt("probes"), 3);
}

TEST(Protocol, RejectsMalformedLines) {
  EXPECT_FALSE(Parse(""));
  EXPECT_FALSE(Parse("probe"));
  EXPECT_FALSE(Parse("probe rc=1"));       // no id
  EXPECT_FALSE(Parse("probe x novalue"));  // field without '='
  EXPECT_FALSE(Parse("probe x a=%4"));     // truncated escape
  EXPECT_FALSE(Parse("probe x a=%zz"));    // bad escape
  EXPECT_FALSE(Parse("probe x  a=1"));     // empty field
  EXPECT_FALSE(Parse("probe x =1"));       // empty key
}

TEST(Protocol, GetIntRejectsNonNumbers) {
  Result<Record> record = Parse("probe x a=12b b=");
  ASSERT_TRUE(record);
  EXPECT_FALSE(record->GetInt("a"));
  EXPECT_FALSE(record->GetInt("b"));
  EXPECT_FALSE(record->GetInt("missing"));
}

}  // namespace
}  // namespace nsm::protocol
