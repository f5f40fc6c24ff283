// Probes that misbehave, for the harness's error paths. One source, one
// static binary per mode (BAD_PROBE_MODE): each must give `error`, never a verdict.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace {

void Say(const char* text) {
  (void)!write(3, text, strlen(text));
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = BAD_PROBE_MODE;
  if (!strcmp(mode, "hang")) {
    Say("nsmatrix-probe/1 pid=1\n");
    while (true) pause();
  }
  if (!strcmp(mode, "crash")) {
    // One good record, then death: the record is judged, the rest are errors.
    Say("nsmatrix-probe/1 pid=1\nprobe uts.hostname rc=-1 errno=1\n");
    raise(SIGSEGV);
  }
  if (!strcmp(mode, "garbage")) {
    Say("Segmentation fault (core dumped)\n\x01\x02 random bytes\n");
    return 0;
  }
  if (!strcmp(mode, "silent")) return 0;
  if (!strcmp(mode, "linger")) {
    // Leaves a child behind, then reports how many processes /proc lists.
    if (fork() == 0) {
      while (true) pause();
    }
    int count = 0;
    if (DIR* dir = opendir("/proc")) {
      while (dirent* e = readdir(dir)) count += e->d_name[0] >= '0' && e->d_name[0] <= '9';
      closedir(dir);
    }
    // The sentinel's name as given, so the judge takes the count as evidence.
    const char* comm = "";
    for (int i = 1; i < argc; ++i) {
      if (!strncmp(argv[i], "--sentinel-comm=", 16)) comm = argv[i] + 16;
    }
    char self[32] = "?";
    ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);
    self[n > 0 ? n : 0] = '\0';
    char line[256];
    snprintf(line, sizeof(line),
             "nsmatrix-probe/1 pid=1\nprobe pid.see_host comm=%s found=0 scanned=%d self=%d "
             "proc_self=%s\nend probes=1\n",
             comm, count, static_cast<int>(getpid()), self);
    Say(line);
    return 0;
  }
  if (!strcmp(mode, "forge")) {
    // Tries to write a forged reply into the worker's channel to the runner.
    const char forged[] = "probe ns.net outcome=isolated detail=forged\nend probes=1\n";
    for (const char* path : {"/proc/1/fd/3", "/proc/1/fd/4"}) {
      int fd = open(path, O_WRONLY);
      if (fd >= 0) {
        (void)!write(fd, forged, sizeof(forged) - 1);
        close(fd);
      }
    }
    return 0;
  }
  if (!strcmp(mode, "stop_listener")) {
    // Freezes the sandbox's TCP listener (comm nsm-l...), a break no restore
    // undoes (it is alive), then reports a proper record.
    if (DIR* dir = opendir("/proc")) {
      while (dirent* e = readdir(dir)) {
        char path[300], comm[32] = {};
        snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0) continue;
        (void)!read(fd, comm, sizeof(comm) - 1);
        close(fd);
        if (!strncmp(comm, "nsm-l", 5)) kill(atoi(e->d_name), SIGSTOP);
      }
      closedir(dir);
    }
    Say("nsmatrix-probe/1 pid=1\nprobe uts.hostname rc=-1 errno=1\nend probes=1\n");
    return 0;
  }
  if (!strcmp(mode, "badutf")) {
    // A proper record whose text is not UTF-8 (%FF%FE on the wire: raw bytes).
    Say("nsmatrix-probe/1 pid=1\nprobe uts.hostname error=bad%FF%FEbytes errno=5\nend probes=1\n");
    return 0;
  }
  if (!strcmp(mode, "noend")) {
    Say("nsmatrix-probe/1 pid=1\n");
    return 0;
  }
  return 3;
}
