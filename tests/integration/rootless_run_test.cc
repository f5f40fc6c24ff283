// nsmatrix run by an ordinary user (uid 65534, nobody): it enters a user
// namespace of its own and runs the matrix there, with the user's own ids
// only or with subordinate ids from /etc/subuid and /etc/subgid through
// newuidmap/newgidmap.
//
// The machine's /etc is never written: each run has a mount namespace of its
// own in which an overlay over /etc holds the subuid and subgid files the test
// gives nobody (none, or a range). nsmatrix and its helpers are copied where
// nobody may run them, whatever the build directory's permissions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

using ::testing::HasSubstr;

// `script` runs with /bin/sh as root in a mount namespace of its own, with
// $NOBODY the command prefix that drops to uid/gid 65534, $NSM nsmatrix (run
// as nobody from $DIR/bin), and $OUT a directory nobody may write and the
// current directory. `subuid`, `subgid`: the lines of /etc/subuid and
// /etc/subgid there.
CliRun RunAsNobody(const std::string& script, const std::string& subuid = "",
                   const std::string& subgid = "") {
  CliRun run;
  run.dir = std::make_shared<ScopedTempDir>();
  const std::string& dir = run.dir->path();
  std::string prelude =
      "set -e; DIR=" + dir + "; BIN=" + BinDir() +
      "; chmod 755 \"$DIR\"; mkdir -m 755 \"$DIR/bin\"; mkdir -m 777 \"$DIR/out\"; "
      "for f in nsmatrix nsm-sandbox nsprobe; do cp \"$BIN/$f\" \"$DIR/bin/\"; done; "
      "NSM=\"$DIR/bin/nsmatrix\"; OUT=\"$DIR/out\"; cd \"$OUT\"; "
      "mount --make-rprivate /; mkdir \"$DIR/upper\" \"$DIR/work\"; "
      "mount -t overlay nsm-etc -o lowerdir=/etc,upperdir=\"$DIR/upper\",workdir=\"$DIR/work\" "
      "/etc; printf '" +
      subuid + "' > /etc/subuid; printf '" + subgid +
      "' > /etc/subgid; "
      "NOBODY='setpriv --reuid=65534 --regid=65534 --clear-groups'; set +e; ";
  run.exit_code = WaitExit(
      StartProgram({"/usr/bin/unshare", "--mount", "/bin/sh", "-c", prelude + script}, dir));
  run.out = Slurp(dir + "/stdout");
  run.err = Slurp(dir + "/stderr");
  run.json_path = dir + "/out/m.json";
  run.doc = ReadJson(run.json_path);
  return run;
}

// Cells by outcome per probe.
std::map<std::string, std::map<std::string, int>> OutcomesByProbe(const nlohmann::json& doc) {
  std::map<std::string, std::map<std::string, int>> by_probe;
  for (const nlohmann::json& cell : doc["cells"]) {
    by_probe[cell["probe"].get<std::string>()][cell["outcome"].get<std::string>()]++;
  }
  return by_probe;
}

std::string Outcome(const nlohmann::json& doc, const std::string& combination,
                    const std::string& probe) {
  nlohmann::json cell = Cell(doc, combination, probe);
  return cell.is_object() ? cell["outcome"].get<std::string>() : "(no cell)";
}

void ExpectEveryCellPasses(const nlohmann::json& doc, const std::set<std::string>& unsupported) {
  ASSERT_TRUE(doc.is_object());
  ASSERT_EQ(doc["cells"].size(), 256u * doc["probes"].size());
  ASSERT_GE(doc["probes"].size(), 40u);  // the whole catalogue
  for (const nlohmann::json& cell : doc["cells"]) {
    std::string probe = cell["probe"];
    if (unsupported.count(probe)) {
      EXPECT_EQ(cell["outcome"], "unsupported") << cell.dump();
    } else {
      EXPECT_EQ(cell["verdict"], "pass") << cell.dump();
    }
  }
}

// What the run's own user namespace still shows, both ways: the same probe
// leaks without the namespace and is isolated with it.
void ExpectLeaksWithoutTheNamespace(const nlohmann::json& doc) {
  for (const auto& [probe, ns] : std::map<std::string, std::string>{{"uts.hostname", "uts"},
                                                                    {"ipc.sysv_shm", "ipc"},
                                                                    {"net.loopback_tcp", "net"},
                                                                    {"pid.kill_host", "pid"},
                                                                    {"user.caps", "user"},
                                                                    {"ns.mnt", "mnt"}}) {
    EXPECT_EQ(Outcome(doc, "none", probe), "leaked") << probe;
    EXPECT_EQ(Outcome(doc, ns, probe), "isolated") << probe;
  }
}

TEST(RootlessRun, FullMatrixWithTheUsersOwnIdsPasses) {
  CliRun run = RunAsNobody("$NOBODY \"$NSM\" run --no-progress --json m.json");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("rootless, in a user namespace of its own: uid 0 is 65534 and "
                                 "gid 0 is 65534, nothing else mapped"));
  EXPECT_THAT(run.err, HasSubstr("using --userns-map root"));
  const nlohmann::json& doc = run.doc;
  ASSERT_TRUE(doc.is_object()) << run.err;
  EXPECT_EQ(doc["host"]["mode"], "rootless");
  EXPECT_EQ(doc["options"]["userns_map"], "root");
  // No cgroup an ordinary user may write; uid 4242 does not exist there.
  ExpectEveryCellPasses(doc, {"cgroup.path", "cgroup.host_mount", "user.overflow_id"});
  ExpectLeaksWithoutTheNamespace(doc);
  // No process of the run has a capability in the machine's user namespace.
  std::map<std::string, std::map<std::string, int>> by_probe = OutcomesByProbe(doc);
  EXPECT_EQ(by_probe["user.mknod"]["isolated"], 256);
  EXPECT_THAT(Cell(doc, "none", "cgroup.path")["detail"].get<std::string>(), HasSubstr("EACCES"));
  // The machine's /proc is locked under the sandbox's, in the sandbox's user
  // namespace: the launcher replaces the sandbox's copy, and container root
  // who unmounts its own /proc finds the machine's.
  EXPECT_EQ(Outcome(doc, "mnt+pid", "pid.proc_under"), "leaked");
  EXPECT_EQ(Outcome(doc, "mnt+pid", "pid.see_host"), "isolated");
}

// In a root filesystem the sandbox's /proc is its own (nothing locked under
// it), so the launcher's replacement leaves nothing under the container's. The
// new procfs is made before the old one goes: in a user namespace the kernel
// makes one only while another is fully visible (EPERM after pivot_root, until
// 2026-12-07).
TEST(RootlessRun, ARootFilesystemGetsAProcWithNothingUnderIt) {
  CliRun run = RunAsNobody(
      "R=\"$DIR/root\"; mkdir -p \"$R/bin\" \"$R/proc\" \"$R/tmp\" \"$R/dev\" \"$R/etc\"; "
      "cp /bin/busybox \"$R/bin/\"; chmod -R a+rX \"$R\"; "
      "$NOBODY \"$NSM\" run --no-progress --json m.json --rootfs \"$R\" "
      "--combos mnt+pid,mnt+pid+user,mnt+uts+ipc+net+pid+cgroup+time "
      "--probes pid.see_host,pid.proc_under,escape.proc_root,ns.pid");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const nlohmann::json& doc = run.doc;
  ASSERT_TRUE(doc.is_object()) << run.err;
  EXPECT_EQ(doc["host"]["mode"], "rootless");
  for (const nlohmann::json& cell : doc["cells"]) EXPECT_EQ(cell["verdict"], "pass") << cell.dump();
  EXPECT_EQ(Outcome(doc, "mnt+pid", "pid.proc_under"), "isolated");
  EXPECT_THAT(Cell(doc, "mnt+pid", "pid.proc_under")["detail"].get<std::string>(),
              HasSubstr("nothing mounted under the container's /proc"));
  EXPECT_EQ(Outcome(doc, "mnt+pid+user", "pid.proc_under"), "leaked");
}

TEST(RootlessRun, ACgroupDelegatedToTheUserRunsTheCgroupProbes) {
  // As systemd delegates a user's session: a cgroup v2 directory the user
  // owns, with the run started in it. nsmatrix makes its cgroups below it,
  // and removes them: the directory is empty again afterwards.
  CliRun run = RunAsNobody(
      "CG=$(awk '$3 == \"cgroup2\" { print $2; exit }' /proc/self/mounts); "
      "ORIG=$(sed -n 's/^0:://p' /proc/self/cgroup); D=\"$CG/nsm-rootless-test-$$\"; "
      "mkdir \"$D\" && chown 65534:65534 \"$D\" \"$D/cgroup.procs\" \"$D/cgroup.threads\" "
      "\"$D/cgroup.subtree_control\" && echo $$ > \"$D/cgroup.procs\" && "
      "$NOBODY \"$NSM\" run --no-progress --json m.json; echo \"exit=$?\"; "
      "echo $$ > \"$CG$ORIG/cgroup.procs\"; ls \"$D\" | grep -c '^nsmatrix-'; "
      "rmdir \"$D\"; echo \"rmdir=$?\"");
  EXPECT_THAT(run.out, HasSubstr("exit=0")) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\n0\nrmdir=0")) << "nsmatrix left its cgroups";
  const nlohmann::json& doc = run.doc;
  ASSERT_TRUE(doc.is_object()) << run.err;
  EXPECT_EQ(doc["host"]["mode"], "rootless");
  ExpectEveryCellPasses(doc, {"user.overflow_id"});
  // Both ways, as for root: its own cgroup namespace hides the path.
  EXPECT_EQ(Outcome(doc, "none", "cgroup.path"), "leaked");
  EXPECT_EQ(Outcome(doc, "cgroup", "cgroup.path"), "isolated");
  EXPECT_EQ(Outcome(doc, "cgroup", "cgroup.host_mount"), "leaked");
}

TEST(RootlessRun, SubordinateIdsGiveTheUnprivilegedMap) {
  CliRun run =
      RunAsNobody("$NOBODY \"$NSM\" run --no-progress --userns-map unprivileged --json m.json",
                  "nobody:200000:65537\\n", "65534:300000:65537\\n");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("uids 0 is 65534, 100000-165535 are 200000-265535, 4242 is "
                                 "265536; gids 0 is 65534, 100000-165535 are 300000-365535, "
                                 "4242 is 365536 (newuidmap and newgidmap"));
  const nlohmann::json& doc = run.doc;
  ASSERT_TRUE(doc.is_object()) << run.err;
  EXPECT_EQ(doc["host"]["mode"], "rootless");
  EXPECT_EQ(doc["options"]["userns_map"], "unprivileged");
  ExpectEveryCellPasses(doc, {"cgroup.path", "cgroup.host_mount"});
  ExpectLeaksWithoutTheNamespace(doc);
  // The file of uid 4242 is there now: its owner shows through without a
  // user namespace and as the overflow id with one.
  EXPECT_EQ(Outcome(doc, "none", "user.overflow_id"), "leaked");
  EXPECT_EQ(Outcome(doc, "user", "user.overflow_id"), "isolated");
  // Container root is not the user: it cannot write the run's root-owned
  // segment without an IPC namespace.
  EXPECT_EQ(Outcome(doc, "user", "ipc.shm_write"), "isolated");
  EXPECT_EQ(Outcome(doc, "user", "pid.kill_host"), "isolated");
}

TEST(RootlessRun, SubordinateIdsWithoutNewuidmapFallBackToTheUsersOwn) {
  CliRun run = RunAsNobody(
      "$NOBODY env PATH=/nonexistent \"$NSM\" run --no-progress --combos none,all --probes "
      "ns. --json m.json",
      "nobody:200000:65536\\n", "nobody:300000:65536\\n");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("nothing else mapped (the user has subordinate ids, but "
                                 "newuidmap/newgidmap are missing: apt-get install uidmap)"));
  EXPECT_EQ(run.doc["options"]["userns_map"], "root");
}

TEST(RootlessRun, AGroupNewgidmapWouldRefuseFallsBackToTheUsersOwnIds) {
  // newgidmap maps only a process whose group is the user's primary group.
  CliRun run = RunAsNobody(
      "setpriv --reuid=65534 --regid=100 --clear-groups \"$NSM\" run --no-progress --combos "
      "none,all --probes ns. --json m.json",
      "nobody:200000:65536\\n", "nobody:300000:65536\\n");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("uid 0 is 65534 and gid 0 is 100, nothing else mapped (the user "
                                 "has subordinate ids, but newuidmap would refuse: the "
                                 "process's group is not the user's primary group 65534)"));
  EXPECT_EQ(run.doc["host"]["mode"], "rootless");
}

// The tools map a range only with the privilege their set-user-ID bit gives
// them. Where they cannot have it, the run falls back to the user's own ids
// and says why (it used to try them and stop with exit 2).
TEST(RootlessRun, NewuidmapWithoutItsPrivilegeFallsBackToTheUsersOwnIds) {
  // no_new_privs (systemd's NoNewPrivileges=, Kubernetes'
  // allowPrivilegeEscalation: false).
  CliRun run = RunAsNobody(
      "$NOBODY --no-new-privs \"$NSM\" run --no-progress --combos none,all --probes ns. "
      "--json m.json",
      "nobody:200000:65536\\n", "nobody:300000:65536\\n");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("nothing else mapped (the user has subordinate ids, but "
                                 "newuidmap would refuse: no_new_privs is set"));
  EXPECT_EQ(run.doc["options"]["userns_map"], "root");

  // Copies without the set-user-ID bit first on PATH, then set-user-ID
  // copies on a filesystem mounted nosuid.
  for (const char* setup :
       {"mkdir \"$DIR/tools\"; cp /usr/bin/newuidmap /usr/bin/newgidmap \"$DIR/tools/\"",
        "mkdir \"$DIR/tools\"; mount -t tmpfs -o nosuid,mode=755 nsm-tools \"$DIR/tools\"; "
        "cp -p /usr/bin/newuidmap /usr/bin/newgidmap \"$DIR/tools/\""}) {
    run = RunAsNobody(std::string(setup) +
                          "; $NOBODY env PATH=\"$DIR/tools:$PATH\" \"$NSM\" run --no-progress "
                          "--combos none,all --probes ns. --json m.json",
                      "nobody:200000:65536\\n", "nobody:300000:65536\\n");
    ASSERT_EQ(run.exit_code, 0) << setup << run.out << run.err;
    EXPECT_THAT(run.err, HasSubstr("newuidmap would refuse: "));
    EXPECT_THAT(run.err, HasSubstr("/tools/newuidmap is"));
    EXPECT_EQ(run.doc["options"]["userns_map"], "root");
  }
}

// A file the user may not read is said to be one, not "no range".
TEST(RootlessRun, AnUnreadableSubuidFileIsSaidToBeOne) {
  CliRun run = RunAsNobody(
      "chmod 600 /etc/subuid; $NOBODY \"$NSM\" run --no-progress --combos none,all --probes "
      "ns. --json m.json",
      "nobody:200000:65536\\n", "nobody:300000:65536\\n");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("nothing else mapped (/etc/subuid could not be read: "));
  EXPECT_THAT(run.err, HasSubstr("EACCES"));
}

// nsmatrix kernel as an ordinary user checks what that user can do; told to
// leave those checks out it would check nothing and say every type is usable.
TEST(RootlessRun, KernelWithoutTheUnprivilegedChecksIsAUsageErrorForAUser) {
  CliRun run = RunAsNobody(
      "$NOBODY \"$NSM\" kernel > /dev/null; echo plain=$?; "
      "$NOBODY \"$NSM\" kernel --no-unprivileged > /dev/null; echo none=$?");
  EXPECT_THAT(run.out, HasSubstr("plain=0")) << run.err;
  EXPECT_THAT(run.out, HasSubstr("none=2")) << run.err;
  EXPECT_THAT(run.err, HasSubstr("nothing would be checked"));
}

TEST(RootlessRun, RuncAndNspawnAreUsageErrors) {
  CliRun run = RunAsNobody(
      "for r in runc nspawn; do $NOBODY \"$NSM\" run --no-progress --runtime $r --combos mnt "
      "--json m.json; echo \"$r=$?\"; done");
  EXPECT_THAT(run.out, HasSubstr("runc=2"));
  EXPECT_THAT(run.out, HasSubstr("nspawn=2"));
  EXPECT_THAT(run.err, HasSubstr("--runtime runc is not supported in a rootless run"));
  EXPECT_THAT(run.err, HasSubstr("--runtime nspawn is not supported in a rootless run"));
  EXPECT_FALSE(run.doc.is_object());  // no report written
}

TEST(RootlessRun, NoUserNamespaceForTheUserIsAUsageError) {
  // A user namespace in which nobody exists and may make no user namespace
  // (the limit is lowered there only). unshare maps it through newuidmap,
  // from root's subordinate ids.
  CliRun run = RunAsNobody(
      "unshare --user --map-users=0,0,65536 --map-groups=0,0,65536 sh -c 'echo 0 > "
      "/proc/sys/user/max_user_namespaces && '\"$NOBODY\"' \"$0\" run --no-progress --combos "
      "none --json m.json'  \"$NSM\"; echo \"exit=$?\"",
      "root:0:65536\\n", "root:0:65536\\n");
  EXPECT_THAT(run.out, HasSubstr("exit=2")) << run.err;
  EXPECT_THAT(run.err, HasSubstr("cannot run rootless"));
  EXPECT_THAT(run.err, HasSubstr("unshare(CLONE_NEWUSER): ENOSPC"));
  EXPECT_FALSE(run.doc.is_object());
}

TEST(RootlessRun, NoUserNamespaceWithSubordinateIdsIsAUsageErrorAtOnce) {
  // The same with a range for nobody: the process forked to run newuidmap
  // must hear at once that there is nothing to map (it once waited 30 s for
  // a pipe it held open itself), and nothing of it may be left.
  CliRun run = RunAsNobody(
      "unshare --user --map-users=0,0,65536 --map-groups=0,0,65536 sh -c 'echo 0 > "
      "/proc/sys/user/max_user_namespaces && start=$(date +%s) && '\"$NOBODY\"' \"$0\" run "
      "--no-progress --combos none --json m.json; echo \"exit=$? took=$(( $(date +%s) - start "
      "))\"; ps -eo args | grep -c [n]ewuidmap'  \"$NSM\"",
      "root:0:65536\\nnobody:200000:65536\\n", "root:0:65536\\nnobody:300000:65536\\n");
  EXPECT_THAT(run.out, HasSubstr("exit=2")) << run.err;
  EXPECT_THAT(run.err, HasSubstr("unshare(CLONE_NEWUSER): ENOSPC"));
  // A hang, not a speed: the broken version took 30 s.
  int took = -1;
  size_t at = run.out.find("took=");
  if (at != std::string::npos) took = std::stoi(run.out.substr(at + 5));
  EXPECT_GE(took, 0) << run.out;
  EXPECT_LT(took, 10) << run.out;
  EXPECT_THAT(run.out, HasSubstr("\n0\n")) << "a newuidmap is left running";
  EXPECT_FALSE(run.doc.is_object());
}

}  // namespace
}  // namespace nsm::testing
