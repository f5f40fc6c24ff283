// Probes that misbehave, for the harness's error paths. One source, one
// static binary per mode (BAD_PROBE_MODE): each must give `error`, never a verdict.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace {

void Say(const char* text) {
  (void)!write(3, text, strlen(text));
}

}  // namespace

int main() {
  const char* mode = BAD_PROBE_MODE;
  if (!strcmp(mode, "hang")) {
    Say("nsmatrix-probe/1 pid=1\n");
    while (true) pause();
  }
  if (!strcmp(mode, "crash")) {
    // One good record, then death: the record is judged, the rest are errors.
    Say("nsmatrix-probe/1 pid=1\nprobe ns.mnt dev=1 ino=1\n");
    raise(SIGSEGV);
  }
  if (!strcmp(mode, "garbage")) {
    Say("Segmentation fault (core dumped)\n\x01\x02 random bytes\n");
    return 0;
  }
  if (!strcmp(mode, "silent")) return 0;
  if (!strcmp(mode, "noend")) {
    Say("nsmatrix-probe/1 pid=1\n");
    return 0;
  }
  return 3;
}
