// Engine: no input of its own: the incoming call machine that an INVITE frame starts and
// answer/reject, CANCEL, BYE and media results drive, and offers inside a call (RFC 3261 §13.3,
// §14.2).
#include <utility>

#include "call/cause.hpp"
#include "call/engine.hpp"
#include "call/payload.hpp"
#include "sdp/essentials.hpp"
#include "sip/dialog.hpp"
#include "sip/uri.hpp"

namespace acw::call {
namespace {

// The summary of an offer the page can take: SDP with an audio or video section that is not
// rejected (the browser checks the rest when the page answers).
std::optional<sdp::OfferSummary> usable_offer(const sip::Message& invite) {
  if (!has_sdp_body(invite)) return std::nullopt;
  auto offer = sdp::read_essentials(invite.body());
  if (!offer || !offer->has_media) return std::nullopt;
  return offer->summary;
}

}  // namespace

void Engine::incoming_invite(int64_t now, sip::TransactionId tx, const sip::Message& invite) {
  std::string local_tag = sip::make_tag(random_.next());
  // 100 Trying at once, as the public client does (trace 2), so the cloud stops retransmitting.
  reply(now, tx, invite, 100);
  int refusal = 400;  // without a Contact there is no dialog
  int level = 2;
  std::string_view why;  // what the log says, after "incoming call rejected: "
  std::optional<sdp::OfferSummary> offer;
  if (!has_incoming_handler_) {
    why = "no onIncoming";
    refusal = 480;
  } else if (active_calls() >= static_cast<std::size_t>(max_concurrent_) ||
             calls_.size() >= kMaxCalls) {
    why = "maxConcurrent reached";
    refusal = 486;
  } else if (!(offer = usable_offer(invite))) {
    // No offer we can answer (no SDP, or no audio/video): the page could not take it.
    level = 1;
    why = "no usable SDP offer";
    refusal = 488;
  }
  // A usable offer means every check above passed.
  std::optional<sip::Dialog> dialog =
      offer ? sip::Dialog::from_uas(invite, local_tag) : std::nullopt;
  if (!dialog) {
    if (!why.empty()) log(level, {"incoming call rejected: ", why});
    reply(now, tx, invite, refusal, local_tag);
    return;
  }
  auto from = sip::parse_name_addr(header_text(invite, "From"));

  Call& call = new_call(false);
  call.call_id = invite.call_id();
  call.local_tag = std::move(local_tag);
  call.invite = invite;
  call.remote = invite;
  call.invite_tx = tx;
  call.remote_offer = call.remote_sdp = invite.body();
  call.dialog = std::move(dialog);
  const CallHandle handle = call.handle;
  std::string_view from_user = from ? std::string_view(from->uri.user) : std::string_view();
  std::string_view type =
      from ? ua_.addresses().caller_type(from->uri.host) : std::string_view("other");
  callback(handle, "onIncoming", incoming_payload(from_user, type, *offer, invite.call_id()));
}

void Engine::create_answer(Call& call) {
  create_peer(call);
  describe_remote(call, "offer", call.remote_offer);
  set_state(call, CallState::kCreatingAnswer);
}

void Engine::end_unanswered(int64_t now, Call& call, int status, std::string_view cause) {
  reply(now, call.invite_tx, call.invite, status, call.local_tag);
  terminate(call, cause);
}

void Engine::reoffer(int64_t now, Call& call, sip::TransactionId tx, const sip::Message& invite) {
  // §14.2: one offer/answer at a time; an offer while ours is open (an ICE restart's, in the
  // browser or in a re-INVITE) gets 491.
  if (call.state() != CallState::kConfirmed || call.reoffer != Reoffer::kNone || call.offering()) {
    reply(now, tx, invite, 491);
    return;
  }
  // An INVITE without an offer would need one from us in the 2xx: not supported, nor is an
  // offer we cannot read.
  auto offer = has_sdp_body(invite) ? sdp::read_essentials(invite.body()) : std::nullopt;
  if (!offer || !call.peer_created) {
    reply(now, tx, invite, 488);
    return;
  }
  // RFC 3264 §8.4: an offer in which the far side receives nothing (sendonly, inactive) holds us.
  call.reoffer_holds =
      offer->has_media && !offer->summary.can_receive_audio && !offer->summary.can_receive_video;
  call.dialog->refresh_target(invite);  // §12.2.2 target refresh
  call.reoffer = Reoffer::kCreatingAnswer;
  call.reoffer_tx = tx;
  call.reoffer_request = invite;
  call.remote_sdp = invite.body();
  describe_remote(call, "offer", invite.body());
}

}  // namespace acw::call
