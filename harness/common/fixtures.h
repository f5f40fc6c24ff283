// What the host sandbox sets up for probes to find: the names both sides agree
// on. Every sandbox has its own IPC, network and mount namespaces, so the same
// names in every sandbox never collide and never touch the machine.
#pragma once

#include <csignal>

namespace nsm::fixtures {

inline constexpr int kShmKey = 0x4e534d01;  // "NSM" 1
inline constexpr int kMsgKey = 0x4e534d02;
inline constexpr int kSemKey = 0x4e534d03;
inline constexpr int kShmSize = 4096;  // the segment is all zeros until someone writes
inline constexpr const char* kMqName = "/nsm-host-mq";
inline constexpr const char* kHostIface = "nsm-host0";  // a veth end; its peer is kPeerIface
inline constexpr const char* kPeerIface = "nsm-peer0";
inline constexpr int kHostIfaceMtu = 1500;
inline constexpr int kProbeMtu = 1280;  // what net.configure_host_iface tries to set
// What net.host_addr tries to give the host interface (TEST-NET-2, RFC 5737);
// the fixture interface has no IPv4 address of its own.
inline constexpr const char* kProbeAddress = "198.51.100.77";
inline constexpr int kTcpPort = 47471;  // 127.0.0.1 in the sandbox
inline constexpr const char* kAbstractSocket = "nsm-host-listener";  // abstract: no file
// The sandbox mounts a tmpfs on <root>/tmp; these live in it.
inline constexpr const char* kSecretFile = "/tmp/nsm-host-secret";  // host root's, mode 0600
inline constexpr const char* kLeakDir = "/tmp/nsm-leak";            // mnt.mount_leak mounts here
inline constexpr const char* kMknodDir = "/tmp/nsm-mknod";          // user.mknod creates here
inline constexpr const char* kPropInDir = "/tmp/nsm-prop-in";  // the host mounts here mid-launch
// Owned by a host uid/gid that no container id map covers (neither 100000+
// nor root alone): user.overflow_id looks at who it seems to belong to.
inline constexpr const char* kForeignFile = "/tmp/nsm-foreign";
inline constexpr unsigned kForeignId = 4242;
// A user namespace the host holds open (a child of the host's, like a
// container's own would be): its nsfs file bind-mounted here, for
// user.setns_sibling to try to enter.
inline constexpr const char* kSiblingUserns = "/tmp/nsm-sibling-userns";
// pid.signal_sender: the launcher leaves this signal pending in the container.
inline constexpr int kPendingSignal = SIGUSR2;
// Time namespaces get these offsets (as `unshare --boottime/--monotonic`).
inline constexpr long kTimeOffsetSeconds = 10L * 365 * 86400;

}  // namespace nsm::fixtures
