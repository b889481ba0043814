// The socket's state machine on its own, under a virtual clock: connect deadline, loss, back-off,
// reconnect, close.
#include "call/connection.hpp"

#include <gtest/gtest.h>

#include "call/backoff.hpp"

namespace acw::call {
namespace {

using State = Connection::State;
using Due = Connection::Due;

TEST(Connection, StartsClosedWithNoDeadline) {
  Connection c;
  EXPECT_EQ(c.state(), State::kClosed);
  EXPECT_FALSE(c.is_open());
  EXPECT_EQ(c.next_deadline(), sip::kNever);
  EXPECT_EQ(c.timeout(1'000'000), Due::kNothing);
  EXPECT_EQ(c.state(), State::kClosed);
}

TEST(Connection, OpensWithinTheConnectDeadline) {
  Connection c;
  c.open(1000);
  EXPECT_EQ(c.state(), State::kConnecting);
  EXPECT_EQ(c.next_deadline(), 1000 + Connection::kConnectTimeout);
  EXPECT_EQ(c.timeout(1000 + Connection::kConnectTimeout - 1), Due::kNothing);
  EXPECT_TRUE(c.opened());
  EXPECT_TRUE(c.is_open());
  EXPECT_EQ(c.next_deadline(), sip::kNever);
  EXPECT_EQ(c.timeout(1000 + Connection::kConnectTimeout), Due::kNothing);  // deadline gone
  EXPECT_TRUE(c.is_open());
}

TEST(Connection, OpenedIsRefusedUnlessConnecting) {
  Connection c;
  EXPECT_FALSE(c.opened());  // closed
  EXPECT_EQ(c.state(), State::kClosed);
  c.open(0);
  ASSERT_TRUE(c.opened());
  EXPECT_FALSE(c.opened());  // already open
  EXPECT_TRUE(c.is_open());
  ASSERT_TRUE(c.lost());
  c.back_off(0, 0);
  EXPECT_FALSE(c.opened());  // backing off
  EXPECT_EQ(c.state(), State::kBackoff);
}

TEST(Connection, ConnectTimesOutAtTheDeadline) {
  Connection c;
  c.open(500);
  EXPECT_EQ(c.timeout(500 + Connection::kConnectTimeout), Due::kConnectTimedOut);
  EXPECT_EQ(c.state(), State::kClosed);
  EXPECT_EQ(c.next_deadline(), sip::kNever);
  EXPECT_FALSE(c.lost());  // the timeout was the loss
}

TEST(Connection, LostOnlyWithASocket) {
  Connection c;
  EXPECT_FALSE(c.lost());
  c.open(0);
  EXPECT_TRUE(c.lost());  // while connecting
  EXPECT_EQ(c.state(), State::kClosed);
  EXPECT_EQ(c.next_deadline(), sip::kNever);
  c.open(0);
  ASSERT_TRUE(c.opened());
  EXPECT_TRUE(c.lost());  // once open
  EXPECT_EQ(c.state(), State::kClosed);
}

TEST(Connection, BackOffWaitsThenAsksToReconnect) {
  Connection c;
  c.open(0);
  ASSERT_TRUE(c.lost());
  const int64_t wait = c.back_off(10'000, 12345);
  EXPECT_EQ(wait, reconnect_wait(0, 12345));
  EXPECT_EQ(c.state(), State::kBackoff);
  EXPECT_EQ(c.next_deadline(), 10'000 + wait);
  EXPECT_EQ(c.timeout(10'000 + wait - 1), Due::kNothing);
  EXPECT_EQ(c.state(), State::kBackoff);
  EXPECT_EQ(c.timeout(10'000 + wait), Due::kReconnect);
  EXPECT_EQ(c.state(), State::kClosed);
  EXPECT_EQ(c.next_deadline(), sip::kNever);
  EXPECT_EQ(c.timeout(10'000 + wait), Due::kNothing);  // a second timeout is harmless
}

TEST(Connection, EachFailedAttemptWaitsLongerUpToTheCap) {
  Connection c;
  int64_t now = 0;
  std::vector<int64_t> waits;
  for (int attempt = 0; attempt < 8; ++attempt) {
    c.open(now);
    ASSERT_TRUE(c.lost());
    // The highest jitter draw (500 of 0..500) is the full wait: 1 s doubling, capped at 30 s.
    waits.push_back(c.back_off(now, 500));
    now = c.next_deadline();
    ASSERT_EQ(c.timeout(now), Due::kReconnect);
  }
  EXPECT_EQ(waits, (std::vector<int64_t>{1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000}));
  EXPECT_EQ(c.attempts(), 8u);
}

TEST(Connection, SipOnTheLinkRestartsTheBackOff) {
  Connection c;
  for (int attempt = 0; attempt < 3; ++attempt) {
    c.open(0);
    ASSERT_TRUE(c.lost());
    c.back_off(0, 500);
    ASSERT_EQ(c.timeout(c.next_deadline()), Due::kReconnect);
  }
  c.open(0);
  ASSERT_TRUE(c.opened());
  c.carried_sip();
  EXPECT_EQ(c.attempts(), 0u);
  ASSERT_TRUE(c.lost());
  EXPECT_EQ(c.back_off(0, 500), 1000);  // the shortest wait again
}

TEST(Connection, CloseFromEveryStateLeavesNoDeadline) {
  {
    Connection c;
    EXPECT_FALSE(c.close());  // nothing to close
    EXPECT_EQ(c.state(), State::kClosed);
  }
  {
    Connection c;
    c.open(0);
    EXPECT_TRUE(c.close());  // a connecting socket to close
    EXPECT_EQ(c.state(), State::kClosed);
    EXPECT_EQ(c.next_deadline(), sip::kNever);
    EXPECT_EQ(c.timeout(Connection::kConnectTimeout), Due::kNothing);
  }
  {
    Connection c;
    c.open(0);
    ASSERT_TRUE(c.opened());
    EXPECT_TRUE(c.close());
    EXPECT_EQ(c.state(), State::kClosed);
  }
  {
    Connection c;
    c.open(0);
    ASSERT_TRUE(c.lost());
    c.back_off(0, 0);
    EXPECT_FALSE(c.close());  // a pending reconnect, no socket
    EXPECT_EQ(c.state(), State::kClosed);
    EXPECT_EQ(c.next_deadline(), sip::kNever);
    EXPECT_EQ(c.timeout(60'000), Due::kNothing);
  }
}

}  // namespace
}  // namespace acw::call
