// Checks of every argument the public interface documents (interface.md of aculab-webrtc,
// PROTOCOL.md "Names").
#include "call/validation.hpp"

#include "sip/grammar.hpp"

namespace acw::call {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Strips "scheme:" or "scheme%3A" (hex in either case) from the front.
std::string_view strip_scheme(std::string_view s, std::string_view scheme) {
  if (s.size() > scheme.size() && s.compare(0, scheme.size(), scheme) == 0) {
    std::string_view rest = s.substr(scheme.size());
    if (!rest.empty() && rest.front() == ':') return rest.substr(1);
    if (sip::grammar::istarts_with(rest, "%3a")) return rest.substr(3);
  }
  return s;
}

}  // namespace

std::string_view check_cloud_id(std::string_view cloud_id) {
  int groups = 0;
  std::size_t digits = 0;
  for (char c : cloud_id) {
    if (is_digit(c)) {
      ++digits;
    } else if (c == '-' && digits > 0 && groups < 2) {
      ++groups;
      digits = 0;
    } else {
      return errors::kInvalidCloudId;
    }
  }
  return groups == 2 && digits > 0 ? std::string_view{} : errors::kInvalidCloudId;
}

std::string_view check_access_key(std::string_view key) {
  return key.empty() || key.size() > 63 ||
                 key.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz") !=
                     std::string_view::npos
             ? errors::kInvalidAccessKey
             : std::string_view{};
}

std::string_view check_client_id(std::string_view client_id, std::string* normalized) {
  std::string_view id = strip_scheme(client_id, "sip");
  id = strip_scheme(id, "webrtc");
  if (id.empty()) return errors::kInvalidClientId;
  for (char c : id) {
    if (!is_alnum(c) && c != '+' && c != '-' && c != '_' && c != '.')
      return errors::kInvalidClientId;
  }
  if (normalized) *normalized = id;
  return {};
}

std::string_view check_service_name(std::string_view service_name, std::string* normalized) {
  std::string_view name = strip_scheme(service_name, "sip");
  if (name.empty()) return errors::kInvalidServiceName;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '%') {
      if (i + 2 >= name.size() || !is_hex(name[i + 1]) || !is_hex(name[i + 2]))
        return errors::kInvalidServiceName;
      i += 2;
      continue;
    }
    bool unreserved = is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '!' || c == '~' ||
                      c == '*' || c == '\'' || c == '(' || c == ')' || c == '+';
    if (!unreserved) return errors::kInvalidServiceName;
  }
  if (normalized) *normalized = name;
  return {};
}

std::string_view check_token(std::string_view token) {
  // Parts separated by '.', each 1+ base64url characters: 3 for a JWS, 5 for a JWE.
  int parts = 1;
  std::size_t length = 0;
  for (char c : token) {
    if (c == '.') {
      if (length == 0) return errors::kInvalidToken;
      ++parts;
      length = 0;
    } else if (is_alnum(c) || c == '-' || c == '_') {
      ++length;
    } else {
      return errors::kInvalidToken;
    }
  }
  if (length == 0 || (parts != 3 && parts != 5)) return errors::kInvalidToken;
  return {};
}

std::string_view check_dtmf(std::string_view digits) {
  return digits.empty() ||
                 digits.find_first_not_of("0123456789*#ABCDabcd") != std::string_view::npos
             ? errors::kInvalidDtmf
             : std::string_view{};
}

int reject_status(int code) {
  return code >= 400 && code <= 699 ? code : 486;
}

std::string_view check_extra_sip_headers(const std::vector<std::string>& headers,
                                         std::vector<sip::HeaderField>* parsed) {
  parsed->clear();
  for (const auto& header : headers) {
    auto colon = header.find(':');
    std::string_view name = sip::grammar::trim_lws(std::string_view(header).substr(0, colon));
    if (!sip::grammar::istarts_with(name, "X-")) return errors::kExtraHeaderNotX;
    // RFC 3261 §25.1: the name is a token.
    if (colon == std::string::npos || name.size() < 3 || !sip::grammar::is_token(name))
      return errors::kInvalidExtraHeader;
    std::string_view value = sip::grammar::trim_lws(std::string_view(header).substr(colon + 1));
    for (char c : value) {
      auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f) return errors::kInvalidExtraHeader;
    }
    parsed->push_back({std::string(name), std::string(value)});
  }
  return {};
}

std::string_view check_max_concurrent(int max_concurrent) {
  return max_concurrent >= 1 ? std::string_view{} : errors::kInvalidMaxConcurrent;
}

std::string_view check_ice_transport_policy(std::string_view policy) {
  return policy.empty() || policy == "all" || policy == "relay"
             ? std::string_view{}
             : errors::kInvalidIceTransportPolicy;
}

bool looks_like_json_array(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kSpace);
  const std::size_t last = text.find_last_not_of(kSpace);
  return first != std::string_view::npos && last > first && text[first] == '[' && text[last] == ']';
}

std::string_view check_url(std::string_view url) {
  std::string_view rest;
  if (url.substr(0, 5) == "ws://") {
    rest = url.substr(5);
  } else if (url.substr(0, 6) == "wss://") {
    rest = url.substr(6);
  } else {
    return errors::kInvalidUrl;
  }
  if (rest.empty() || rest.front() == '/') return errors::kInvalidUrl;
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return errors::kInvalidUrl;
  }
  return {};
}

}  // namespace acw::call
