// How results leave the VM: the guest's /init writes them to its second serial
// port (ttyS1), which QEMU writes to a file on the host. The console (ttyS0)
// carries kernel messages and progress; this channel carries nothing else.
//
//   NSM-FILE <name> <bytes> <sha256>   a gzipped file follows, in base64 lines
//   ...
//   NSM-END <name>
//   NSM-EXIT kernel=<code> run=<code>  the exit codes of `nsmatrix kernel` and `run`
//
// The guest's tty turns "\n" into "\r\n"; a carriage return is not data.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "harness/common/result.h"

namespace nsm {

struct GuestResults {
  std::map<std::string, std::string> files;  // name -> contents, unzipped and checked
  std::optional<int> kernel_exit, run_exit;  // from NSM-EXIT; nullopt when it never came
};

// Fails on anything that does not arrive intact: a frame cut off, a size or
// digest that does not match, bad base64 or gzip, a line outside a frame.
Result<GuestResults> ParseGuestChannel(std::string_view stream, size_t file_limit);

// The guest's side of the protocol, as busybox sh: emit NAME PATH.
std::string GuestEmitFunction(std::string_view device);

}  // namespace nsm
