#include "harness/vm/bzimage.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

// The fields the boot protocol defines, at their offsets.
std::string FakeImage(const std::string& version, unsigned protocol = 0x020f, bool high = true) {
  std::string image(0x4000, '\0');
  image[0x1fe] = 0x55;
  image[0x1ff] = static_cast<char>(0xaa);
  image.replace(0x202, 4, "HdrS");
  image[0x206] = static_cast<char>(protocol & 0xff);
  image[0x207] = static_cast<char>(protocol >> 8);
  unsigned at = 0x3000;
  image[0x20e] = static_cast<char>((at - 0x200) & 0xff);
  image[0x20f] = static_cast<char>((at - 0x200) >> 8);
  image[0x211] = high ? 1 : 0;
  image.replace(at, version.size(), version);
  return image;
}

TEST(BzImageTest, ReadsTheVersionString) {
  Result<BzImageInfo> info = ParseBzImage(
      FakeImage("6.1.0-57-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC"));
  ASSERT_TRUE(info) << info.error().Message();
  EXPECT_EQ(info->release, "6.1.0-57-cloud-amd64");
  EXPECT_EQ(info->protocol_major, 2);
  EXPECT_EQ(info->protocol_minor, 15);
}

TEST(BzImageTest, RefusesWhatIsNotABzImage) {
  EXPECT_FALSE(ParseBzImage(""));
  EXPECT_FALSE(ParseBzImage(std::string(0x4000, 'x')));
  EXPECT_FALSE(
      ParseBzImage("\x7f"
                   "ELF" +
                   std::string(0x4000, '\0')));                          // a vmlinux
  EXPECT_FALSE(ParseBzImage(FakeImage("6.1", 0x0200, /*high=*/false)));  // a zImage
  EXPECT_FALSE(ParseBzImage(FakeImage("")));                             // no version
  std::string cut = FakeImage("6.1.0");
  cut.resize(0x2f00);  // the version pointer points past the end
  EXPECT_FALSE(ParseBzImage(cut));
}

TEST(BzImageTest, MissingFileNamesIt) {
  Result<BzImageInfo> info = ReadBzImage("/nonexistent/vmlinuz");
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().Message().find("/nonexistent/vmlinuz"), std::string::npos);
}

// The real thing, where the machine has one.
TEST(BzImageTest, RunningKernelsImage) {
  const char* kernel = getenv("NSM_TEST_KERNEL");
  if (!kernel) GTEST_SKIP() << "NSM_TEST_KERNEL not set";
  Result<BzImageInfo> info = ReadBzImage(kernel);
  ASSERT_TRUE(info) << info.error().Message();
  EXPECT_NE(std::string(kernel).find(info->release), std::string::npos) << info->version;
}

}  // namespace
}  // namespace nsm
