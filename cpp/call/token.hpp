// What the core reads of a page's token (never trusted for anything else): a JWS's "exp" for the
// warning before it expires, and the form a journal writes it in with its secret part removed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace acw::call {

// RFC 7519 §4.1.4: the "exp" of a JWS's payload, seconds since 1970 (a fraction is dropped);
// nullopt for a JWE, a payload that is not base64url JSON, or no numeric "exp".
std::optional<int64_t> jwt_expiry(std::string_view token);

// A token as a default journal writes it: a JWS keeps its header and payload (the claims replay
// needs for the expiry warning) and its signature becomes "redacted"; a JWE keeps its header only;
// anything else is "redacted" whole ("" stays ""). Whatever the form, the signed token can no
// longer be used, and a redacted token is as valid (check_token) as the original.
std::string redact_token(std::string_view token);

// A received SIP frame with every Authorization and Proxy-Authorization value in its header
// replaced by "redacted" (nothing else changes, so it parses as the original did).
std::string redact_frame(std::string_view frame);

}  // namespace acw::call
