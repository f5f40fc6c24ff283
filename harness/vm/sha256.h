// SHA-256 (FIPS 180-4), for the kernel file's identity in the report and for
// checking that files sent out of a VM arrived intact.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/common/result.h"

namespace nsm {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // Lower-case hex of the digest; the object is spent afterwards.
  std::string HexDigest();

 private:
  void Block(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t length_ = 0;
};

std::string Sha256Hex(std::string_view data);
Result<std::string> Sha256OfFile(const std::string& path);

}  // namespace nsm
