// Text joined from parts.
#include "call/join.hpp"

namespace acw::call {

std::string join(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (auto part : parts) size += part.size();
  std::string out;
  out.reserve(size);
  for (auto part : parts) out += part;
  return out;
}

}  // namespace acw::call
