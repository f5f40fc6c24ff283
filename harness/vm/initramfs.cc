#include "harness/vm/initramfs.h"

#include <unistd.h>

#include <boost/filesystem.hpp>
#include <map>
#include <set>

#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "harness/common/subprocess.h"
#include "harness/vm/cpio.h"
#include "harness/vm/guest_channel.h"

namespace nsm {
namespace {

namespace fs = boost::filesystem;

// A module's dependencies, from the "depends=a,b" string in its .modinfo section.
std::vector<std::string> ModuleDepends(const std::string& ko) {
  std::vector<std::string> out;
  Result<std::string> data = ReadFile(ko);
  if (!data) return out;
  static constexpr std::string_view kKey("depends=");
  for (size_t at = data->find(kKey); at != std::string::npos; at = data->find(kKey, at + 1)) {
    if (at > 0 && (*data)[at - 1] != '\0') continue;  // part of a longer string
    size_t end = data->find('\0', at);
    for (std::string_view dep :
         Split(std::string_view(*data).substr(at + kKey.size(), end - at - kKey.size()), ',')) {
      if (!dep.empty()) out.emplace_back(dep);
    }
    break;
  }
  return out;
}

// Module names use '-' and '_' interchangeably; files keep the author's choice.
std::string ModuleKey(std::string name) {
  for (char& c : name) c = c == '-' ? '_' : c;
  return name;
}

void AddParents(CpioWriter& cpio, std::set<std::string>& dirs, const std::string& path) {
  size_t slash = 0;
  while ((slash = path.find('/', slash + 1)) != std::string::npos) {
    std::string dir = path.substr(0, slash);
    if (dirs.insert(dir).second) cpio.AddDirectory(dir);
  }
}

Status AddHostFile(CpioWriter& cpio, std::set<std::string>& dirs, const std::string& from,
                   const std::string& to, mode_t perm) {
  Result<std::string> data = ReadFile(from);
  if (!data) return std::unexpected(std::move(data.error()).Wrap("copy into the initramfs"));
  AddParents(cpio, dirs, to);
  cpio.AddFile(to, *data, perm);
  return {};
}

std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Result<std::vector<std::string>> SharedLibraries(const std::string& program) {
  Result<CapturedOutput> ldd = RunAndCapture({"ldd", program}, std::chrono::seconds(30));
  if (!ldd) return std::unexpected(std::move(ldd.error()).Wrap("list the libraries of " + program));
  std::vector<std::string> libs;
  if (ldd->output.find("not a dynamic executable") != std::string::npos ||
      ldd->output.find("statically linked") != std::string::npos) {
    return libs;
  }
  if (!ldd->status.exited || ldd->status.code != 0) {
    return Fail(0, "ldd " + program, ldd->status.Describe() + ": " + ldd->output);
  }
  for (std::string_view line : Split(ldd->output, '\n')) {
    line = Trim(line);
    if (line.find("not found") != std::string_view::npos) {
      return Fail(ENOENT, "ldd " + program, std::string(line), "install the missing library");
    }
    size_t arrow = line.find("=> ");
    std::string_view path = arrow == std::string_view::npos ? line : line.substr(arrow + 3);
    path = path.substr(0, path.find(" ("));
    if (path.starts_with("/")) libs.emplace_back(path);  // linux-vdso.so.1 is the kernel's
  }
  return libs;
}

Result<std::vector<std::string>> ResolveModules(const std::string& modules_dir,
                                                const std::vector<std::string>& names) {
  std::map<std::string, std::string> files;  // module key -> path
  boost::system::error_code ec;
  for (fs::recursive_directory_iterator it(modules_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string file = it->path().filename().string();
    if (file.ends_with(".ko"))
      files.emplace(ModuleKey(file.substr(0, file.size() - 3)), it->path().string());
  }
  if (ec) return Fail(ec.value(), "read modules", modules_dir + ": " + ec.message());
  std::vector<std::string> order;
  std::set<std::string> done, visiting;
  std::function<Status(const std::string&)> visit = [&](const std::string& name) -> Status {
    std::string key = ModuleKey(name);
    if (done.contains(key)) return {};
    if (!visiting.insert(key).second) return Fail(ELOOP, "resolve modules", "cycle at " + name);
    auto found = files.find(key);
    if (found == files.end()) {
      return Fail(ENOENT, "resolve modules", name + ".ko is not under " + modules_dir,
                  "give the modules of this kernel with --modules DIR (lib/modules/<release> of "
                  "the same package), or a kernel with it built in");
    }
    for (const std::string& dep : ModuleDepends(found->second)) {
      if (Status s = visit(dep); !s) return s;
    }
    done.insert(key);
    order.push_back(found->second);
    return {};
  };
  for (const std::string& name : names) {
    if (Status s = visit(name); !s) return std::unexpected(s.error());
  }
  return order;
}

std::string GuestInit(const InitramfsSpec& spec) {
  std::string script =
      "#!/bin/busybox sh\n"
      "# /init of an `nsmatrix vm` initramfs: mounts what nsmatrix needs, runs\n"
      "# `nsmatrix kernel` and `nsmatrix run`, sends their JSON out on ttyS1 and\n"
      "# powers off. The console (ttyS0) shows the progress.\n"
      "/bin/busybox --install -s /bin\n"
      "export PATH=/bin\n"
      "mount -t proc proc /proc\n"
      "mount -t sysfs sysfs /sys\n"
      "mount -t devtmpfs devtmpfs /dev\n"
      "mount -t tmpfs -o mode=1777 tmpfs /tmp\n"
      "mount -t cgroup2 cgroup2 /sys/fs/cgroup || echo 'nsmatrix-vm: no cgroup v2 here'\n"
      "hostname nsmatrix-vm\n";
  for (const std::string& ko : spec.modules) {
    std::string name = fs::path(ko).filename().string();
    script += "insmod " + ShellQuote("/nsm/modules/" + name) + " || echo " +
              ShellQuote("nsmatrix-vm: insmod " + name + " failed") + "\n";
  }
  script += GuestEmitFunction("/dev/ttyS1");
  script +=
      "echo \"NSM-VM-START $(uname -r)\"\n"
      "mkdir /tmp/out && cd /tmp\n"
      "/nsm/nsmatrix kernel --color never --json /tmp/out/kernel.json\n"
      "k=$?\n"
      "echo NSM-VM-RUN\n"
      "/nsm/nsmatrix run";
  for (const std::string& arg : spec.run_args) script += " " + ShellQuote(arg);
  script +=
      " --json /tmp/out/matrix.json\n"
      "r=$?\n"
      "echo NSM-VM-SEND\n"
      "emit kernel.json /tmp/out/kernel.json\n"
      "emit matrix.json /tmp/out/matrix.json\n"
      "echo \"NSM-EXIT kernel=$k run=$r\" > /dev/ttyS1\n"
      "echo NSM-VM-DONE\n"
      "sync\n"
      "poweroff -f\n";
  return script;
}

Result<std::string> BuildInitramfs(const InitramfsSpec& spec) {
  CpioWriter cpio;
  std::set<std::string> dirs;
  for (const char* dir : {"bin", "dev", "proc", "sys", "tmp", "boot", "nsm", "nsm/modules"}) {
    cpio.AddDirectory(dir);
    dirs.insert(dir);
  }
  if (Status s = AddHostFile(cpio, dirs, spec.busybox, "bin/busybox", 0755); !s) {
    return std::unexpected(s.error());
  }
  std::set<std::string> libs;
  for (const std::string& program : spec.programs) {
    std::string name = fs::path(program).filename().string();
    std::string copy = program;
    if (!spec.objcopy.empty()) {
      copy = spec.scratch_dir + "/" + name;
      Result<CapturedOutput> strip =
          RunAndCapture({spec.objcopy, "--strip-debug", program, copy}, std::chrono::seconds(60));
      if (!strip) return std::unexpected(std::move(strip.error()).Wrap("strip " + program));
      if (!strip->status.exited || strip->status.code != 0) {
        return Fail(0, "objcopy --strip-debug " + program,
                    strip->status.Describe() + ": " + strip->output);
      }
    }
    Status added = AddHostFile(cpio, dirs, copy, "nsm/" + name, 0755);
    if (!spec.objcopy.empty()) unlink(copy.c_str());
    if (!added) return std::unexpected(added.error());
    Result<std::vector<std::string>> needed = SharedLibraries(program);
    if (!needed) return std::unexpected(needed.error());
    libs.insert(needed->begin(), needed->end());
  }
  for (const std::string& lib : libs) {
    // At the path the program asks for: the loader's own path is compiled into
    // every program, and the others are found in its default directories.
    if (Status s = AddHostFile(cpio, dirs, lib, lib.substr(1), 0755); !s) {
      return std::unexpected(s.error());
    }
  }
  for (const std::string& ko : spec.modules) {
    if (Status s =
            AddHostFile(cpio, dirs, ko, "nsm/modules/" + fs::path(ko).filename().string(), 0644);
        !s) {
      return std::unexpected(s.error());
    }
  }
  if (!spec.kernel_config.empty()) {
    if (Status s = AddHostFile(cpio, dirs, spec.kernel_config, "boot/config-" + spec.release, 0644);
        !s) {
      return std::unexpected(s.error());
    }
  }
  if (!spec.scenario_toml.empty()) {
    AddParents(cpio, dirs, "nsm/scenario.toml");
    cpio.AddFile("nsm/scenario.toml", spec.scenario_toml, 0644);
  }
  cpio.AddFile("init", GuestInit(spec), 0755);
  return Gzip(std::move(cpio).Finish(), 1);
}

}  // namespace nsm
