// Names of the engine's input kinds, as journals write them.
#include "call/input.hpp"

#include <algorithm>
#include <iterator>

namespace acw::call {
namespace {

constexpr std::string_view kInputNames[] = {
#define ACW_INPUT_KIND_NAME(kind, name) name,
    ACW_INPUT_KINDS(ACW_INPUT_KIND_NAME)
#undef ACW_INPUT_KIND_NAME
};
static_assert(std::size(kInputNames) == kInputKindCount);

}  // namespace

std::string_view input_kind_name(InputKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < std::size(kInputNames) ? kInputNames[i] : "?";
}

std::optional<InputKind> input_kind_from_name(std::string_view name) {
  const auto* found = std::find(std::begin(kInputNames), std::end(kInputNames), name);
  if (found == std::end(kInputNames)) return std::nullopt;
  return static_cast<InputKind>(found - std::begin(kInputNames));
}

}  // namespace acw::call
