// SIP dialogs (RFC 3261 §12): the state two user agents share for a call, and the requests sent
// within it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message.hpp"

namespace acw::sip {

// §12: Call-ID, local tag and remote tag identify a dialog.
struct DialogId {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  friend bool operator==(const DialogId&, const DialogId&) = default;
};

// The dialog an incoming request belongs to, seen by its receiver: local = To tag, remote = From
// tag.
DialogId request_dialog_id(const Message& request);
// The dialog a response belongs to, seen by the UAC: local = From tag, remote = To tag.
DialogId response_dialog_id(const Message& response);

struct Dialog {
  DialogId id;
  std::string local;   // our From (UAC) or To (UAS) header value, with our tag
  std::string remote;  // theirs, with their tag
  std::optional<uint32_t> local_seq;
  std::optional<uint32_t> remote_seq;
  std::string remote_target;           // URI from the peer's Contact
  std::vector<std::string> route_set;  // Route values to put on requests, in order
  bool early = true;                   // §12.1: early until a 2xx

  // §12.1.2: the UAC's dialog from its INVITE and a 2xx or a 1xx with a To tag: route set =
  // Record-Route reversed, remote target = Contact, local seq = the INVITE's CSeq. nullopt when
  // the response has no To tag or the messages lack what a dialog needs.
  static std::optional<Dialog> from_uac(const Message& request, const Message& response);
  // §12.1.1: the UAS's dialog from the INVITE and the tag it chose: route set = Record-Route in
  // order, remote target = Contact, remote seq = the INVITE's CSeq, local seq empty.
  static std::optional<Dialog> from_uas(const Message& request, std::string_view local_tag);

  // §12.1.2: a 2xx confirms the dialog; its route set is recomputed from the 2xx and the remote
  // target taken from its Contact.
  void confirm_with(const Message& response);
  // §12.2.1.2 / §12.2.2: a target refresh (re-INVITE or its 2xx) replaces the remote target.
  void refresh_target(const Message& message);

  // §12.2.1.1: a request within the dialog, headers in the public client's order: Via (given),
  // To, From, CSeq, Call-ID, Max-Forwards, then Route. The local CSeq goes up by one (from 1
  // when still empty). The caller appends its own fields.
  Message make_request(std::string_view method, std::string via);
  // §13.2.2.4: the ACK for a 2xx, with the INVITE's CSeq number and a new branch (in `via`).
  Message make_ack(uint32_t invite_cseq, std::string via) const;

  // §12.2.2: whether a request belongs to this dialog (Call-ID, To tag = local, From tag = remote).
  bool matches_request(const Message& request) const { return request_dialog_id(request) == id; }
  bool matches_response(const Message& response) const {
    return response_dialog_id(response) == id;
  }
  // §12.2.2: a request with a CSeq lower than the remote sequence number is out of order (the
  // caller answers 500); otherwise the number is remembered. Returns false when out of order.
  bool accept_remote_cseq(uint32_t cseq);

 private:
  Message build_request(std::string_view method, uint32_t cseq, std::string via) const;
};

// §19.3: a tag from one random value (ten base-36 characters, like the public client's).
std::string make_tag(uint64_t random);
// §8.1.1.4: a Call-ID from two random values (twenty base-36 characters).
std::string make_call_id(uint64_t random1, uint64_t random2);
// The URI inside a name-addr or addr-spec header value as written ("<sip:a@b;x>;tag=1" ->
// "sip:a@b;x"), or empty if it does not parse.
std::string uri_text(std::string_view name_addr);

}  // namespace acw::sip
