// Typed values of the header fields the transaction and dialog layers read (RFC 3261 §20).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/uri.hpp"

namespace acw::sip {

// Via: SIP/2.0/WSS host:port;branch=z9hG4bK...;received=...
struct Via {
  std::string protocol = "SIP/2.0";
  std::string transport;  // uppercase: "WSS", "WS", "UDP", "TCP"...
  std::string host;
  int port = 0;
  std::vector<Param> params;

  std::optional<std::string_view> param(std::string_view name) const;
  std::string_view branch() const { return param("branch").value_or(std::string_view{}); }
  std::string str() const;
  friend bool operator==(const Via&, const Via&) = default;
};
std::optional<Via> parse_via(std::string_view value);

struct CSeq {
  uint32_t number = 0;  // < 2**31 as §8.1.1.5 requires
  std::string method;
  std::string str() const;
  friend bool operator==(const CSeq&, const CSeq&) = default;
};
std::optional<CSeq> parse_cseq(std::string_view value);

// Content-Length / Max-Forwards / Expires style non-negative integers; nullopt if invalid.
std::optional<uint32_t> parse_uint(std::string_view value);

// Authorization: Bearer TOKEN (RFC 8898): the token, or nullopt for other schemes.
std::optional<std::string_view> parse_bearer(std::string_view value);

// Date: Sat, 13 Nov 2010 23:29:00 GMT (RFC 3261 §20.17: the RFC 1123 form, GMT only).
struct SipDate {
  int weekday = 0;  // 0 = Sunday
  int day = 1;
  int month = 1;  // 1 = January
  int year = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  friend bool operator==(const SipDate&, const SipDate&) = default;
};
std::optional<SipDate> parse_date(std::string_view value);

}  // namespace acw::sip
