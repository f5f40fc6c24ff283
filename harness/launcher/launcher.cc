#include "harness/launcher/launcher.h"

#include <fcntl.h>
#include <unistd.h>

#include "harness/common/io.h"
#include "harness/launcher/clone3.h"

namespace nsm {
Result<Container> Launch(const LaunchSpec& spec) {
  const bool user = spec.namespaces.Has(Ns::user);
  UniqueFd error_r, error_w, go_r, go_w, result_r, result_w;
  if (Status s = HighPipe(&error_r, &error_w); !s) return std::unexpected(s.error());
  if (Status s = HighPipe(&result_r, &result_w); !s) return std::unexpected(s.error());
  if (user) {
    if (Status s = HighPipe(&go_r, &go_w); !s) return std::unexpected(s.error());
  }

  // The child's dup2(result, 3) must not clobber the probe descriptor.
  Result<UniqueFd> exe = HighDup(spec.probe_exe_fd);
  if (!exe) return std::unexpected(exe.error());

  // Everything the child touches is built here: it may not allocate.
  std::vector<ChildStep> steps = PlanChildSteps(spec.namespaces, spec.child);
  std::vector<char*> argv;
  for (const std::string& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  char* envp[] = {const_cast<char*>("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nullptr};
  ChildContext ctx{steps.data(),
                   steps.size(),
                   error_w.Get(),
                   go_r.Get(),
                   result_w.Get(),
                   exe->Get(),
                   !spec.id_maps.deny_setgroups,
                   argv.data(),
                   envp};

  Result<Cloned> cloned = Clone3(CloneFlagsFor(spec.namespaces, spec.child));
  if (!cloned) return std::unexpected(cloned.error());
  if (cloned->pid == 0) RunChildSteps(ctx);

  ChildProcess child(cloned->pid, std::move(cloned->pidfd));
  error_w.Reset();
  result_w.Reset();
  go_r.Reset();
  if (user) {
    if (Status s = WriteIdMaps(child.Pid(), spec.id_maps); !s) {
      return std::unexpected(std::move(s.error()).Wrap("user namespace id maps"));
    }
    char go = 1;
    if (write(go_w.Get(), &go, 1) != 1) return FailErrno("write go byte to child");
    go_w.Reset();
  }

  // EOF: exec succeeded (the close-on-exec error pipe closed). A record: a step failed.
  ChildFailure failure{};
  ssize_t n;
  do {
    n = read(error_r.Get(), &failure, sizeof(failure));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return FailErrno("read child error pipe");
  if (n > 0) {
    child.KillAndReap();
    if (n != sizeof(failure)) return Fail(EPROTO, "child setup", "short failure record");
    ChildStep step = static_cast<ChildStep>(failure.step);
    return Fail(failure.err, std::string(Describe(step)), "container " + spec.namespaces.ToString(),
                NamespaceHint(failure.err));
  }
  return Container{std::move(child), std::move(result_r)};
}

}  // namespace nsm
