#include "harness/common/namespaces.h"

#include <linux/sched.h>

#include <algorithm>

#include "harness/common/strings.h"

namespace nsm {

const std::array<NsInfo, kNsCount> kNamespaces = {{
    {Ns::mnt, "mnt", CLONE_NEWNS},
    {Ns::uts, "uts", CLONE_NEWUTS},
    {Ns::ipc, "ipc", CLONE_NEWIPC},
    {Ns::net, "net", CLONE_NEWNET},
    {Ns::pid, "pid", CLONE_NEWPID},
    {Ns::user, "user", CLONE_NEWUSER},
    {Ns::cgroup, "cgroup", CLONE_NEWCGROUP},
    {Ns::time, "time", CLONE_NEWTIME},
}};

const NsInfo& InfoOf(Ns ns) {
  return kNamespaces[static_cast<int>(ns)];
}

std::optional<Ns> NsFromName(std::string_view name) {
  for (const NsInfo& info : kNamespaces) {
    if (info.name == name) return info.ns;
  }
  return std::nullopt;
}

Result<NsSet> NsSet::Parse(std::string_view text) {
  if (text == "none") return NsSet();
  if (text.empty())
    return Fail(EINVAL, "parse combination", "empty combination (use 'none' for no namespace)");
  NsSet set;
  for (std::string_view part : Split(text, '+')) {
    std::optional<Ns> ns = NsFromName(part);
    if (!ns) {
      return Fail(EINVAL, "parse combination",
                  "unknown namespace '" + std::string(part) + "' in '" + std::string(text) +
                      "' (expected none, or names among mnt uts ipc net pid user cgroup time "
                      "joined by '+')");
    }
    if (set.Has(*ns)) {
      return Fail(
          EINVAL, "parse combination",
          "namespace '" + std::string(part) + "' appears twice in '" + std::string(text) + "'");
    }
    set = set.With(*ns);
  }
  return set;
}

uint64_t NsSet::CloneFlags() const {
  uint64_t flags = 0;
  for (const NsInfo& info : kNamespaces) {
    if (Has(info.ns)) flags |= info.clone_flag;
  }
  return flags;
}

std::vector<std::string_view> NsSet::Names() const {
  std::vector<std::string_view> names;
  for (const NsInfo& info : kNamespaces) {
    if (Has(info.ns)) names.push_back(info.name);
  }
  return names;
}

std::string NsSet::ToString() const {
  if (Empty()) return "none";
  return Join(Names(), "+");
}

Result<std::vector<NsSet>> ParseCombinationList(std::string_view text) {
  std::vector<NsSet> sets;
  if (Trim(text) == "all") {
    for (unsigned i = 0; i < kCombinationCount; ++i) sets.push_back(NsSet::FromIndex(i));
    return sets;
  }
  for (std::string_view item : Split(text, ',')) {
    // In a list, 'all' is the combination of all eight (as in the benchmarks):
    // `--combos none,all` is the quick check of both ends.
    Result<NsSet> set =
        Trim(item) == "all" ? NsSet::FromIndex(kCombinationCount - 1) : NsSet::Parse(Trim(item));
    if (!set) return std::unexpected(set.error());
    if (std::find(sets.begin(), sets.end(), *set) == sets.end()) sets.push_back(*set);
  }
  if (sets.empty()) return Fail(EINVAL, "parse combinations", "the list of combinations is empty");
  return sets;
}

}  // namespace nsm
