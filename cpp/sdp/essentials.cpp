// The engine's light reader of a remote session description (sdp/essentials.hpp).
#include "sdp/essentials.hpp"

#include "sdp/grammar.hpp"

namespace acw::sdp {
namespace {

struct Section {
  bool audio = false;
  bool video = false;
  bool rejected = false;
  std::optional<Direction> direction;
};

// RFC 3264 §5.1, as summarize_offer (offer.cpp) reads the full parse.
void add_to_summary(const Section& section, Direction session_default, Essentials* out) {
  if (section.rejected || !(section.audio || section.video)) return;
  out->has_media = true;
  const Direction direction = section.direction.value_or(session_default);
  const bool sends = direction == Direction::kSendRecv || direction == Direction::kSendOnly;
  const bool receives = direction == Direction::kSendRecv || direction == Direction::kRecvOnly;
  OfferSummary& s = out->summary;
  (section.audio ? s.offering_audio : s.offering_video) |= sends;
  (section.audio ? s.can_receive_audio : s.can_receive_video) |= receives;
}

std::optional<Essentials> refuse(std::string* error, std::string_view why) {
  if (error != nullptr) *error = why;
  return std::nullopt;
}

}  // namespace

std::optional<Essentials> read_essentials(std::string_view text, std::string* error) {
  if (text.size() > kMaxSessionDescriptionSize)
    return refuse(error, "session description too large");
  grammar::LineReader lines(text);
  if (lines.next() != "v=0")
    return refuse(error, lines.error() ? lines.error() : "first line must be v=0");
  const std::string_view origin = lines.next();
  if (origin.empty() || origin[0] != 'o') {
    return refuse(error, lines.error() ? lines.error() : "second line must be o=");
  }
  Essentials out;
  out.origin = origin.substr(2);
  // Session-level lines come before the first m= (RFC 8866 §5), so each section is summed up when
  // the next one starts, with the session's direction already known.
  std::optional<Direction> session_direction;
  std::optional<Section> section;
  auto finish_section = [&] {
    if (section) add_to_summary(*section, session_direction.value_or(Direction::kSendRecv), &out);
  };
  for (std::string_view line; !(line = lines.next()).empty();) {
    const std::string_view value = line.substr(2);
    if (line[0] == 'm') {
      // m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14)
      grammar::FieldReader fields(value);
      const std::string_view media = fields.next();
      const std::string_view port_field = fields.next();
      const auto port = grammar::decimal(port_field.substr(0, port_field.find('/')), 65535);
      if (media.empty() || !port) return refuse(error, "m= line without a media and a port");
      finish_section();
      section = Section{grammar::iequals(media, "audio"), grammar::iequals(media, "video"),
                        *port == 0, std::nullopt};
    } else if (auto direction = line[0] == 'a' ? direction_from_name(value) : std::nullopt) {
      // The first direction at its level: the full parser refuses a second one.
      auto& level = section ? section->direction : session_direction;
      if (!level) level = direction;
    }
  }
  if (lines.error() != nullptr) return refuse(error, lines.error());
  finish_section();
  return out;
}

}  // namespace acw::sdp
