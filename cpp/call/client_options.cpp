// The client's options from JSON text (client_options.hpp).
#include "call/client_options.hpp"

#include <cstddef>
#include <utility>

#include "call/join.hpp"
#include "call/json_reader.hpp"

namespace acw::call {
namespace {

using Type = JsonValue::Type;

std::string invalid(std::string_view name, std::string_view what) {
  return join({"Invalid client options: ", name, " ", what});
}

// Whole milliseconds as JSON writers write them: digits only, 0 .. kMaxOptionMs.
std::string read_ms(std::string_view name, const JsonValue& v, int64_t* out) {
  constexpr std::string_view kWhat = "is not a whole number of ms from 0 to 3600000";
  if (v.type != Type::kNumber || v.text.empty() || v.text.size() > 7) return invalid(name, kWhat);
  int64_t n = 0;
  for (char c : v.text) {
    if (c < '0' || c > '9') return invalid(name, kWhat);
    n = n * 10 + (c - '0');
  }
  if (n > kMaxOptionMs) return invalid(name, kWhat);
  *out = n;
  return {};
}

std::string read_delays(const JsonValue& v, std::vector<int64_t>* out) {
  if (v.type != Type::kArray || v.items.empty() || v.items.size() > 16)
    return invalid("reconnect.delays", "is not an array of 1 to 16 numbers");
  out->clear();
  for (const JsonValue& item : v.items) {
    int64_t ms = 0;
    if (auto error = read_ms("reconnect.delays", item, &ms); !error.empty()) return error;
    out->push_back(ms);
  }
  return {};
}

// Calls `read(name, value)` for each member that is not null; an object only, no name twice.
template <typename Read>
std::string read_members(std::string_view what, const JsonValue& object, Read read) {
  if (object.type != Type::kObject) return invalid(what, "is not an object");
  for (std::size_t i = 0; i < object.names.size(); ++i) {
    const std::string& name = object.names[i];
    if (object.member(name) != &object.items[i]) return invalid(name, "is given twice");
    if (object.items[i].type == Type::kNull) continue;
    if (auto error = read(name, object.items[i]); !error.empty()) return error;
  }
  return {};
}

std::string read_object(const JsonValue& root, ClientOptions* o) {
  // Every option in ms by its full name (reconnect.delays aside): one lookup for them all.
  const std::pair<std::string_view, int64_t*> ms[] = {
      {"keepAlive.interval", &o->keep_alive.interval},
      {"keepAlive.timeout", &o->keep_alive.timeout},
      {"reconnect.limit", &o->reconnect.limit},
      {"iceRestart.wait", &o->ice_restart.wait},
      {"iceRestart.limit", &o->ice_restart.limit},
  };
  return read_members("options", root, [&](std::string_view name, const JsonValue& v) {
    if (name != "keepAlive" && name != "reconnect" && name != "iceRestart")
      return invalid(name, "is not an option");
    return read_members(name, v, [&](std::string_view member, const JsonValue& value) {
      const std::string full = join({name, ".", member});
      if (full == "reconnect.delays") return read_delays(value, &o->reconnect.delays);
      for (const auto& [option, field] : ms) {
        if (option == full) return read_ms(option, value, field);
      }
      return invalid(full, "is not an option");
    });
  });
}

}  // namespace

std::string read_client_options(std::string_view json, ClientOptions* options) {
  return read_options(json, "client options", options, read_object);
}

}  // namespace acw::call
