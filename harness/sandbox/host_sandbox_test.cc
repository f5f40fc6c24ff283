// The host sandbox's checks and restores against the real kernel (root): a
// damaged fixture is found, only the damaged ones are restored, and a reset
// leaves the sandbox as it was built. Each test builds its sandbox in a child
// cloned into the namespaces a sandbox worker gets, so nothing here touches
// the machine; the child reports its findings over a pipe.
#include "harness/sandbox/host_sandbox.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <mqueue.h>
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "harness/common/child_process.h"
#include "harness/common/io.h"
#include "harness/launcher/clone3.h"
#include "harness/sandbox/in_sandbox_for_tests.h"

namespace nsm {
namespace {

Findings Expect(bool holds, const std::string& what) {
  return holds ? "" : what + "\n";
}

std::string Damaged(const HostSandbox::Inspection& found) {
  return std::to_string(found.damaged) +
         (found.first ? " (" + found.first->Message() + ")" : std::string());
}

TEST(HostSandbox, FreshlyBuiltItPassesEveryCheck) {
  EXPECT_EQ(InSandbox([](HostSandbox& sandbox) {
              HostSandbox::Inspection found = sandbox.Inspect(HostSandbox::kAllFixtures);
              return Expect(found.damaged == 0 && !found.first, "fresh: " + Damaged(found));
            }),
            "");
}

TEST(HostSandbox, FindsEachDamagedFixtureAndRestoresOnlyThoseAskedFor) {
  EXPECT_EQ(InSandbox([](HostSandbox& sandbox) {
              Findings wrong;
              const char evil[] = "evil";
              sethostname(evil, sizeof(evil) - 1);
              kill(sandbox.SentinelPid(), SIGKILL);
              sandbox.SentinelDeadWithin(std::chrono::seconds(5));
              HostSandbox::Inspection found = sandbox.Inspect(HostSandbox::kAllFixtures);
              wrong += Expect(found.damaged == (HostSandbox::kNames | HostSandbox::kSentinel),
                              "renamed, sentinel killed: " + Damaged(found));
              wrong += Expect(found.first && found.first->Message().find("hostname is 'evil'") !=
                                                 std::string::npos,
                              "the first failure names the hostname: " + Damaged(found));
              // Only the sentinel is mended: the name stays wrong.
              if (Status s = sandbox.Restore(HostSandbox::kSentinel); !s)
                wrong += "restore sentinel: " + s.error().Message() + "\n";
              found = sandbox.Inspect(HostSandbox::kAllFixtures);
              wrong += Expect(found.damaged == HostSandbox::kNames,
                              "after restoring the sentinel: " + Damaged(found));
              if (Status s = sandbox.Restore(HostSandbox::kNames); !s)
                wrong += "restore names: " + s.error().Message() + "\n";
              found = sandbox.Inspect(HostSandbox::kAllFixtures);
              wrong += Expect(found.damaged == 0, "after restoring both: " + Damaged(found));
              // A fixture not asked about is not looked at.
              sethostname(evil, sizeof(evil) - 1);
              found = sandbox.Inspect(HostSandbox::kAllFixtures & ~HostSandbox::kNames);
              wrong += Expect(found.damaged == 0, "names not asked about: " + Damaged(found));
              return wrong;
            }),
            "");
}

TEST(HostSandbox, AResetMendsWhatAContainerDamagedAndVouchesForIt) {
  EXPECT_EQ(InSandbox([](HostSandbox& sandbox) {
              Findings wrong;
              pid_t first = sandbox.SentinelPid();
              const char evil[] = "evil";
              sethostname(evil, sizeof(evil) - 1);
              kill(first, SIGKILL);
              sandbox.SentinelDeadWithin(std::chrono::seconds(5));
              Status reset = sandbox.ResetAfterCell();
              wrong += Expect(reset.has_value(),
                              "reset: " + (reset ? std::string() : reset.error().Message()));
              wrong += Expect(sandbox.CurrentHostname() == sandbox.ExpectedHostname(),
                              "hostname after reset: " + sandbox.CurrentHostname());
              wrong += Expect(!sandbox.SentinelDeadWithin(std::chrono::milliseconds(0)),
                              "the sentinel is alive again");
              Status before = sandbox.CheckBeforeCell();
              wrong += Expect(before.has_value(), "the next cell may start");
              return wrong;
            }),
            "");
}

// What ipc.shm_write, net.host_addr and pid.orphan leave behind when they
// leak: the host sees it (the judges' view), the check finds it, and the
// reset mends it.
TEST(HostSandbox, WritesAndLeftoversAreSeenAndMended) {
  EXPECT_EQ(
      InSandbox([](HostSandbox& sandbox) {
        Findings wrong;
        wrong += Expect(sandbox.HostShmText() == "", "fresh segment is all zeros");
        wrong += Expect(sandbox.HostIfaceAddress() == "", "fresh interface has no address");
        int id = shmget(fixtures::kShmKey, 0, 0);
        void* at = id >= 0 ? shmat(id, nullptr, 0) : reinterpret_cast<void*>(-1);
        if (at == reinterpret_cast<void*>(-1)) return std::string("shmat failed\n");
        strcpy(static_cast<char*>(at), "nsm-shm-x");
        shmdt(at);
        int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ifreq req{};
        strncpy(req.ifr_name, fixtures::kHostIface, IFNAMSIZ - 1);
        auto* addr = reinterpret_cast<sockaddr_in*>(&req.ifr_addr);
        addr->sin_family = AF_INET;
        inet_pton(AF_INET, fixtures::kProbeAddress, &addr->sin_addr);
        wrong += Expect(ioctl(sock, SIOCSIFADDR, &req) == 0, "SIOCSIFADDR");
        close(sock);
        pid_t orphan = fork();
        if (orphan == 0) {
          prctl(PR_SET_NAME, "nsmo-test", 0, 0, 0);
          for (;;) pause();
        }
        // The name is set by the child: wait for it to show.
        for (int i = 0; i < 500 && sandbox.ProcessWithComm("nsmo-test") != true; ++i) usleep(10000);
        wrong += Expect(sandbox.HostShmText() == "nsm-shm-x", "the write shows");
        wrong += Expect(sandbox.HostIfaceAddress() == fixtures::kProbeAddress, "the address shows");
        wrong += Expect(sandbox.ProcessWithComm("nsmo-test") == true, "the leftover shows");
        HostSandbox::Inspection found = sandbox.Inspect(HostSandbox::kAllFixtures);
        wrong += Expect(found.damaged == (HostSandbox::kIpc | HostSandbox::kNet),
                        "segment written, address added: " + Damaged(found));
        Status reset = sandbox.ResetAfterCell();
        wrong += Expect(reset.has_value(),
                        "reset: " + (reset ? std::string() : reset.error().Message()));
        wrong += Expect(sandbox.HostShmText() == "", "segment zeroed again");
        wrong += Expect(sandbox.HostIfaceAddress() == "", "address taken off");
        wrong += Expect(sandbox.ProcessWithComm("nsmo-test") == false, "the leftover is gone");
        return wrong;
      }),
      "");
}

// A segment removed and made again under the same key is not the sandbox's:
// the check says so, the judge reads the new one, the reset adopts it.
TEST(HostSandbox, ASegmentMadeAgainIsSeenAndAdopted) {
  EXPECT_EQ(InSandbox([](HostSandbox& sandbox) {
              Findings wrong;
              int id = shmget(fixtures::kShmKey, 0, 0);
              wrong += Expect(id >= 0 && shmctl(id, IPC_RMID, nullptr) == 0, "IPC_RMID");
              int again = shmget(fixtures::kShmKey, fixtures::kShmSize, IPC_CREAT | 0600);
              void* at = again >= 0 ? shmat(again, nullptr, 0) : reinterpret_cast<void*>(-1);
              if (at == reinterpret_cast<void*>(-1)) return std::string("shmat failed\n");
              strcpy(static_cast<char*>(at), "nsm-shm-y");
              shmdt(at);
              wrong += Expect(sandbox.HostShmText() == "nsm-shm-y", "the new segment is read");
              HostSandbox::Inspection found = sandbox.Inspect(HostSandbox::kAllFixtures);
              wrong += Expect(found.damaged == HostSandbox::kIpc, "made again: " + Damaged(found));
              Status reset = sandbox.ResetAfterCell();
              wrong += Expect(reset.has_value(),
                              "reset: " + (reset ? std::string() : reset.error().Message()));
              wrong += Expect(sandbox.HostShmText() == "", "the new segment is zeroed");
              wrong += Expect(!sandbox.Inspect(HostSandbox::kAllFixtures).damaged, "healthy again");
              return wrong;
            }),
            "");
}

// An IPC object of another owner, creator or mode is not the sandbox's, even
// under its key: ipc.shm_write's outcome turns on the segment's, and a root
// container sharing the sandbox's IPC namespace can change any of them. The
// check says so and the reset makes it again as the sandbox's, mode 0600.
TEST(HostSandbox, AnIpcObjectOfAnotherOwnerOrModeIsSeenAndMadeAgain) {
  EXPECT_EQ(
      InSandbox([](HostSandbox& sandbox) {
        auto shm_perm = [] {
          shmid_ds ds{};
          shmctl(shmget(fixtures::kShmKey, 0, 0), IPC_STAT, &ds);
          return ds.shm_perm;
        };
        std::vector<std::pair<std::string, std::function<bool()>>> damages = {
            {"segment chmod 0666",
             [] {
               shmid_ds ds{};
               int id = shmget(fixtures::kShmKey, 0, 0);
               if (shmctl(id, IPC_STAT, &ds) != 0) return false;
               ds.shm_perm.mode = 0666;
               return shmctl(id, IPC_SET, &ds) == 0;
             }},
            {"segment made by uid 1000, given to root",
             [] {
               if (shmctl(shmget(fixtures::kShmKey, 0, 0), IPC_RMID, nullptr) != 0) return false;
               if (seteuid(1000) != 0) return false;
               int id = shmget(fixtures::kShmKey, fixtures::kShmSize, IPC_CREAT | 0600);
               if (seteuid(0) != 0 || id < 0) return false;
               shmid_ds ds{};
               if (shmctl(id, IPC_STAT, &ds) != 0) return false;
               ds.shm_perm.uid = 0;
               return shmctl(id, IPC_SET, &ds) == 0;
             }},
            {"segment made again smaller",
             [] {
               if (shmctl(shmget(fixtures::kShmKey, 0, 0), IPC_RMID, nullptr) != 0) return false;
               return shmget(fixtures::kShmKey, 64, IPC_CREAT | 0600) >= 0;
             }},
            {"message queue made again 0644",
             [] {
               if (msgctl(msgget(fixtures::kMsgKey, 0), IPC_RMID, nullptr) != 0) return false;
               return msgget(fixtures::kMsgKey, IPC_CREAT | 0644) >= 0;
             }},
            {"semaphore set given to uid 1000",
             [] {
               semid_ds ds{};
               int id = semget(fixtures::kSemKey, 0, 0);
               if (semctl(id, 0, IPC_STAT, &ds) != 0) return false;
               ds.sem_perm.uid = 1000;
               return semctl(id, 0, IPC_SET, &ds) == 0;
             }},
            {"POSIX queue made again 0666",
             [] {
               if (mq_unlink(fixtures::kMqName) != 0) return false;
               mode_t old = umask(0);
               mqd_t mq = mq_open(fixtures::kMqName, O_RDWR | O_CREAT | O_CLOEXEC, 0666, nullptr);
               umask(old);
               return mq != static_cast<mqd_t>(-1) && mq_close(mq) == 0;
             }},
        };
        Findings wrong;
        for (const auto& [what, damage] : damages) {
          if (!damage()) return what + ": could not do it (" + strerror(errno) + ")\n";
          HostSandbox::Inspection found = sandbox.Inspect(HostSandbox::kAllFixtures);
          wrong += Expect(found.damaged == HostSandbox::kIpc, what + ": " + Damaged(found));
          Status reset = sandbox.ResetAfterCell();
          wrong += Expect(reset.has_value(),
                          what + ": reset: " + (reset ? std::string() : reset.error().Message()));
          HostSandbox::Inspection after = sandbox.Inspect(HostSandbox::kAllFixtures);
          wrong += Expect(!after.damaged, what + ": after the reset: " + Damaged(after));
          shmid_ds segment{};
          shmctl(shmget(fixtures::kShmKey, 0, 0), IPC_STAT, &segment);
          wrong += Expect(segment.shm_segsz == fixtures::kShmSize, what + ": the segment's size");
          ipc_perm perm = shm_perm();
          wrong += Expect(perm.uid == 0 && perm.cuid == 0 && (perm.mode & 0777) == 0600,
                          what + ": the segment is root's, mode 0600");
          wrong += Expect(sandbox.HostShmText() == "", what + ": the segment reads as zeros");
        }
        return wrong;
      }),
      "");
}

}  // namespace
}  // namespace nsm
