// Rule expressions: when is a probe expected to be isolated?
//
//   pid & mnt
//   pid | (user & !map_root)
//
// Identifiers are namespace names (true when that namespace is new) and the
// option `map_root` (container root mapped to the caller). Operators, lowest
// precedence first: |, &, !; parentheses group.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "harness/common/namespaces.h"
#include "harness/common/result.h"

namespace nsm {

struct RuleContext {
  NsSet namespaces;
  bool map_root = false;
};

class RuleExpression {
 public:
  static Result<RuleExpression> Parse(std::string_view text);
  bool Evaluate(const RuleContext& ctx) const;
  const std::string& Text() const { return text_; }

  struct Node;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace nsm
