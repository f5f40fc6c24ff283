// The eight namespace kinds and sets of them ("combinations").
//
// Order is the story's (mnt, uts, ipc, net, pid, user, cgroup, time); bit i of a
// combination's index is kNamespaces[i]. Every name, parse and print of a
// combination goes through here so reports, plans and rules agree.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/result.h"

namespace nsm {

enum class Ns : uint8_t { mnt, uts, ipc, net, pid, user, cgroup, time };

struct NsInfo {
  Ns ns;
  std::string_view name;  // as in /proc/self/ns/<name> and in reports
  uint64_t clone_flag;
};

inline constexpr int kNsCount = 8;
inline constexpr int kCombinationCount = 1 << kNsCount;
extern const std::array<NsInfo, kNsCount> kNamespaces;

const NsInfo& InfoOf(Ns ns);
std::optional<Ns> NsFromName(std::string_view name);

// A set of namespace kinds: which new namespaces a container gets.
class NsSet {
 public:
  constexpr NsSet() = default;
  static constexpr NsSet FromIndex(unsigned index) { return NsSet(static_cast<uint8_t>(index)); }
  static NsSet All() { return NsSet(0xff); }
  // "none", or names joined by '+', in any order; duplicates are an error.
  static Result<NsSet> Parse(std::string_view text);

  bool Has(Ns ns) const { return bits_ & Bit(ns); }
  NsSet With(Ns ns) const { return NsSet(bits_ | Bit(ns)); }
  NsSet Without(Ns ns) const { return NsSet(bits_ & ~Bit(ns)); }
  bool Empty() const { return bits_ == 0; }
  int Size() const { return __builtin_popcount(bits_); }
  bool IsSubsetOf(NsSet other) const { return (bits_ & ~other.bits_) == 0; }
  unsigned Index() const { return bits_; }
  uint64_t CloneFlags() const;
  std::vector<std::string_view> Names() const;  // canonical order
  std::string ToString() const;                 // "none" or "mnt+pid"

  friend bool operator==(NsSet, NsSet) = default;

 private:
  explicit constexpr NsSet(uint8_t bits) : bits_(bits) {}
  static constexpr uint8_t Bit(Ns ns) { return static_cast<uint8_t>(1u << static_cast<int>(ns)); }
  uint8_t bits_ = 0;
};

// A namespace's identity: the nsfs device and inode of its /proc/PID/ns link.
struct NsId {
  uint64_t dev = 0;
  uint64_t ino = 0;
  friend bool operator==(const NsId&, const NsId&) = default;
};

// "all" or a comma-separated list of combinations. Order is kept, duplicates dropped.
Result<std::vector<NsSet>> ParseCombinationList(std::string_view text);

}  // namespace nsm
