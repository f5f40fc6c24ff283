#include "reports/html/kernel_html.h"

#include "reports/html/html_parts.h"
#include "reports/json_access.h"

namespace nsm {
namespace {

namespace ja = json_access;
using json = nlohmann::json;
using html_parts::E;

std::string StatusCell(const json& check) {
  std::string status = ja::String(check, "status", "?");
  std::string cls = status == "usable" ? "" : " class=\"failn\"";
  std::string out = "<td" + cls + ">" + E(status);
  if (status != "usable" && !ja::String(check, "detail").empty()) {
    out += "<br><span class=\"muted\">" + E(ja::String(check, "detail"));
    if (!ja::String(check, "gate").empty()) {
      out += ". Gate <code>" + E(ja::String(check, "gate")) +
             "</code>: " + E(ja::String(check, "cause")) +
             ". Remedy: " + E(ja::String(check, "remedy"));
    }
    out += "</span>";
  }
  return out + "</td>";
}

}  // namespace

void RenderKernelSection(const json& kernel, std::string& out) {
  if (!kernel.is_object()) return;
  const json& config = ja::Object(kernel, "config");
  std::string lsms;
  for (const json& m : ja::Array(ja::Object(kernel, "security_modules"), "active")) {
    if (!lsms.empty()) lsms += ",";
    lsms += m.is_string() ? m.get<std::string>() : "?";
  }
  out += "<section id=\"kernel\">\n<h2>Kernel</h2>\n<p>Kernel " +
         E(ja::Text(kernel, "kernel_release")) +
         "; config: " + E(ja::Text(config, "source", "not found")) +
         "; security modules: " + E(lsms.empty() ? "unknown" : lsms) + "; seccomp mode " +
         E(ja::Text(kernel, "seccomp_mode")) +
         ". Each type was created and used in a throwaway process before the run.</p>\n"
         "<table class=\"t\" id=\"kernel-table\">\n<thead><tr><th>namespace</th><th>config</th>"
         "<th class=\"n\">max</th><th>as root</th><th>unprivileged</th></tr></thead>\n<tbody>\n";
  for (const json& ns : ja::Array(kernel, "namespaces")) {
    out += "<tr><td>" + E(ja::Text(ns, "type")) + "</td><td><code>" +
           E(ja::Text(ns, "config_option")) + "=" + E(ja::Text(ns, "config")) +
           "</code></td><td class=\"n\">" + E(ja::Text(ns, "max", "absent")) + "</td>" +
           StatusCell(ja::Object(ns, "root")) + StatusCell(ja::Object(ns, "unprivileged")) +
           "</tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n";
}

}  // namespace nsm
