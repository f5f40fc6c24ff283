#include "harness/rules/expression.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

bool Eval(const char* rule, const char* combo, bool map_root = false) {
  Result<RuleExpression> expr = RuleExpression::Parse(rule);
  EXPECT_TRUE(expr) << (expr ? "" : expr.error().Message());
  return expr->Evaluate({*NsSet::Parse(combo), map_root});
}

TEST(RuleExpression, Precedence) {
  // & binds tighter than |
  EXPECT_TRUE(Eval("uts | user & pid", "uts"));
  EXPECT_FALSE(Eval("uts | user & pid", "user"));
  EXPECT_TRUE(Eval("(uts | user) & pid", "user+pid"));
  EXPECT_FALSE(Eval("(uts | user) & pid", "user"));
}

TEST(RuleExpression, NegationAndMapRoot) {
  const char* rule = "pid | (user & !map_root)";
  EXPECT_TRUE(Eval(rule, "pid", true));
  EXPECT_TRUE(Eval(rule, "user", false));
  EXPECT_FALSE(Eval(rule, "user", true));
  EXPECT_FALSE(Eval(rule, "none", false));
  EXPECT_TRUE(Eval("!!mnt", "mnt"));
}

TEST(RuleExpression, RootfsAndPropagationOptions) {
  Result<RuleExpression> stale = RuleExpression::Parse("!host_root");
  ASSERT_TRUE(stale);
  RuleContext ctx;
  ctx.namespaces = *NsSet::Parse("mnt+net");
  EXPECT_FALSE(stale->Evaluate(ctx));  // the host's root by default
  ctx.host_root = false;
  EXPECT_TRUE(stale->Evaluate(ctx));
  Result<RuleExpression> in = RuleExpression::Parse("mnt & propagation_private");
  ASSERT_TRUE(in);
  EXPECT_TRUE(in->Evaluate(ctx));
  ctx.propagation_private = false;
  EXPECT_FALSE(in->Evaluate(ctx));
}

// A runtime that mounts its own sysfs (systemd-nspawn) hides the host's
// interfaces only in a network namespace of the container's own.
TEST(RuleExpression, RuntimeSysfs) {
  Result<RuleExpression> sysfs = RuleExpression::Parse("!host_root | (net & runtime_sysfs)");
  ASSERT_TRUE(sysfs);
  RuleContext ctx;
  ctx.namespaces = *NsSet::Parse("mnt+net");
  EXPECT_FALSE(sysfs->Evaluate(ctx));  // no runtime of that kind by default
  ctx.runtime_sysfs = true;
  EXPECT_TRUE(sysfs->Evaluate(ctx));
  ctx.namespaces = *NsSet::Parse("mnt");
  EXPECT_FALSE(sysfs->Evaluate(ctx));
}

TEST(RuleExpression, ProcKept) {
  Result<RuleExpression> rule = RuleExpression::Parse("pid & mnt & !proc_kept");
  ASSERT_TRUE(rule);
  RuleContext ctx;
  ctx.namespaces = *NsSet::Parse("mnt+pid");
  EXPECT_TRUE(rule->Evaluate(ctx));  // nsmatrix's launcher by default
  ctx.proc_kept = true;
  EXPECT_FALSE(rule->Evaluate(ctx));
}

TEST(RuleExpression, RejectsBadText) {
  for (const char* bad :
       {"", "pid &", "& pid", "(pid", "pid)", "pid mnt", "network", "pid && mnt", "!"}) {
    EXPECT_FALSE(RuleExpression::Parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace nsm
