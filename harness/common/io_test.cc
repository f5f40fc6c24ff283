// ReadToEnd's deadline: output written before it is never thrown away.
#include "harness/common/io.h"

#include <gtest/gtest.h>
#include <poll.h>
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

}  // namespace
}  // namespace nsm
