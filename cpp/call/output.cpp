// Names of the engine's output kinds, for logs and journals.
#include "call/output.hpp"

#include <iterator>

namespace acw::call {
namespace {

constexpr std::string_view kOutputNames[] = {
#define ACW_OUTPUT_KIND_NAME(kind, name) name,
    ACW_OUTPUT_KINDS(ACW_OUTPUT_KIND_NAME)
#undef ACW_OUTPUT_KIND_NAME
};
static_assert(std::size(kOutputNames) == kOutputKindCount);

}  // namespace

std::string_view output_kind_name(OutputKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < std::size(kOutputNames) ? kOutputNames[i] : "?";
}

}  // namespace acw::call
