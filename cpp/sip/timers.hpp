// Every SIP timer value in one place (RFC 3261 §17.1.1.1 Table 4, RFC 6026 §8.11), set for a
// reliable transport.
#pragma once

#include <cstdint>

namespace acw::sip::timers {

// Times are milliseconds, the unit of every `now` in the core.
inline constexpr int64_t kT1 = 500;  // RTT estimate
inline constexpr int64_t kT2 =
    4000;  // maximum retransmit interval for non-INVITE requests and INVITE responses
inline constexpr int64_t kT4 = 5000;  // maximum time a message stays in the network

// SIP over WebSocket is reliable (RFC 7118 §5), so the retransmission timers A, E and G are
// never started and the wait timers D, I, J and K are zero (RFC 3261 §17.1.1.2, §17.1.2.2,
// §17.2.1, §17.2.2: "zero seconds for reliable transports").
inline constexpr int64_t kTimerB = 64 * kT1;  // INVITE client transaction timeout
inline constexpr int64_t kTimerD = 0;         // wait for response retransmits
inline constexpr int64_t kTimerF = 64 * kT1;  // non-INVITE client transaction timeout
inline constexpr int64_t kTimerH = 64 * kT1;  // wait for ACK receipt
inline constexpr int64_t kTimerI = 0;         // wait for ACK retransmits
inline constexpr int64_t kTimerJ = 0;         // wait for non-INVITE request retransmits
inline constexpr int64_t kTimerK = 0;         // wait for non-INVITE response retransmits
// RFC 6026 §8.11: how long an INVITE transaction stays Accepted after a 2xx, absorbing 2xx
// retransmissions (client, Timer M) and INVITE retransmissions (server, Timer L).
inline constexpr int64_t kTimerL = 64 * kT1;
inline constexpr int64_t kTimerM = 64 * kT1;

// RFC 3261 §16.6 step 11 Timer C (> 3 minutes), used by this UAC as the expiry of an INVITE
// that got provisional responses but no final one: the call is then cancelled (§9.1).
inline constexpr int64_t kTimerC = 3 * 60 * 1000;

// §13.3.1.4: a UAS retransmits its 2xx to INVITE, starting at T1 and doubling up to T2, until
// the ACK arrives; after 64*T1 without an ACK the session is ended with BYE.
inline constexpr int64_t k2xxRetransmitFirst = kT1;
inline constexpr int64_t k2xxRetransmitMax = kT2;
inline constexpr int64_t k2xxAckWait = 64 * kT1;

// §9.1: after CANCEL, a UAC that gets no final response to the INVITE in 64*T1 considers the
// INVITE cancelled.
inline constexpr int64_t kCancelWait = 64 * kT1;

}  // namespace acw::sip::timers
