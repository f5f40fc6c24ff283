#include "harness/vm/cpio.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

// Reads newc entries back: name, mode, data.
struct Entry {
  std::string name;
  unsigned mode;
  std::string data;
};
std::vector<Entry> ReadNewc(const std::string& archive) {
  std::vector<Entry> entries;
  size_t at = 0;
  auto field = [&](size_t index) {
    return static_cast<unsigned>(std::stoul(archive.substr(at + 6 + 8 * index, 8), nullptr, 16));
  };
  while (at + 110 <= archive.size()) {
    EXPECT_EQ(archive.substr(at, 6), "070701");
    unsigned mode = field(1), size = field(6), name_size = field(11);
    std::string name = archive.substr(at + 110, name_size - 1);
    EXPECT_EQ(archive[at + 110 + name_size - 1], '\0');
    size_t data_at = (at + 110 + name_size + 3) & ~size_t{3};
    entries.push_back({name, mode, archive.substr(data_at, size)});
    at = (data_at + size + 3) & ~size_t{3};
    if (name == "TRAILER!!!") break;
  }
  EXPECT_EQ(at, archive.size());
  return entries;
}

TEST(CpioTest, WritesNewcEntriesInOrderWithTrailer) {
  CpioWriter cpio;
  cpio.AddDirectory("bin");
  cpio.AddFile("bin/tool", "abcde", 0755);
  cpio.AddSymlink("bin/sh", "tool");
  cpio.AddFile("empty", "");
  std::vector<Entry> entries = ReadNewc(std::move(cpio).Finish());
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0].name, "bin");
  EXPECT_EQ(entries[0].mode, 040755u);
  EXPECT_EQ(entries[1].name, "bin/tool");
  EXPECT_EQ(entries[1].mode, 0100755u);
  EXPECT_EQ(entries[1].data, "abcde");
  EXPECT_EQ(entries[2].mode, 0120777u);
  EXPECT_EQ(entries[2].data, "tool");
  EXPECT_EQ(entries[3].data, "");
  EXPECT_EQ(entries[4].name, "TRAILER!!!");
}

TEST(CpioTest, GzipRoundTripsAndGunzipRefusesDamage) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data += static_cast<char>('a' + i % 26);
  Result<std::string> packed = Gzip(data);
  ASSERT_TRUE(packed);
  EXPECT_EQ(packed->substr(0, 2), "\x1f\x8b");
  Result<std::string> back = Gunzip(*packed, 1 << 20);
  ASSERT_TRUE(back) << back.error().Message();
  EXPECT_EQ(*back, data);
  EXPECT_FALSE(Gunzip(packed->substr(0, packed->size() / 2), 1 << 20));  // cut off
  EXPECT_FALSE(Gunzip(*packed, 1000));                                   // over the limit
  EXPECT_FALSE(Gunzip("not gzip", 1 << 20));
}

}  // namespace
}  // namespace nsm
