// Text joined from parts: one routine instead of a chain of std::string operator+ (each a call
// and a temporary to destroy) at every place the engine writes a header, an address or a log line.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace acw::call {

std::string join(std::initializer_list<std::string_view> parts);

}  // namespace acw::call
