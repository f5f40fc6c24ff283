#include "harness/common/result.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

TEST(Error, MessageNamesErrnoOperationContextAndHint) {
  Error error =
      Fail(ENOSPC, "clone3(CLONE_NEWNET)", "container net", NamespaceHint(ENOSPC)).error();
  std::string message = std::move(error).Wrap("run matrix").Message();
  EXPECT_EQ(message.rfind("run matrix: container net: clone3(CLONE_NEWNET): ENOSPC", 0), 0u)
      << message;
  EXPECT_NE(message.find("max_*_namespaces"), std::string::npos) << message;
}

// Whether the kernel refused the namespaces is a field of its own, kept
// through Wrap, never read out of the message.
TEST(Error, TheKindOfFailureIsAFieldNotText) {
  EXPECT_EQ(Fail(EINVAL, "clone3(CLONE_NEWTIME)").error().kind, ErrorKind::kOther);
  Error refused = FailNamespace(EPERM, "clone3(CLONE_NEWUSER)").error();
  EXPECT_EQ(std::move(refused).Wrap("container").kind, ErrorKind::kNamespaceRefused);
}

// Only the errnos of a refusal make a creation failure kNamespaceRefused.
TEST(Error, OnlyRefusalErrnosAreNamespaceRefusals) {
  for (int err : {EINVAL, EPERM, EACCES, ENOSPC, EUSERS})
    EXPECT_EQ(FailCreatingNamespaces(err, "clone3").error().kind, ErrorKind::kNamespaceRefused)
        << ErrnoName(err);
  for (int err : {EAGAIN, ENOMEM, EBADF, EBUSY, ENODEV, EOPNOTSUPP, EINTR})
    EXPECT_EQ(FailCreatingNamespaces(err, "clone3").error().kind, ErrorKind::kOther)
        << ErrnoName(err);
}

TEST(Error, HintsForKnownCauses) {
  EXPECT_NE(NamespaceHint(EPERM).find("privilege"), std::string::npos);
  EXPECT_NE(NamespaceHint(EINVAL).find("kernel"), std::string::npos);
  EXPECT_TRUE(NamespaceHint(EBADF).empty());
  EXPECT_EQ(ErrnoName(EPERM), "EPERM");
}

}  // namespace
}  // namespace nsm
