#include "reports/kernel_section.h"

#include "harness/common/strings.h"
#include "reports/json_access.h"

namespace nsm {
namespace {

namespace ja = json_access;
using json = nlohmann::json;

std::string Colored(const std::string& status, bool color) {
  std::string text = status == "usable" ? status : [&] {
    std::string upper = status;
    for (char& c : upper) c = static_cast<char>(toupper(c));
    return upper;
  }();
  if (!color) return text;
  const char* code = status == "usable"        ? "32"
                     : status == "restricted"  ? "33"
                     : status == "unavailable" ? "31"
                                               : "2";
  return std::string("\033[") + code + "m" + text + "\033[0m";
}

std::string Pad(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

// "CONFIG_NET_NS=y", "CONFIG_NET_NS unknown" without a config.
std::string ConfigText(const json& ns) {
  const json* value = ja::Find(ns, "config");
  std::string option = ja::String(ns, "config_option", "?");
  if (!value || value->is_null()) return option + " ?";
  return option + "=" + ja::Text(ns, "config");
}

struct Finding {
  std::string type, as;
  const json* check;
};

std::vector<Finding> Problems(const json& kernel) {
  std::vector<Finding> out;
  for (const json& ns : ja::Array(kernel, "namespaces")) {
    for (const char* as : {"root", "unprivileged"}) {
      const json& check = ja::Object(ns, as);
      std::string status = ja::String(check, "status", "?");
      if (status == "usable" || (status == "not-checked" && ja::String(check, "detail").empty()))
        continue;
      out.push_back({ja::String(ns, "type", "?"), as, &check});
    }
  }
  return out;
}

std::string SysctlText(const json& value) {
  return value.is_null() ? "absent" : value.dump();
}

}  // namespace

namespace {

bool Skipped(const json& check) {
  const json* skipped = ja::Find(check, "skipped");
  return ja::String(check, "status") == "not-checked" && skipped && *skipped == true;
}

}  // namespace

std::vector<std::string> TypesNotUsable(const json& kernel, const char* as) {
  std::vector<std::string> out;
  for (const json& ns : ja::Array(kernel, "namespaces")) {
    const json& check = ja::Object(ns, as);
    if (ja::String(check, "status") != "usable" && !Skipped(check))
      out.push_back(ja::String(ns, "type", "?"));
  }
  return out;
}

std::vector<std::string> TypesSkipped(const json& kernel, const char* as) {
  std::vector<std::string> out;
  for (const json& ns : ja::Array(kernel, "namespaces")) {
    if (Skipped(ja::Object(ns, as))) out.push_back(ja::String(ns, "type", "?"));
  }
  return out;
}

std::string RenderKernelText(const json& kernel, bool color) {
  std::string out = "Kernel " + ja::Text(kernel, "kernel_release") + ", nsmatrix running as " +
                    ja::Text(kernel, "mode") + "\n\n";
  const json& config = ja::Object(kernel, "config");
  if (ja::Find(config, "source") && !config["source"].is_null()) {
    out += "Config (" + ja::Text(config, "source") + "):\n";
    for (const json& option : ja::Array(config, "options")) {
      std::string value = ja::Text(option, "value", "absent");
      out +=
          "  " + Pad(ja::Text(option, "option") + "=" + value, 34) + ja::Text(option, "why") + "\n";
    }
  } else {
    out += "Config: not found: " + ja::Text(config, "error") + "\n";
  }
  out += "\nSysctls:\n";
  for (const auto& [name, value] : ja::Object(kernel, "sysctls").items())
    out += "  " + Pad(name, 50) + SysctlText(value) + "\n";
  const json& lsm = ja::Object(kernel, "security_modules");
  std::vector<std::string> lsms;
  for (const json& m : ja::Array(lsm, "active"))
    lsms.push_back(m.is_string() ? m.get<std::string>() : "?");
  out += "\nSecurity modules: " + (lsms.empty() ? std::string("none known") : Join(lsms, ",")) +
         " (from " + ja::Text(lsm, "source") + ")\n";
  out += "Seccomp mode of this process: " + ja::Text(kernel, "seccomp_mode") + "\n\n";

  out += Pad("namespace", 11) + Pad("config", 24) + Pad("max", 12) + Pad("as root", 14) +
         "unprivileged (uid 65534)\n";
  for (const json& ns : ja::Array(kernel, "namespaces")) {
    std::string root = ja::String(ja::Object(ns, "root"), "status", "?");
    std::string unpriv = ja::String(ja::Object(ns, "unprivileged"), "status", "?");
    out += Pad(ja::Text(ns, "type"), 11) + Pad(ConfigText(ns), 24) +
           Pad(ja::Text(ns, "max", "absent"), 12) + Colored(root, color) +
           std::string(14 - std::min<size_t>(13, Colored(root, false).size()), ' ') +
           Colored(unpriv, color) + "\n";
  }
  if (const json* nesting = ja::Find(kernel, "nesting"); nesting && nesting->is_array()) {
    out += "\nNesting (judged against the kernel's limits: user level 33, PID level 32):\n";
    for (const json& depth : *nesting) {
      const json* at_limit = ja::Find(depth, "at_limit");
      bool reached = at_limit && at_limit->is_boolean() && at_limit->get<bool>();
      std::string mark = reached ? "at the limit" : "SHORT OF THE LIMIT";
      if (color) mark = std::string("\033[") + (reached ? "32" : "33") + "m" + mark + "\033[0m";
      out +=
          "  " + Pad(ja::Text(depth, "type"), 6) + mark + ": " + ja::Text(depth, "detail") + "\n";
    }
  }
  std::vector<Finding> problems = Problems(kernel);
  if (!problems.empty()) out += "\nFindings:\n";
  for (const Finding& f : problems) {
    const json& c = *f.check;
    out += "  " + f.type + " as " + f.as + ": " + Colored(ja::String(c, "status", "?"), color) +
           ": " + ja::Text(c, "detail", "") + "\n";
    if (ja::Find(c, "gate")) {
      out += "    gate:   " + ja::Text(c, "gate") + ": " + ja::Text(c, "cause") + "\n";
      out += "    remedy: " + ja::Text(c, "remedy") + "\n";
    }
  }
  out += "\n";
  for (const char* as : {"root", "unprivileged"}) {
    std::vector<std::string> bad = TypesNotUsable(kernel, as);
    std::vector<std::string> skipped = TypesSkipped(kernel, as);
    if (!bad.empty()) {
      out += std::to_string(bad.size()) + " namespace type(s) not usable as " + as + ": " +
             Join(bad, ", ") + "\n";
    } else if (skipped.size() < ja::Array(kernel, "namespaces").size()) {
      out += std::string("Every namespace type checked as ") + as + " can be created and used.\n";
    }
    if (!skipped.empty())
      out += std::string("Not checked as ") + as + ": " + Join(skipped, ", ") + "\n";
  }
  return out;
}

std::string RenderKernelMarkdown(const json& kernel) {
  std::string out = "## Kernel\n\n";
  const json& config = ja::Object(kernel, "config");
  out += "Kernel " + ja::Text(kernel, "kernel_release") + "; config: " +
         (ja::Find(config, "source") && !config["source"].is_null()
              ? "`" + ja::Text(config, "source") + "`"
              : "not found") +
         "; security modules: ";
  std::vector<std::string> lsms;
  for (const json& m : ja::Array(ja::Object(kernel, "security_modules"), "active"))
    lsms.push_back(m.is_string() ? m.get<std::string>() : "?");
  out += (lsms.empty() ? std::string("unknown") : Join(lsms, ",")) + "; seccomp mode " +
         ja::Text(kernel, "seccomp_mode") + ".\n\n";
  out +=
      "| namespace | config | max | as root | unprivileged |\n| --- | --- | ---: | --- | --- |\n";
  for (const json& ns : ja::Array(kernel, "namespaces")) {
    out += "| " + ja::Text(ns, "type") + " | `" + ConfigText(ns) + "` | " +
           ja::Text(ns, "max", "absent") + " | " +
           ja::String(ja::Object(ns, "root"), "status", "?") + " | " +
           ja::String(ja::Object(ns, "unprivileged"), "status", "?") + " |\n";
  }
  std::vector<Finding> problems = Problems(kernel);
  if (!problems.empty()) out += "\n";
  for (const Finding& f : problems) {
    const json& c = *f.check;
    out += "- **" + f.type + " as " + f.as + "**: " + ja::Text(c, "status") + ": " +
           ja::Text(c, "detail", "");
    if (ja::Find(c, "gate")) {
      out += ". Gate `" + ja::Text(c, "gate") + "`: " + ja::Text(c, "cause") +
             ". Remedy: " + ja::Text(c, "remedy");
    }
    out += "\n";
  }
  return out + "\n";
}

}  // namespace nsm
