// Checks of every argument the public interface documents, and the exact strings thrown when one is
// wrong.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sip/message.hpp"

namespace acw::call {

// The messages a page sees (thrown as strings by the JS layer). The first seven are the public
// client's own words (aculab-webrtc src/aculab-cloud-client.ts, aculab-cloud-call.ts).
namespace errors {
inline constexpr std::string_view kInvalidCloudId = "Invalid cloudId";
inline constexpr std::string_view kInvalidAccessKey = "Invalid webRtcAccessKey";
inline constexpr std::string_view kInvalidClientId = "Invalid clientId";
inline constexpr std::string_view kInvalidServiceName = "Invalid serviceName";
inline constexpr std::string_view kInvalidToken = "Invalid token";
inline constexpr std::string_view kTooManyCalls = "Too many calls";
inline constexpr std::string_view kInvalidDtmf = "Invalid DTMF string";
inline constexpr std::string_view kDtmfSendError = "DTMF send error";
inline constexpr std::string_view kExtraHeaderNotX = "extraSipHeader must start with 'X-'";
inline constexpr std::string_view kInvalidExtraHeader = "extraSipHeader must be 'X-Name: value'";
inline constexpr std::string_view kInvalidMaxConcurrent = "maxConcurrent must be 1 or greater";
inline constexpr std::string_view kInvalidIceServers = "iceServers must be null or an array";
inline constexpr std::string_view kInvalidIceTransportPolicy =
    "iceTransportPolicy must be \"all\" or \"relay\"";
inline constexpr std::string_view kInvalidUrl = "Invalid cloud URL";
inline constexpr std::string_view kClientClosed = "Client closed";
// hold()/unhold() of a call that is not connected (4.0.8's words for addStream's same case).
inline constexpr std::string_view kNotConnected = "Not connected error";
// addStream/removeStream/reinvite while an offer/answer is under way, the first INVITE's too
// (4.0.8's words).
inline constexpr std::string_view kReinviteInProgress = "Re-invite in progress";
}  // namespace errors

// Each check returns "" when the value is good, else the message to throw.
std::string_view check_cloud_id(std::string_view cloud_id);  // ^[0-9]+-[0-9]+-[0-9]+$
std::string_view check_access_key(std::string_view key);     // ^[a-z0-9]{1,63}$
// A leading "sip:" or "webrtc:" (also as "sip%3A", "webrtc%3a"...) is stripped into
// *normalized, which must then match ^[A-Za-z0-9+\-_.]+$. Used for the constructor's clientId
// and callClient's.
std::string_view check_client_id(std::string_view client_id, std::string* normalized);
// serviceName is a URI-escaped user part (the seed guide passes encodeURIComponent(name)): after
// stripping "sip:"/"sip%3A" it may hold what encodeURIComponent leaves (A-Z a-z 0-9 - _ . ! ~ * ' (
// )) plus '+' and %XX escapes. The public client refuses every escape, so no escaped name works
// there; here they pass through to the Request-URI unchanged.
std::string_view check_service_name(std::string_view service_name, std::string* normalized);
// A JWS (3 parts) or JWE (5 parts), each part base64url.
std::string_view check_token(std::string_view token);
// 0-9 * # A-D (a-d accepted); any other character anywhere, or none at all, is an error.
std::string_view check_dtmf(std::string_view digits);
// reject(cause): a final code 400-699, else 486 Busy Here (also when missing: pass 0).
int reject_status(int code);
// extraSipHeaders: each element "X-Name: value"; the name is an RFC 3261 token starting with
// "X-" (either case), the value holds no CR, LF or other control character but tab. *parsed gets
// the fields (what it holds after an error means nothing).
std::string_view check_extra_sip_headers(const std::vector<std::string>& headers,
                                         std::vector<sip::HeaderField>* parsed);
std::string_view check_max_concurrent(int max_concurrent);
// "" (missing: all), "all" or "relay".
std::string_view check_ice_transport_policy(std::string_view policy);
// Structural only (the core never parses JSON): an array, '[' ... ']' around optional whitespace.
bool looks_like_json_array(std::string_view text);
// The cloud URL override: ws:// or wss://, no whitespace or control characters.
std::string_view check_url(std::string_view url);

}  // namespace acw::call
