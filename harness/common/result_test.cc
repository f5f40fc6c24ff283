#include "harness/common/result.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

TEST(Error, MessageNamesErrnoOperationContextAndHint) {
  Error error{ENOSPC, "clone3(CLONE_NEWNET)", "container net", NamespaceHint(ENOSPC)};
  std::string message = std::move(error).Wrap("run matrix").Message();
  EXPECT_EQ(message.rfind("run matrix: container net: clone3(CLONE_NEWNET): ENOSPC", 0), 0u)
      << message;
  EXPECT_NE(message.find("max_*_namespaces"), std::string::npos) << message;
}

TEST(Error, HintsForKnownCauses) {
  EXPECT_NE(NamespaceHint(EPERM).find("privilege"), std::string::npos);
  EXPECT_NE(NamespaceHint(EINVAL).find("kernel"), std::string::npos);
  EXPECT_TRUE(NamespaceHint(EBADF).empty());
  EXPECT_EQ(ErrnoName(EPERM), "EPERM");
}

}  // namespace
}  // namespace nsm
