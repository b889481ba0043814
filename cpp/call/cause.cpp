// SIP status code -> onDisconnect cause, as a table (PROTOCOL.md "Calls").
#include "call/cause.hpp"

#include "sip/grammar.hpp"

namespace acw::call {
namespace {

struct CauseRule {
  int first;
  int last;
  std::string_view cause;
};

// The first rule whose range holds the code wins: the single codes before the classes.
constexpr CauseRule kCauseRules[] = {
    {200, 299, cause::kNormal},       {487, 487, cause::kNoAnswer},  // the caller gave up (CANCEL)
    {486, 486, cause::kBusy},         {600, 600, cause::kBusy},
    {603, 603, cause::kBusy},         {404, 404, cause::kUnobtainable},
    {410, 410, cause::kUnobtainable}, {480, 480, cause::kUnobtainable},
    {604, 604, cause::kUnobtainable}, {300, 399, cause::kMoved},
    {600, 699, cause::kRejected},     {400, 599, cause::kFailed},
};

}  // namespace

std::string_view cause_for_status(int status) {
  if (status >= 100 && status < 200) return {};
  for (const auto& rule : kCauseRules) {
    if (status >= rule.first && status <= rule.last) return rule.cause;
  }
  return cause::kFailed;  // any other non-2xx final
}

namespace {

// The text before the first `sep` in `rest` (all of it when there is none), trimmed, into
// `head`; `rest` keeps what follows the separator. Whether there was one.
bool take(std::string_view& rest, char sep, std::string_view* head) {
  const auto at = rest.find(sep);
  *head = sip::grammar::trim_lws(rest.substr(0, at));
  rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + 1);
  return at != std::string_view::npos;
}

}  // namespace

std::optional<int> reason_sip_cause(std::string_view reason) {
  // RFC 3326 §2: Reason = protocol *(SEMI reason-params); cause = "cause" EQUAL 1*DIGIT. Only the
  // first value is read (a Reason with several protocols lists SIP once).
  std::string_view params;
  std::string_view protocol;
  take(reason, ',', &params);
  if (!take(params, ';', &protocol) || !sip::grammar::iequals(protocol, "SIP")) return std::nullopt;
  while (!params.empty()) {
    std::string_view param;
    std::string_view name;
    take(params, ';', &param);
    if (!take(param, '=', &name) || !sip::grammar::iequals(name, "cause")) continue;
    std::string_view digits = sip::grammar::trim_lws(param);
    if (digits.size() != 3) return std::nullopt;
    int code = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      code = code * 10 + (c - '0');
    }
    return code;
  }
  return std::nullopt;
}

}  // namespace acw::call
