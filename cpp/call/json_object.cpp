// A writer of small JSON objects (RFC 8259) for the engine's payloads and journal lines.
#include "call/json_object.hpp"

#include <cmath>

#include "text/decimal.hpp"

namespace acw::call {

std::size_t utf8_sequence(std::string_view s, std::size_t i, bool* well_formed) {
  auto c = static_cast<unsigned char>(s[i]);
  // RFC 3629 §4: the lead byte fixes the length; E0, ED, F0 and F4 narrow the second byte's
  // range (no overlong forms, no surrogates, nothing above U+10FFFF).
  std::size_t need = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    need = 1;
  } else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c == 0xe0) low = 0xa0;
    if (c == 0xed) high = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c == 0xf0) low = 0x90;
    if (c == 0xf4) high = 0x8f;
  }
  std::size_t taken = 1;  // bytes of this sequence that were well-formed so far
  if (need != 0) {
    while (taken <= need && i + taken < s.size()) {
      auto b = static_cast<unsigned char>(s[i + taken]);
      if (taken == 1 ? (b < low || b > high) : (b & 0xc0) != 0x80) break;
      ++taken;
    }
  }
  *well_formed = c < 0x80 || (need != 0 && taken == need + 1);
  return taken;
}

namespace {

// RFC 8259 §7: the letter of the two-character escape for c, or 0 where JSON has none.
char short_escape(char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '\b':
      return 'b';
    case '\f':
      return 'f';
    case '\n':
      return 'n';
    case '\r':
      return 'r';
    case '\t':
      return 't';
    default:
      return 0;
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    bool well_formed = false;
    const std::size_t taken = utf8_sequence(s, i, &well_formed);
    if (static_cast<unsigned char>(c) >= 0x80) {
      // A maximal ill-formed subpart: one U+FFFD; the byte that broke it starts afresh.
      out.append(well_formed ? s.substr(i, taken) : "\xef\xbf\xbd");
    } else if (const char letter = short_escape(c); letter != 0) {
      out += '\\';
      out += letter;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
    i += taken;
  }
  out += '"';
}

JsonObject& JsonObject::member(std::string_view name, std::string value) {
  for (const text::NameValue& m : members_) {
    if (m.name == name) return *this;  // a repeated name keeps its first value
  }
  members_.push_back({std::string(name), std::move(value), true});
  return *this;
}

JsonObject& JsonObject::string(std::string_view name, std::string_view value) {
  std::string text;
  append_json_string(text, value);
  return member(name, std::move(text));
}

JsonObject& JsonObject::boolean(std::string_view name, bool value) {
  return member(name, value ? "true" : "false");
}

JsonObject& JsonObject::integer(std::string_view name, int64_t value) {
  return member(name, text::signed_decimal(value));
}

JsonObject& JsonObject::unsigned_integer(std::string_view name, uint64_t value) {
  return member(name, text::decimal(value));
}

JsonObject& JsonObject::number(std::string_view name, double value) {
  if (!(std::fabs(value) < 1e12)) return null(name);  // NaN too
  const auto millionths = static_cast<uint64_t>(std::llround(std::fabs(value) * 1e6));
  std::string text;
  if (value < 0 && millionths != 0) text += '-';
  text::append_decimal(text, millionths / 1000000);
  uint64_t fraction = millionths % 1000000;
  if (fraction != 0) {
    text += '.';
    for (uint64_t unit = 100000; fraction != 0; unit /= 10) {
      text += static_cast<char>('0' + fraction / unit);
      fraction %= unit;
    }
  }
  return member(name, std::move(text));
}

JsonObject& JsonObject::null(std::string_view name) {
  return member(name, "null");
}

JsonObject& JsonObject::strings(std::string_view name, const std::vector<std::string>& values) {
  std::string text = "[";
  for (const std::string& value : values) {
    if (text.size() > 1) text += ',';
    append_json_string(text, value);
  }
  text += ']';
  return member(name, std::move(text));
}

JsonObject& JsonObject::object(std::string_view name, const JsonObject& value) {
  return member(name, value.text());
}

std::string JsonObject::text() const {
  // Sorted by name by selection (a handful of members): each round writes the least name above
  // the last one written.
  std::string out = "{";
  const text::NameValue* last = nullptr;
  for (std::size_t round = 0; round < members_.size(); ++round) {
    const text::NameValue* next = nullptr;
    for (const text::NameValue& m : members_) {
      if ((!last || m.name > last->name) && (!next || m.name < next->name)) next = &m;
    }
    if (out.size() > 1) out += ',';
    append_json_string(out, next->name);
    out += ':';
    out += next->value;
    last = next;
  }
  out += '}';
  return out;
}

}  // namespace acw::call
