// A strict RFC 8259 JSON reader: recursive descent over the text, one error, no exceptions.
#include "call/json_reader.hpp"

#include <cstddef>

#include "call/json_object.hpp"
#include "text/decimal.hpp"

namespace acw::call {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

constexpr uint32_t kReplacementCharacter = 0xfffd;

class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  std::string read(JsonValue* value) {
    skip_whitespace();
    if (!read_value(value, 0)) return error_;
    skip_whitespace();
    if (p_ != s_.size()) fail("text after the value");
    return error_;
  }

 private:
  // Records the first error only; returns false so that callers can `return fail(...)`.
  bool fail(std::string_view what) {
    if (error_.empty()) {
      error_ = "JSON: ";
      error_ += what;
      error_ += " at byte ";
      text::append_decimal(error_, p_);
    }
    return false;
  }

  bool at_end() const { return p_ >= s_.size(); }
  char peek() const { return s_[p_]; }

  // RFC 8259 §2: ws = *( %x20 / %x09 / %x0A / %x0D )
  void skip_whitespace() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++p_;
  }

  bool read_value(JsonValue* v, int depth) {
    if (at_end()) return fail("unexpected end");
    switch (peek()) {
      case '{':
        return read_object(v, depth + 1);
      case '[':
        return read_array(v, depth + 1);
      case '"':
        v->type = JsonValue::Type::kString;
        return read_string(&v->text);
      case 't':
        v->type = JsonValue::Type::kBoolean;
        v->boolean = true;
        return read_literal("true");
      case 'f':
        v->type = JsonValue::Type::kBoolean;
        v->boolean = false;
        return read_literal("false");
      case 'n':
        v->type = JsonValue::Type::kNull;
        return read_literal("null");
      default:
        if (peek() == '-' || is_digit(peek())) return read_number(v);
        return fail("unexpected character");
    }
  }

  bool read_literal(std::string_view word) {
    if (s_.substr(p_, word.size()) != word) return fail("unexpected character");
    p_ += word.size();
    return true;
  }

  // §6: number = [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT )
  bool read_number(JsonValue* v) {
    const std::size_t start = p_;
    if (peek() == '-') ++p_;
    if (at_end() || !is_digit(peek())) return fail("bad number");
    if (peek() == '0') {
      ++p_;
    } else {
      skip_digits();
    }
    if (!at_end() && peek() == '.') {
      ++p_;
      if (at_end() || !is_digit(peek())) return fail("bad number");
      skip_digits();
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++p_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++p_;
      if (at_end() || !is_digit(peek())) return fail("bad number");
      skip_digits();
    }
    v->type = JsonValue::Type::kNumber;
    v->text = s_.substr(start, p_ - start);
    return true;
  }

  void skip_digits() {
    while (!at_end() && is_digit(peek())) ++p_;
  }

  // Four hex digits after "\u", as a code unit.
  bool read_hex4(uint32_t* unit) {
    if (s_.size() - p_ < 4) return fail("bad \\u escape");
    *unit = 0;
    for (int i = 0; i < 4; ++i) {
      const int d = hex_digit(s_[p_]);
      if (d < 0) return fail("bad \\u escape");
      *unit = *unit * 16 + static_cast<uint32_t>(d);
      ++p_;
    }
    return true;
  }

  // §7: quotation-mark *char quotation-mark
  bool read_string(std::string* out) {
    ++p_;  // the opening quotation mark
    out->clear();
    for (;;) {
      if (at_end()) return fail("unexpected end in a string");
      const char c = peek();
      if (c == '"') {
        ++p_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c == '\\') {
        if (!read_escape(out)) return false;
        continue;
      }
      bool well_formed = true;
      const std::size_t n = utf8_sequence(s_, p_, &well_formed);
      if (!well_formed) return fail("bad UTF-8");
      out->append(s_.substr(p_, n));
      p_ += n;
    }
  }

  bool read_escape(std::string* out) {
    ++p_;  // the backslash
    if (at_end()) return fail("unexpected end in a string");
    const char c = s_[p_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        *out += c;
        return true;
      case 'b':
        *out += '\b';
        return true;
      case 'f':
        *out += '\f';
        return true;
      case 'n':
        *out += '\n';
        return true;
      case 'r':
        *out += '\r';
        return true;
      case 't':
        *out += '\t';
        return true;
      case 'u':
        break;
      default:
        --p_;
        return fail("bad escape");
    }
    uint32_t unit = 0;
    if (!read_hex4(&unit)) return false;
    uint32_t cp = unit;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      // A high surrogate: a character only with the low surrogate escaped right after it.
      uint32_t low = 0;
      if (s_.substr(p_, 2) == "\\u") {
        const std::size_t at = p_;
        p_ += 2;
        if (!read_hex4(&low)) return false;
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
        } else {
          p_ = at;  // not a pair: the next escape is read on its own
          cp = kReplacementCharacter;
        }
      } else {
        cp = kReplacementCharacter;
      }
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      cp = kReplacementCharacter;
    }
    append_utf8(*out, cp);
    return true;
  }

  bool enter(int depth) {
    if (depth > kJsonMaxDepth) return fail("nested too deep");
    ++p_;  // '[' or '{'
    skip_whitespace();
    return true;
  }

  // §5: begin-array [ value *( value-separator value ) ] end-array
  bool read_array(JsonValue* v, int depth) {
    if (!enter(depth)) return false;
    v->type = JsonValue::Type::kArray;
    if (!at_end() && peek() == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      v->items.emplace_back();
      if (!read_value(&v->items.back(), depth)) return false;
      skip_whitespace();
      if (at_end()) return fail("unexpected end in an array");
      if (peek() == ']') {
        ++p_;
        return true;
      }
      if (peek() != ',') return fail("expected ',' or ']'");
      ++p_;
      skip_whitespace();
    }
  }

  // §4: begin-object [ member *( value-separator member ) ] end-object
  bool read_object(JsonValue* v, int depth) {
    if (!enter(depth)) return false;
    v->type = JsonValue::Type::kObject;
    if (!at_end() && peek() == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      if (at_end() || peek() != '"') return fail("expected a member name");
      v->names.emplace_back();
      if (!read_string(&v->names.back())) return false;
      skip_whitespace();
      if (at_end() || peek() != ':') return fail("expected ':'");
      ++p_;
      skip_whitespace();
      v->items.emplace_back();
      if (!read_value(&v->items.back(), depth)) return false;
      skip_whitespace();
      if (at_end()) return fail("unexpected end in an object");
      if (peek() == '}') {
        ++p_;
        return true;
      }
      if (peek() != ',') return fail("expected ',' or '}'");
      ++p_;
      skip_whitespace();
    }
  }

  std::string_view s_;
  std::size_t p_ = 0;
  std::string error_;
};

}  // namespace

const JsonValue* JsonValue::member(std::string_view name) const {
  if (type != Type::kObject) return nullptr;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return &items[i];
  }
  return nullptr;
}

std::string read_json(std::string_view text, JsonValue* value) {
  *value = JsonValue();
  return Reader(text).read(value);
}

}  // namespace acw::call
