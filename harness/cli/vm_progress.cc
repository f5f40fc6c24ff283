#include "harness/cli/vm_progress.h"

#include <unistd.h>

#include <cstdio>

namespace nsm {

VmProgress::VmProgress(bool enabled) : enabled_(enabled), tty_(isatty(STDERR_FILENO)) {}

void VmProgress::Say(const std::string& text) {
  if (!enabled_) return;
  Clear();
  fprintf(stderr, "nsmatrix vm: %s\n", text.c_str());
}

void VmProgress::Event(const ConsoleEvent& event) {
  if (!enabled_) return;
  switch (event.kind) {
    case ConsoleEvent::started:
      Say("kernel " + event.text + " booted; checking what it allows (nsmatrix kernel)");
      break;
    case ConsoleEvent::running:
      Say("running the matrix inside the VM");
      break;
    case ConsoleEvent::sending:
      Say("receiving the results");
      break;
    case ConsoleEvent::progress:
      if (tty_) {
        fprintf(stderr, "\r\033[Knsmatrix vm: %zu/%zu combinations", event.done, event.total);
        shown_ = true;
      } else if (event.total > 0 && event.done * 10 / event.total != last_decile_) {
        last_decile_ = event.done * 10 / event.total;
        Say(std::to_string(event.done) + "/" + std::to_string(event.total) + " combinations");
      }
      break;
    case ConsoleEvent::line:
      // The guest's own report paths mean nothing here: ours follow.
      if (event.text.find("report: /tmp/out/") != std::string::npos) break;
      Clear();
      fprintf(stderr, "  | %s\n", event.text.c_str());
      break;
  }
}

void VmProgress::Clear() {
  if (shown_) fprintf(stderr, "\r\033[K");
  shown_ = false;
}

}  // namespace nsm
