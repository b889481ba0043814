// SIP message model (RFC 3261 §7): a request or a response, its header fields in order, and a body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/name_value.hpp"

namespace acw::sip {

// One header field as it stands in the message. Names keep the spelling they were given
// (a parsed message keeps the compact form it arrived in); lookups are case-insensitive
// and treat compact forms (i f t v m l c k s e) as their long names.
// The same type (text::NameValue) holds a parameter (Param, uri.hpp: a URI or header parameter,
// which may have no value) and an SDP attribute: one type, so that their vectors share their
// code in the wasm. Its members:
//   name       a parameter's: case as written; unescaped for URI params
//   value      folded lines already unfolded, leading/trailing whitespace trimmed. A parameter's:
//              empty for a flag ("lr", "ob"); unescaped for URI params; header params (tag,
//              expires, branch...) keep quotes: ="a b" is "\"a b\""
//   has_value  parameters only: "=value" was written (false in a header field)
using HeaderField = text::NameValue;

class Message {
 public:
  Message() = default;
  static Message request(std::string_view method, std::string_view request_uri);
  static Message response(int status, std::string_view reason);

  bool is_request() const { return status_ == 0; }
  bool is_response() const { return status_ != 0; }
  std::string_view method() const { return method_; }            // requests
  std::string_view request_uri() const { return request_uri_; }  // requests
  int status() const { return status_; }                         // responses (100-699)
  std::string_view reason() const { return reason_; }            // responses

  const std::vector<HeaderField>& fields() const { return fields_; }
  // The first field with this name (long or compact form, any case), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
  // Every value of this header: all fields with the name, and for headers that allow
  // comma-separated lists (Via, Route, Record-Route, Contact, Allow, Supported, ...) each
  // element split on commas that are outside quotes and <>; trimmed.
  std::vector<std::string_view> header_values(std::string_view name) const;
  bool has_header(std::string_view name) const { return header(name).has_value(); }

  void add_header(std::string_view name, std::string_view value);
  // Replaces every field with this name by one field (appended where the first one was).
  void set_header(std::string_view name, std::string_view value);
  void remove_header(std::string_view name);

  std::string_view body() const { return body_; }
  // Sets the body; Content-Type is set when content_type is not empty.
  void set_body(std::string body, std::string_view content_type = {});

  // Wire form: start line, fields in order (Content-Length rewritten to the body's size, and
  // added when missing), CRLF, body. Lines end in CRLF.
  std::string serialize() const;

  // Convenience for the fields every transaction and dialog needs (unparsed text).
  std::string_view call_id() const { return header("Call-ID").value_or(std::string_view{}); }

  friend bool operator==(const Message&, const Message&) = default;

 private:
  friend class Parser;
  void replace_fields(std::string_view name, HeaderField field, bool drop_all);
  std::string method_;
  std::string request_uri_;
  int status_ = 0;
  std::string reason_;
  std::vector<HeaderField> fields_;
  std::string body_;
};

// The long form of a compact header name ("i" -> "Call-ID"); other names unchanged.
std::string_view expand_compact_name(std::string_view name);
// Case-insensitive, compact-aware header name equality.
bool header_name_equals(std::string_view a, std::string_view b);
// The standard reason phrase for a status code ("Ringing" for 180), or "Unknown".
std::string_view reason_phrase(int status);

}  // namespace acw::sip
