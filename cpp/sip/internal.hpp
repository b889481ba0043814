// Helpers shared by the SIP library's own files (not part of its interface).
#pragma once

#include <cstdint>
#include <string_view>

#include "sip/message.hpp"

namespace acw::sip::internal {

// The first element of Message::header_values(name), or an empty view when there is none.
std::string_view first_value(const Message& message, std::string_view name);

// A request with the fields in the public client's order: Via, To, From, CSeq ("<cseq> <method>")
// and Call-ID (Call-ID first when `call_id_first`), then Max-Forwards: 70.
Message new_request(std::string_view method, std::string_view request_uri, std::string_view via,
                    std::string_view to, std::string_view from, uint32_t cseq,
                    std::string_view call_id, bool call_id_first);

}  // namespace acw::sip::internal
