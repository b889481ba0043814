// The registration machine behind enableIncoming/disableIncoming (RFC 3261 §10.2, PROTOCOL.md
// "Registration").
#include "call/registration.hpp"

#include <algorithm>

#include "call/backoff.hpp"
#include "call/cause.hpp"
#include "sip/dialog.hpp"
#include "sip/headers.hpp"
#include "sip/uri.hpp"

namespace acw::call {

void Registration::enable(std::string token) {
  token_ = std::move(token);
  api_change_ = true;
  if (state_ == State::kRejected) state_ = State::kIdle;
  // Calling enableIncoming again re-registers with the (new) token.
  pending_ = true;
}

void Registration::disable() {
  // Nothing was asked and nothing is bound: nothing changes, so nothing is reported.
  if (token_.empty() && !bound_ && in_flight_ == 0) return;
  token_.clear();
  pending_ = false;
  api_change_ = true;
  refresh_at_ = retry_at_ = sip::kNever;
  if (in_flight_ != 0) return;          // finished when the outstanding REGISTER completes
  if (bound_ && transport_up_) return;  // next_request() sends the unregister
  bound_ = false;
  state_ = State::kIdle;
  expires_at_ = sip::kNever;
  report(false, cause::kNormal, false);
}

void Registration::close() {
  bool tell = api_change_ || (last_report_ && (last_report_->ready || last_report_->retry));
  token_.clear();
  pending_ = false;
  bound_ = false;
  in_flight_ = 0;
  state_ = State::kIdle;
  refresh_at_ = expires_at_ = retry_at_ = sip::kNever;
  if (tell) {
    api_change_ = true;
    report(false, cause::kNormal, false);
  }
}

std::optional<sip::Message> Registration::next_request(int64_t now, const UserAgent& ua,
                                                       Random& random) {
  if (!transport_up_ || in_flight_ != 0) return std::nullopt;
  if (token_.empty()) {
    if (!bound_) return std::nullopt;
    // §10.2.2: remove the binding with expires=0; the public client sends it without the
    // Authorization header (trace 2).
    in_flight_expires_ = 0;
    refresh_at_ = retry_at_ = sip::kNever;
  } else {
    bool due = pending_ || (state_ == State::kRetryWait && now >= retry_at_) ||
               (state_ == State::kRegistered && now >= refresh_at_);
    if (!due || state_ == State::kRejected) return std::nullopt;
    pending_ = false;
    in_flight_expires_ = requested_expires_;
  }
  in_flight_token_ = token_;
  // §10.2: every REGISTER of this client shares the Call-ID and raises the CSeq by one.
  return ua.register_request(call_id_, from_tag_, ++cseq_, sip::make_branch(random.next()), token_,
                             in_flight_expires_);
}

void Registration::on_response(const sip::Message& response, int64_t now, Random& random) {
  const int status = response.status();
  if (status < 200) return;
  in_flight_ = 0;

  if (in_flight_expires_ == 0) {
    // The unregister completed; whatever the answer, the binding is gone or will expire.
    unbound();
    return;
  }

  if (status >= 200 && status < 300) {
    uint32_t granted = granted_expires(response);
    if (granted == 0) {
      retry_later(now, random);
      return;
    }
    bound_ = true;
    failures_ = 0;
    too_brief_ = 0;
    state_ = State::kRegistered;
    // Refresh at 90% of what the registrar granted (the public client refreshes 3 s early;
    // 10% leaves room for a slow answer on a long registration).
    refresh_at_ = now + std::max<int64_t>(1000, int64_t{granted} * 900);
    expires_at_ = now + int64_t{granted} * 1000;
    retry_at_ = sip::kNever;
    if (token_.empty()) return;        // disabled meanwhile: next_request() unregisters
    if (in_flight_token_ != token_) {  // a new token meanwhile: register again with it
      pending_ = true;
      return;
    }
    report(true, cause::kNormal, true);
    return;
  }

  if (token_.empty()) {
    // Disabled while a REGISTER was failing: there is nothing more to do but say so.
    if (!bound_) {
      state_ = State::kIdle;
      report(false, cause::kNormal, false);
    }
    return;
  }

  if (status == 423 && too_brief_ < 3) {
    // §10.2.8: Interval Too Brief: retry at once with at least Min-Expires.
    ++too_brief_;
    auto min_expires = header_uint(response, "Min-Expires");
    if (min_expires && *min_expires > 0) {
      requested_expires_ = std::min<uint32_t>(std::max(requested_expires_, *min_expires), 86400);
      pending_ = true;
      return;
    }
  }

  if (status == 401 || status == 403) {
    // A bad or expired token: retrying with it cannot help, so wait for a new enableIncoming().
    if (in_flight_token_ != token_) {
      pending_ = true;
      return;
    }
    state_ = State::kRejected;
    refresh_at_ = retry_at_ = sip::kNever;
    report(false, cause::kInvalidToken, false);
    return;
  }

  // §20.33: Retry-After says when to try again; otherwise back off.
  retry_later(now, random, header_uint(response, "Retry-After"));
}

void Registration::on_timeout(int64_t now, Random& random) {
  in_flight_ = 0;
  if (in_flight_expires_ == 0 || token_.empty()) {
    unbound();
    return;
  }
  retry_later(now, random);
}

void Registration::unbound() {
  bound_ = false;
  state_ = State::kIdle;
  expires_at_ = sip::kNever;
  if (token_.empty()) {
    report(false, cause::kNormal, false);
  } else {
    pending_ = true;  // enabled again meanwhile
  }
}

void Registration::retry_later(int64_t now, Random& random, std::optional<uint32_t> retry_after) {
  int64_t wait = register_retry_wait(++failures_, random.next());
  if (retry_after) wait = std::clamp<int64_t>(int64_t{*retry_after} * 1000, 1000, 3600000);
  failed(now, wait);
}

void Registration::failed(int64_t now, int64_t wait) {
  state_ = State::kRetryWait;
  refresh_at_ = sip::kNever;
  retry_at_ = now + wait;
  report(false, cause::kFailed, true);
}

void Registration::on_transport_lost() {
  transport_up_ = false;
  in_flight_ = 0;
  refresh_at_ = retry_at_ = expires_at_ = sip::kNever;
  if (token_.empty()) {
    bool was_bound = bound_;
    bound_ = false;
    state_ = State::kIdle;
    if (was_bound) report(false, cause::kNormal, false);
    return;
  }
  if (state_ == State::kRejected) return;
  // Registrations do not survive the connection they were made on (RFC 5626 flows): say so
  // and register again when the socket is back.
  bound_ = false;
  state_ = State::kWaitTransport;
  report(false, cause::kDisconnected, true);
}

void Registration::on_transport_up() {
  transport_up_ = true;
  if (!token_.empty() && state_ != State::kRejected) pending_ = true;
}

int64_t Registration::next_deadline() const {
  if (!transport_up_) return sip::kNever;
  int64_t next = sip::kNever;
  if (state_ == State::kRegistered) {
    next = expires_at_;
    if (in_flight_ == 0 && !token_.empty()) next = std::min(next, refresh_at_);
  } else if (state_ == State::kRetryWait && in_flight_ == 0 && !token_.empty()) {
    next = retry_at_;
  }
  return next;
}

void Registration::handle_timeout(int64_t now) {
  if (state_ == State::kRegistered && now >= expires_at_) {
    // The refresh never succeeded: the registrar has dropped us.
    bound_ = false;
    expires_at_ = sip::kNever;
    failed(now, 0);
  }
}

std::optional<Registration::Report> Registration::take_report() {
  if (report_count_ == 0) return std::nullopt;
  Report r = reports_[0];
  std::copy(reports_.begin() + 1, reports_.begin() + report_count_--, reports_.begin());
  return r;
}

void Registration::report(bool ready, std::string_view cause, bool retry) {
  Report r{ready, cause, retry};
  if (!api_change_ && last_report_ == r) return;  // nothing new for the page
  api_change_ = false;
  last_report_ = r;
  if (report_count_ < reports_.size()) reports_[report_count_++] = r;
}

uint32_t Registration::granted_expires(const sip::Message& response) const {
  // §10.2.4: the expires parameter of the Contact that is ours, else the Expires header, else
  // what we asked for.
  for (auto value : response.header_values("Contact")) {
    auto contact = sip::parse_name_addr(value);
    if (!contact || contact->uri.user != contact_user_) continue;
    if (auto expires = contact->param("expires")) {
      if (auto n = sip::parse_uint(*expires)) return *n;
    }
  }
  if (auto expires = header_uint(response, "Expires")) return *expires;
  return in_flight_expires_;
}

}  // namespace acw::call
