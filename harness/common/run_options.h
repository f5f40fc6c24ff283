// The options of a run that every layer names, from the scenario file to the
// sandbox worker and the report: how container ids are mapped, what a
// container's mount namespace does to the propagation it inherits, and who
// makes the containers. Each has one spelling, Name() and Parse*() its two
// directions.
#pragma once

#include <string_view>

#include "harness/common/result.h"

namespace nsm {

// What `nsmatrix run` and a scenario file accept for --jobs and --timeout-ms.
inline constexpr int kMaxJobs = 64;
inline constexpr long kMinTimeoutMs = 100;
inline constexpr long kMaxTimeoutMs = 600000;

// unprivileged: container root is host uid/gid 100000 (65536 ids), as rootful
// podman and LXC do with subordinate ids. root: container root is the caller,
// as `unshare --map-root-user` does (the story's way).
enum class UsernsMap { unprivileged, root };
inline constexpr unsigned long kSubordinateBase = 100000;  // the unprivileged map's root
inline constexpr unsigned long kSubordinateCount = 65536;

std::string_view Name(UsernsMap map);
Result<UsernsMap> ParseUsernsMap(std::string_view text);

// What a container's mount namespace does to the propagation it inherits.
enum class Propagation { kPrivate, kSlave, kShared, kUnchanged };
inline constexpr Propagation kPropagations[] = {Propagation::kPrivate, Propagation::kSlave,
                                                Propagation::kShared, Propagation::kUnchanged};
std::string_view Name(Propagation propagation);
Result<Propagation> ParsePropagation(std::string_view text);

// nsmatrix's own launcher, or a container runtime found on PATH.
enum class RuntimeKind { native, unshare, bwrap, runc, crun, nspawn };

// Every kind, in the order help texts list them.
inline constexpr RuntimeKind kRuntimeKinds[] = {RuntimeKind::native, RuntimeKind::unshare,
                                                RuntimeKind::bwrap,  RuntimeKind::runc,
                                                RuntimeKind::crun,   RuntimeKind::nspawn};

std::string_view Name(RuntimeKind kind);
Result<RuntimeKind> ParseRuntime(std::string_view text);

}  // namespace nsm
