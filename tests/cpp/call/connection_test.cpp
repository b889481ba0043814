// The socket's state machine on its own, under a virtual clock: connect deadline, loss, back-off,
// reconnect, close.
#include "call/connection.hpp"

#include <gtest/gtest.h>

#include "call/backoff.hpp"

namespace acw::call {
namespace {

using State = Connection::State;
using Due = Connection::Due;

// The tests of the other timers leave the keep-alive out.
constexpr KeepAlive kNoKeepAlive{0, 0};

TEST(Connection, StartsClosedWithNoDeadline) {
  Connection c{kNoKeepAlive};
  EXPECT_EQ(c.state(), State::kClosed);
  EXPECT_FALSE(c.is_open());
  EXPECT_EQ(c.next_deadline(), sip::kNever);
  EXPECT_EQ(c.timeout(1'000'000), Due::kNothing);
  EXPECT_EQ(c.state(), State::kClosed);
}

TEST(Connection, OpensWithinTheConnectDeadline) {
  Connection c{kNoKeepAlive};
  c.open(1000);
  EXPECT_EQ(c.state(), State::kConnecting);
  EXPECT_EQ(c.next_deadline(), 1000 + Connection::kConnectTimeout);
  EXPECT_EQ(c.timeout(1000 + Connection::kConnectTimeout - 1), Due::kNothing);
  EXPECT_TRUE(c.opened(0));
  EXPECT_TRUE(c.is_open());
  EXPECT_EQ(c.next_deadline(), sip::kNever);
  EXPECT_EQ(c.timeout(1000 + Connection::kConnectTimeout), Due::kNothing);  // deadline gone
  EXPECT_TRUE(c.is_open());
}

TEST(Connection, OpenedIsRefusedUnlessConnecting) {
  Connection c{kNoKeepAlive};
  EXPECT_FALSE(c.opened(0));  // closed
  EXPECT_EQ(c.state(), State::kClosed);
  c.open(0);
  ASSERT_TRUE(c.opened(0));
  EXPECT_FALSE(c.opened(0));  // already open
  EXPECT_TRUE(c.is_open());
  ASSERT_TRUE(c.lost());
  c.back_off(0, 0);
  EXPECT_FALSE(c.opened(0));  // backing off
  EXPECT_EQ(c.state(), State::kBackoff);
}

TEST(Connection, ConnectTimesOutAtTheDeadline) {
  Connection c{kNoKeepAlive};
  c.open(500);
  EXPECT_EQ(c.timeout(500 + Connection::kConnectTimeout), Due::kConnectTimedOut);
  EXPECT_EQ(c.state(), State::kClosed);
  EXPECT_EQ(c.next_deadline(), sip::kNever);
  EXPECT_FALSE(c.lost());  // the timeout was the loss
}

TEST(Connection, LostOnlyWithASocket) {
  Connection c{kNoKeepAlive};
  EXPECT_FALSE(c.lost());
  c.open(0);
  EXPECT_TRUE(c.lost());  // while connecting
  EXPECT_EQ(c.state(), State::kClosed);
  EXPECT_EQ(c.next_deadline(), sip::kNever);
  c.open(0);
  ASSERT_TRUE(c.opened(0));
  EXPECT_TRUE(c.lost());  // once open
  EXPECT_EQ(c.state(), State::kClosed);
}

TEST(Connection, BackOffWaitsThenAsksToReconnect) {
  Connection c{kNoKeepAlive};
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
  Connection c{kNoKeepAlive};
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
  Connection c{kNoKeepAlive};
  for (int attempt = 0; attempt < 3; ++attempt) {
    c.open(0);
    ASSERT_TRUE(c.lost());
    c.back_off(0, 500);
    ASSERT_EQ(c.timeout(c.next_deadline()), Due::kReconnect);
  }
  c.open(0);
  ASSERT_TRUE(c.opened(0));
  c.carried_sip();
  EXPECT_EQ(c.attempts(), 0u);
  ASSERT_TRUE(c.lost());
  EXPECT_EQ(c.back_off(0, 500), 1000);  // the shortest wait again
}

TEST(Connection, CloseFromEveryStateLeavesNoDeadline) {
  {
    Connection c{kNoKeepAlive};
    EXPECT_FALSE(c.close());  // nothing to close
    EXPECT_EQ(c.state(), State::kClosed);
  }
  {
    Connection c{kNoKeepAlive};
    c.open(0);
    EXPECT_TRUE(c.close());  // a connecting socket to close
    EXPECT_EQ(c.state(), State::kClosed);
    EXPECT_EQ(c.next_deadline(), sip::kNever);
    EXPECT_EQ(c.timeout(Connection::kConnectTimeout), Due::kNothing);
  }
  {
    Connection c{kNoKeepAlive};
    c.open(0);
    ASSERT_TRUE(c.opened(0));
    EXPECT_TRUE(c.close());
    EXPECT_EQ(c.state(), State::kClosed);
  }
  {
    Connection c{kNoKeepAlive};
    c.open(0);
    ASSERT_TRUE(c.lost());
    c.back_off(0, 0);
    EXPECT_FALSE(c.close());  // a pending reconnect, no socket
    EXPECT_EQ(c.state(), State::kClosed);
    EXPECT_EQ(c.next_deadline(), sip::kNever);
    EXPECT_EQ(c.timeout(60'000), Due::kNothing);
  }
}

TEST(Connection, KeepAliveAfterTheIntervalOfSilence) {
  Connection c{KeepAlive{25000, 5000}};
  c.open(0);
  ASSERT_TRUE(c.opened(1000));
  EXPECT_EQ(c.next_deadline(), 26000);
  EXPECT_EQ(c.timeout(25999), Due::kNothing);
  EXPECT_EQ(c.timeout(26000), Due::kKeepAlive);
  EXPECT_EQ(c.next_deadline(), 31000);         // the answer's wait
  EXPECT_EQ(c.timeout(30999), Due::kNothing);  // no second OPTIONS while one waits
  EXPECT_EQ(c.timeout(31000), Due::kKeepAliveTimedOut);
  EXPECT_EQ(c.state(), State::kClosed);
  EXPECT_EQ(c.next_deadline(), sip::kNever);
  EXPECT_FALSE(c.lost());  // the timeout was the loss
}

TEST(Connection, AnythingReceivedRestartsTheSilenceClockAndEndsTheWait) {
  Connection c{KeepAlive{25000, 5000}};
  c.open(0);
  ASSERT_TRUE(c.opened(0));
  c.received(20000);
  EXPECT_EQ(c.next_deadline(), 45000);
  EXPECT_EQ(c.timeout(44999), Due::kNothing);
  ASSERT_EQ(c.timeout(45000), Due::kKeepAlive);
  c.received(49999);  // the answer (or anything) just in time
  EXPECT_TRUE(c.is_open());
  EXPECT_EQ(c.next_deadline(), 74999);
  EXPECT_EQ(c.timeout(50000), Due::kNothing);
}

TEST(Connection, KeepAliveOffOrUnjudged) {
  Connection off{KeepAlive{0, 5000}};
  off.open(0);
  ASSERT_TRUE(off.opened(0));
  EXPECT_EQ(off.next_deadline(), sip::kNever);
  EXPECT_EQ(off.timeout(10'000'000), Due::kNothing);

  Connection unjudged{KeepAlive{1000, 0}};  // sent every second of silence, never judged
  unjudged.open(0);
  ASSERT_TRUE(unjudged.opened(0));
  EXPECT_EQ(unjudged.timeout(1000), Due::kKeepAlive);
  EXPECT_EQ(unjudged.next_deadline(), 2000);
  EXPECT_EQ(unjudged.timeout(2000), Due::kKeepAlive);
  EXPECT_TRUE(unjudged.is_open());
}

TEST(Connection, NoKeepAliveTimerOnceTheSocketCloses) {
  Connection c{KeepAlive{25000, 5000}};
  c.open(0);
  ASSERT_TRUE(c.opened(0));
  ASSERT_EQ(c.timeout(25000), Due::kKeepAlive);
  ASSERT_TRUE(c.lost());
  EXPECT_EQ(c.next_deadline(), sip::kNever);
  EXPECT_EQ(c.timeout(30000), Due::kNothing);
  c.open(40000);
  ASSERT_TRUE(c.opened(41000));
  EXPECT_EQ(c.next_deadline(), 66000);  // a new socket: the wait of the old one is gone
  EXPECT_TRUE(c.close());
  EXPECT_EQ(c.next_deadline(), sip::kNever);
}

TEST(Connection, KeptCallsReconnectWithTheirOwnDelays) {
  Connection c{kNoKeepAlive};
  const std::vector<int64_t> delays = {0, 500, 1000, 2000, 4000, 5000};
  std::vector<int64_t> waits;
  int64_t now = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    c.open(now);
    ASSERT_TRUE(c.lost());
    waits.push_back(c.back_off(now, 500, &delays));  // the highest jitter draw: the full delay
    now = c.next_deadline();
    ASSERT_EQ(c.timeout(now), Due::kReconnect);
  }
  EXPECT_EQ(waits, (std::vector<int64_t>{0, 500, 1000, 2000, 4000, 5000, 5000, 5000}));
  EXPECT_EQ(kept_call_reconnect_wait(delays, 1, 0), 250);  // the lowest draw: half
}

}  // namespace
}  // namespace acw::call
