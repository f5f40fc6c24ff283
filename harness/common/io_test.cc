// ReadToEnd's deadline: output written before it is never thrown away.
#include "harness/common/io.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

namespace nsm {
namespace {

using Clock = std::chrono::steady_clock;

TEST(ReadToEnd, ReadsToEofBeforeTheDeadline) {
  UniqueFd r, w;
  ASSERT_TRUE(HighPipe(&r, &w));
  ASSERT_TRUE(WriteAll(w.Get(), "one\ntwo\n"));
  w.Reset();
  Result<ReadToEndResult> out = ReadToEnd(r.Get(), Clock::now() + std::chrono::seconds(5), 64);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->data, "one\ntwo\n");
  EXPECT_FALSE(out->timed_out);
  EXPECT_FALSE(out->truncated);
}

TEST(ReadToEnd, PastTheDeadlineKeepsWhatAHungWriterWrote) {
  UniqueFd r, w;
  ASSERT_TRUE(HighPipe(&r, &w));
  ASSERT_TRUE(WriteAll(w.Get(), "before the hang\n"));
  // The writer stays open (hung): no EOF will come.
  Result<ReadToEndResult> out = ReadToEnd(r.Get(), Clock::now() - std::chrono::seconds(1), 64);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->data, "before the hang\n");
  EXPECT_TRUE(out->timed_out);
}

TEST(ReadToEnd, ALateDrainStopsAtTheLimit) {
  UniqueFd r, w;
  ASSERT_TRUE(HighPipe(&r, &w));
  // More than one read's worth: the drain must stop once past the limit,
  // not empty a pipe a writer could keep full forever.
  ASSERT_TRUE(WriteAll(w.Get(), std::string(32 * 1024, 'x')));
  Result<ReadToEndResult> out = ReadToEnd(r.Get(), Clock::now() - std::chrono::seconds(1), 10);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->data, std::string(10, 'x'));
  EXPECT_TRUE(out->truncated);
  EXPECT_TRUE(out->timed_out);
  pollfd rest{r.Get(), POLLIN, 0};
  EXPECT_EQ(poll(&rest, 1, 0), 1) << "the drain emptied the pipe past the limit";
}

// The runner writes to sandboxes that may have died: that must be an error
// it can act on, not a SIGPIPE that ends nsmatrix, whatever the signal's
// disposition (default here).
// An input the user named that never ends (/dev/zero by mistake) is an error
// at the limit, not a process that grows until the machine kills it.
TEST(ReadFile, MoreThanTheLimitIsEfbig) {
  Result<std::string> zeros = ReadFile("/dev/zero", 1 << 20);
  ASSERT_FALSE(zeros);
  EXPECT_EQ(zeros.error().err, EFBIG);
  EXPECT_NE(zeros.error().Message().find("/dev/zero"), std::string::npos);
  Result<std::string> small = ReadFile("/proc/self/comm", 4096);
  ASSERT_TRUE(small) << small.error().Message();
  EXPECT_FALSE(small->empty());
  Result<std::string> exact = ReadFile("/proc/self/comm", small->size());
  ASSERT_TRUE(exact) << exact.error().Message();  // the limit itself is allowed
}

TEST(SendAll, APeerThatIsGoneIsEpipeNotSigpipe) {
  // The default, even where ctest was started with SIGPIPE ignored.
  sighandler_t before = signal(SIGPIPE, SIG_DFL);
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  close(pair[1]);
  Status sent = SendAll(pair[0], "run combination=1\n");
  close(pair[0]);
  signal(SIGPIPE, before);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().err, EPIPE);
}

}  // namespace
}  // namespace nsm
