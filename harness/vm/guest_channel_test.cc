#include "harness/vm/guest_channel.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>

#include "harness/vm/cpio.h"
#include "harness/vm/sha256.h"

namespace nsm {
namespace {

std::string Base64(std::string_view data) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t g = static_cast<unsigned char>(data[i]) << 16 |
                 static_cast<unsigned char>(data[i + 1]) << 8 |
                 static_cast<unsigned char>(data[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[g >> s & 63];
  }
  if (size_t rest = data.size() - i; rest > 0) {
    uint32_t g = static_cast<unsigned char>(data[i]) << 16 |
                 (rest == 2 ? static_cast<unsigned char>(data[i + 1]) << 8 : 0);
    out += kAlphabet[g >> 18 & 63];
    out += kAlphabet[g >> 12 & 63];
    out += rest == 2 ? kAlphabet[g >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

// As the guest's tty writes it: gzip, base64 in 76-column lines, CR LF.
std::string Frame(const std::string& name, const std::string& content) {
  std::string gz = *Gzip(content);
  std::string b64 = Base64(gz);
  std::string out =
      "NSM-FILE " + name + " " + std::to_string(gz.size()) + " " + Sha256Hex(gz) + "\r\n";
  for (size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
  return out + "NSM-END " + name + "\r\n";
}

TEST(GuestChannelTest, FilesAndExitCodesArrive) {
  std::string big(50000, 'x');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>(i);
  Result<GuestResults> r = ParseGuestChannel(
      Frame("kernel.json", "{\"k\":1}") + Frame("matrix.json", big) + "NSM-EXIT kernel=0 run=1\r\n",
      1 << 20);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->files.at("kernel.json"), "{\"k\":1}");
  EXPECT_EQ(r->files.at("matrix.json"), big);
  EXPECT_EQ(r->kernel_exit, 0);
  EXPECT_EQ(r->run_exit, 1);
}

TEST(GuestChannelTest, NoExitLineMeansTheGuestDidNotFinish) {
  Result<GuestResults> r = ParseGuestChannel(Frame("kernel.json", "{}"), 1 << 20);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->run_exit);
  Result<GuestResults> empty = ParseGuestChannel("", 1 << 20);
  ASSERT_TRUE(empty);
  EXPECT_FALSE(empty->run_exit);
}

TEST(GuestChannelTest, AnythingDamagedIsAnError) {
  std::string good = Frame("matrix.json", std::string(5000, 'm'));
  std::string exit = "NSM-EXIT kernel=0 run=0\n";
  // Cut off in the middle of the base64.
  EXPECT_FALSE(ParseGuestChannel(good.substr(0, good.size() / 2), 1 << 20));
  // One base64 character changed: the digest (or the size) no longer matches.
  std::string flipped = good;
  size_t at = flipped.find("\r\n") + 10;
  flipped[at] = flipped[at] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(ParseGuestChannel(flipped + exit, 1 << 20));
  // A base64 line lost.
  std::string lost = good;
  size_t line = lost.find("\r\n") + 2;
  lost.erase(line, lost.find("\r\n", line) + 2 - line);
  EXPECT_FALSE(ParseGuestChannel(lost + exit, 1 << 20));
  // Not base64, wrong end name, garbage outside a frame, malformed header and exit.
  std::string bad = good;
  bad.replace(bad.find("\r\n") + 2, 1, "*");
  EXPECT_FALSE(ParseGuestChannel(bad + exit, 1 << 20));
  std::string wrong_end = good;
  wrong_end.replace(wrong_end.rfind("matrix.json"), 11, "kernel.json");
  EXPECT_FALSE(ParseGuestChannel(wrong_end + exit, 1 << 20));
  EXPECT_FALSE(ParseGuestChannel("hello\n" + good + exit, 1 << 20));
  EXPECT_FALSE(ParseGuestChannel("NSM-FILE x 12\n", 1 << 20));
  EXPECT_FALSE(ParseGuestChannel("NSM-EXIT kernel=0 run=x\n", 1 << 20));
  // The same file twice, and a file over the limit once unzipped.
  EXPECT_FALSE(ParseGuestChannel(good + good + exit, 1 << 20));
  EXPECT_FALSE(ParseGuestChannel(good + exit, 100));
  // NSM-EXIT is last and comes once.
  EXPECT_FALSE(ParseGuestChannel(exit + good, 1 << 20));
  EXPECT_FALSE(ParseGuestChannel(good + exit + exit, 1 << 20));
}

// The guest's emit function, run by busybox sh here, writes what the parser reads.
TEST(GuestChannelTest, TheGuestSideAndThisSideAgree) {
  if (access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "no /bin/busybox (busybox-static)";
  char dir[] = "/tmp/nsm-channel-test.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string d = dir, input = d + "/in.json", channel = d + "/channel";
  std::string content;
  for (int i = 0; i < 20000; ++i)
    content += "{\"cell\": " + std::to_string(i * 7919 % 1000) + "}\n";
  FILE* f = fopen(input.c_str(), "w");
  fwrite(content.data(), 1, content.size(), f);
  fclose(f);
  std::string script = GuestEmitFunction(channel) + "emit matrix.json " + input +
                       " && echo 'NSM-EXIT kernel=1 run=0' >> " + channel + "\n";
  // emit writes to /tmp/emit.gz in the guest; here that is the host's /tmp, so
  // the test runs it in its own directory by replacing the path.
  for (size_t at; (at = script.find("/tmp/emit.gz")) != std::string::npos;) {
    script.replace(at, 12, d + "/emit.gz");
  }
  FILE* sh = fopen((d + "/emit.sh").c_str(), "w");
  fputs(script.c_str(), sh);
  fclose(sh);
  std::string command = "/bin/busybox sh " + d + "/emit.sh";
  ASSERT_EQ(system(command.c_str()), 0) << script;
  FILE* in = fopen(channel.c_str(), "r");
  ASSERT_NE(in, nullptr);
  std::string stream;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof(buf), in)) > 0;) stream.append(buf, n);
  fclose(in);
  Result<GuestResults> r = ParseGuestChannel(stream, 1 << 24);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->files.at("matrix.json"), content);
  EXPECT_EQ(r->kernel_exit, 1);
  EXPECT_EQ(r->run_exit, 0);
  system(("rm -rf " + d).c_str());
}

}  // namespace
}  // namespace nsm
