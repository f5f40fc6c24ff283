#include "harness/vm/qemu.h"

#include <poll.h>
#include <unistd.h>

#include <charconv>

#include "harness/common/subprocess.h"

namespace nsm {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kTailLines = 20;

// Drops ANSI escape sequences (SeaBIOS and the guest's progress line use them)
// and other control characters.
std::string Printable(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b) {
      if (i + 1 < text.size() && text[i + 1] == '[') {  // CSI ... final byte
        i += 2;
        while (i < text.size() && !(text[i] >= '@' && text[i] <= '~')) ++i;
      } else {
        ++i;  // a two-byte sequence, such as ESC c (reset) from the firmware
      }
      continue;
    }
    if (c >= 0x20 || c == '\t') out += static_cast<char>(c);
  }
  return out;
}

// "nsmatrix: 37/256 combinations"
bool ParseProgress(std::string_view line, size_t& done, size_t& total) {
  static constexpr std::string_view kPrefix = "nsmatrix: ";
  size_t at = line.find(kPrefix);
  if (at == std::string_view::npos || !line.ends_with(" combinations")) return false;
  std::string_view rest = line.substr(at + kPrefix.size());
  auto [slash, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), done);
  if (ec != std::errc() || slash == rest.data() + rest.size() || *slash != '/') return false;
  auto [end, ec2] = std::from_chars(slash + 1, rest.data() + rest.size(), total);
  return ec2 == std::errc() &&
         std::string_view(end, static_cast<size_t>(rest.data() + rest.size() - end)) ==
             " combinations";
}

}  // namespace

std::vector<std::string> QemuArgv(const QemuConfig& config) {
  std::vector<std::string> argv = {
      config.qemu, "-nographic", "-nodefaults", "-no-user-config", "-no-reboot",
      // ttyS0: the console, on QEMU's stdout; ttyS1: the results channel.
      "-serial", "stdio", "-serial", "file:" + config.channel_file, "-m",
      std::to_string(config.memory_mib), "-smp", std::to_string(config.cpus), "-kernel",
      config.kernel, "-initrd", config.initrd,
      // panic=-1: a panic reboots at once, and -no-reboot turns that into QEMU's exit.
      "-append",
      "console=ttyS0 panic=-1 quiet" + (config.append.empty() ? "" : " " + config.append)};
  if (config.kvm) {
    argv.insert(argv.end(), {"-accel", "kvm", "-cpu", "host"});
  } else {
    argv.insert(argv.end(), {"-accel", "tcg"});
  }
  return argv;
}

void ConsoleParser::Feed(std::string_view data,
                         const std::function<void(const ConsoleEvent&)>& on_event) {
  for (char c : data) {
    if (c == '\n' || c == '\r') {
      if (!partial_.empty()) Line(std::exchange(partial_, {}), on_event);
    } else if (partial_.size() < 4096) {
      partial_ += c;
    }
  }
}

void ConsoleParser::Flush(const std::function<void(const ConsoleEvent&)>& on_event) {
  if (!partial_.empty()) Line(std::exchange(partial_, {}), on_event);
}

void ConsoleParser::Line(std::string raw,
                         const std::function<void(const ConsoleEvent&)>& on_event) {
  std::string line = Printable(raw);
  if (line.empty()) return;
  size_t done = 0, total = 0;
  if (ParseProgress(line, done, total)) {
    on_event({ConsoleEvent::progress, line, done, total});
    return;  // a progress line is redrawn many times: kept out of the tail
  }
  tail_.push_back(line);
  if (tail_.size() > kTailLines) tail_.pop_front();
  if (line.find("Kernel panic") != std::string::npos) panicked_ = true;
  // Markers are looked for anywhere in a line: a kernel message can land in
  // front of one on the console. A later stage's marker proves the start too.
  if (size_t at = line.find("NSM-VM-START"); at != std::string::npos && !started_) {
    started_ = true;
    release_ = line.size() > at + 13 ? line.substr(at + 13) : "";
    on_event({ConsoleEvent::started, release_});
  } else if (line.find("NSM-VM-RUN") != std::string::npos) {
    if (!started_) started_ = true;
    on_event({ConsoleEvent::running, line});
  } else if (line.find("NSM-VM-SEND") != std::string::npos) {
    on_event({ConsoleEvent::sending, line});
  } else if (line.find("NSM-VM-DONE") != std::string::npos) {
    finished_ = true;
  } else if (started_) {
    on_event({ConsoleEvent::line, line});
  }
}

Result<VmRun> RunVm(const QemuConfig& config, const VmLimits& limits, int interrupt_fd,
                    const std::function<void(const ConsoleEvent&)>& on_event) {
  Clock::time_point start = Clock::now();
  Result<PipedChild> qemu = SpawnPiped(QemuArgv(config));
  if (!qemu) return std::unexpected(qemu.error());
  ConsoleParser console;
  VmRun run{};
  Clock::time_point started_at{};
  bool output_open = true;
  auto finish = [&](VmRun::End end) -> Result<VmRun> {
    run.end = end;
    if (end == VmRun::boot_timeout || end == VmRun::run_timeout || end == VmRun::interrupted) {
      qemu->process.KillAndReap();
    }
    // What QEMU wrote before it stopped explains the failure: read it all.
    for (char buffer[8192]; output_open;) {
      pollfd out{qemu->output.Get(), POLLIN, 0};
      ssize_t got = poll(&out, 1, 0) == 1 ? read(qemu->output.Get(), buffer, sizeof(buffer)) : 0;
      if (got <= 0) break;
      console.Feed(std::string_view(buffer, static_cast<size_t>(got)), on_event);
    }
    console.Flush(on_event);
    Result<ExitStatus> status = qemu->process.Reap();
    if (!status) return std::unexpected(status.error());
    run.qemu_status = *status;
    run.tail = console.Tail();
    run.release = console.Release();
    run.total_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (console.Started()) {
      run.boot_seconds = std::chrono::duration<double>(started_at - start).count();
    }
    return run;
  };
  while (true) {
    Clock::time_point deadline = console.Started() ? started_at + limits.run : start + limits.boot;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return finish(console.Started() ? VmRun::run_timeout : VmRun::boot_timeout);
    }
    pollfd fds[3] = {{qemu->process.PidFd(), POLLIN, 0},
                     {output_open ? qemu->output.Get() : -1, POLLIN, 0},
                     {interrupt_fd, POLLIN, 0}};
    int n = poll(fds, 3, static_cast<int>(std::min<long>(left.count(), 60'000)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("poll");
    if (fds[2].revents) return finish(VmRun::interrupted);
    if (fds[1].revents) {
      char buffer[8192];
      ssize_t got = read(qemu->output.Get(), buffer, sizeof(buffer));
      if (got > 0) {
        bool was_started = console.Started();
        console.Feed(std::string_view(buffer, static_cast<size_t>(got)), on_event);
        if (!was_started && console.Started()) started_at = Clock::now();
        continue;  // everything QEMU wrote is read before its exit is looked at
      }
      if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) output_open = false;
      continue;
    }
    if (fds[0].revents && !output_open) {
      return finish(console.Finished()   ? VmRun::powered_off
                    : console.Panicked() ? VmRun::panicked
                                         : VmRun::exited_early);
    }
    if (fds[0].revents) {
      // QEMU is gone but something still holds its output open: read what is
      // there without waiting for it.
      pollfd out{qemu->output.Get(), POLLIN, 0};
      if (poll(&out, 1, 100) <= 0) output_open = false;
    }
  }
}

Result<std::string> QemuVersion(const std::string& qemu) {
  Result<CapturedOutput> out = RunAndCapture({qemu, "--version"}, std::chrono::seconds(30));
  if (!out) return std::unexpected(out.error());
  if (!out->status.exited || out->status.code != 0) {
    return Fail(0, qemu + " --version", out->status.Describe());
  }
  return out->output.substr(0, out->output.find('\n'));
}

}  // namespace nsm
