#include "harness/rules/expression.h"

#include <cctype>
#include <variant>
#include <vector>

namespace nsm {

struct RuleExpression::Node {
  enum class Kind {
    kNamespace,
    kMapRoot,
    kPropagationShared,
    kTimeOffsets,
    kInitialUserns,
    kHostRoot,
    kPropagationPrivate,
    kRuntimeSysfs,
    kProcKept,
    kNot,
    kAnd,
    kOr
  } kind;
  Ns ns = Ns::mnt;
  std::shared_ptr<const Node> left, right;
};

namespace {

using Node = RuleExpression::Node;
using NodePtr = std::shared_ptr<const Node>;

// Recursive descent over: or := and ('|' and)*; and := unary ('&' unary)*;
// unary := '!' unary | '(' or ')' | identifier.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<NodePtr> ParseAll() {
    Result<NodePtr> node = ParseOr();
    if (!node) return node;
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected '" + std::string(1, text_[pos_]) + "'");
    return node;
  }

 private:
  Result<NodePtr> ParseOr() { return ParseBinary('|', Node::Kind::kOr, &Parser::ParseAnd); }
  Result<NodePtr> ParseAnd() { return ParseBinary('&', Node::Kind::kAnd, &Parser::ParseUnary); }

  Result<NodePtr> ParseBinary(char op, Node::Kind kind, Result<NodePtr> (Parser::*next)()) {
    Result<NodePtr> left = (this->*next)();
    if (!left) return left;
    while (Accept(op)) {
      Result<NodePtr> right = (this->*next)();
      if (!right) return right;
      left = std::make_shared<const Node>(Node{kind, Ns::mnt, *left, *right});
    }
    return left;
  }

  Result<NodePtr> ParseUnary() {
    if (Accept('!')) {
      Result<NodePtr> inner = ParseUnary();
      if (!inner) return inner;
      return std::make_shared<const Node>(Node{Node::Kind::kNot, Ns::mnt, *inner, nullptr});
    }
    if (Accept('(')) {
      Result<NodePtr> inner = ParseOr();
      if (!inner) return inner;
      if (!Accept(')')) return Error("missing ')'");
      return inner;
    }
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    std::string_view name = text_.substr(start, pos_ - start);
    if (name.empty())
      return Error(pos_ < text_.size() ? "unexpected '" + std::string(1, text_[pos_]) + "'"
                                       : "unexpected end");
    if (name == "map_root") return Leaf(Node::Kind::kMapRoot);
    if (name == "propagation_shared") return Leaf(Node::Kind::kPropagationShared);
    if (name == "time_offsets") return Leaf(Node::Kind::kTimeOffsets);
    if (name == "initial_userns") return Leaf(Node::Kind::kInitialUserns);
    if (name == "host_root") return Leaf(Node::Kind::kHostRoot);
    if (name == "propagation_private") return Leaf(Node::Kind::kPropagationPrivate);
    if (name == "runtime_sysfs") return Leaf(Node::Kind::kRuntimeSysfs);
    if (name == "proc_kept") return Leaf(Node::Kind::kProcKept);
    std::optional<Ns> ns = NsFromName(name);
    if (!ns) {
      return Error("unknown name '" + std::string(name) +
                   "' (namespace names, map_root, propagation_shared, propagation_private, "
                   "time_offsets, initial_userns, host_root, runtime_sysfs or proc_kept)");
    }
    return std::make_shared<const Node>(Node{Node::Kind::kNamespace, *ns, nullptr, nullptr});
  }

  static NodePtr Leaf(Node::Kind kind) {
    return std::make_shared<const Node>(Node{kind, Ns::mnt, nullptr, nullptr});
  }

  void SkipSpace() {
    while (pos_ < text_.size() && isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Accept(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::unexpected<nsm::Error> Error(std::string what) const {
    return Fail(EINVAL, "parse rule",
                "'" + std::string(text_) + "' at " + std::to_string(pos_) + ": " + what);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool Eval(const Node& node, const RuleContext& ctx) {
  switch (node.kind) {
    case Node::Kind::kNamespace:
      return ctx.namespaces.Has(node.ns);
    case Node::Kind::kMapRoot:
      return ctx.map_root;
    case Node::Kind::kPropagationShared:
      return ctx.propagation_shared;
    case Node::Kind::kTimeOffsets:
      return ctx.time_offsets;
    case Node::Kind::kInitialUserns:
      return ctx.initial_userns;
    case Node::Kind::kHostRoot:
      return ctx.host_root;
    case Node::Kind::kPropagationPrivate:
      return ctx.propagation_private;
    case Node::Kind::kRuntimeSysfs:
      return ctx.runtime_sysfs;
    case Node::Kind::kProcKept:
      return ctx.proc_kept;
    case Node::Kind::kNot:
      return !Eval(*node.left, ctx);
    case Node::Kind::kAnd:
      return Eval(*node.left, ctx) && Eval(*node.right, ctx);
    case Node::Kind::kOr:
      return Eval(*node.left, ctx) || Eval(*node.right, ctx);
  }
  return false;
}

}  // namespace

Result<RuleExpression> RuleExpression::Parse(std::string_view text) {
  Result<NodePtr> root = Parser(text).ParseAll();
  if (!root) return std::unexpected(root.error());
  RuleExpression expr;
  expr.text_ = std::string(text);
  expr.root_ = *root;
  return expr;
}

bool RuleExpression::Evaluate(const RuleContext& ctx) const {
  return Eval(*root_, ctx);
}

}  // namespace nsm
