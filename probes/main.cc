// nsprobe: the one static, multi-mode probe program run inside every container.
//
//   nsprobe --sentinel-pid=N --sentinel-comm=S --hostname=H ... PROBE_ID...
//
// Runs the probes in the order given (those that change the process for good
// last) and reports each over descriptor 3 (see protocol.h), then the
// mandatory end record. Exit 0 when it reported; 2 on
// bad arguments. Statically linked so it runs in any root filesystem.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "probes/probe.h"

namespace nsm::probes {

protocol::Record ErrorRecord(std::string_view id, std::string what, int err) {
  protocol::Record record{"probe", std::string(id), {}};
  record.Add("error", std::move(what)).Add("errno", err);
  return record;
}

int ReadWholeFile(const char* path, std::string* text) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) text->append(buf, static_cast<size_t>(n));
  int err = n < 0 ? errno : 0;
  close(fd);
  return err;
}

protocol::Record& AddReadAttempt(protocol::Record& record, const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  return AddReadOf(record, fd, errno);
}

protocol::Record& AddReadOf(protocol::Record& record, int fd, int open_errno) {
  if (fd < 0) return record.Add("read", 0).Add("errno", open_errno);
  char buf[128];
  ssize_t n = read(fd, buf, sizeof(buf));
  int err = errno;
  close(fd);
  if (n < 0) return record.Add("read", 0).Add("errno", err);
  return record.Add("read", 1)
      .Add("errno", 0)
      .Add("content", std::string(buf, static_cast<size_t>(n)));
}

bool WriteRecord(int fd, const protocol::Record& record) {
  std::string line = protocol::Format(record) + '\n';
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

namespace {

bool WriteLine(const protocol::Record& record) {
  return WriteRecord(protocol::kResultFd, record);
}

const ProbeEntry* Find(const std::vector<ProbeEntry>& all, std::string_view id) {
  for (const ProbeEntry& entry : all) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

int Main(int argc, char** argv) {
  // First, before anything can fail: a hello tells the harness this program
  // started (under a runtime, its absence means the runtime never started it).
  protocol::Record hello{std::string(protocol::kHello), "", {}};
  hello.Add("pid", static_cast<long long>(getpid()));
  if (!WriteLine(hello)) return 3;
  std::vector<ProbeEntry> all;
  for (auto family : {NsLinkProbes, PidProbes, UtsProbes, IpcProbes, NetProbes, MntProbes,
                      UserProbes, CgroupProbes, TimeProbes, EscapeProbes}) {
    for (const ProbeEntry& entry : family()) all.push_back(entry);
  }
  ProbeContext ctx;
  std::vector<const ProbeEntry*> selected;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--") && arg.find('=') != std::string_view::npos) {
      size_t eq = arg.find('=');
      ctx.options[std::string(arg.substr(2, eq - 2))] = std::string(arg.substr(eq + 1));
    } else if (const ProbeEntry* entry = Find(all, arg)) {
      selected.push_back(entry);
    } else {
      const char msg[] = "nsprobe: unknown argument or probe id\n";
      (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
      return 2;
    }
  }
  // Records are matched by id, so a probe that would otherwise need a child
  // of its own can go last and act in this process.
  std::stable_partition(selected.begin(), selected.end(),
                        [](const ProbeEntry* entry) { return !entry->after_others; });
  for (size_t i = 0; i < selected.size(); ++i) {
    ctx.last = i + 1 == selected.size();
    if (!WriteLine(selected[i]->run(ctx, selected[i]->id))) return 3;
  }
  protocol::Record end{"end", "", {}};
  end.Add("probes", static_cast<long long>(selected.size()));
  return WriteLine(end) ? 0 : 3;
}

}  // namespace
}  // namespace nsm::probes

int main(int argc, char** argv) {
  return nsm::probes::Main(argc, argv);
}
