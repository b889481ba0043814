// A name, a value and whether a value was written: the shape of a SIP header field or parameter
// (sip::HeaderField, sip::Param) and of an SDP attribute (sdp::Attribute). One type for all, so
// that the vectors of them share their code in the wasm.
#pragma once

#include <string>

namespace acw::text {

struct NameValue {
  std::string name;
  std::string value;
  bool has_value = false;
  friend bool operator==(const NameValue&, const NameValue&) = default;
};

}  // namespace acw::text
