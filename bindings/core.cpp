// embind surface of the signalling core (the only place with Emscripten headers, with media.cpp).
#include <emscripten/bind.h>

#include <string>

#include "sip/message.hpp"

namespace {

// Proves the toolchain end to end until the engine is bound: the reason phrase of a status.
std::string reason_phrase(int status) { return std::string(acw::sip::reason_phrase(status)); }

}  // namespace

EMSCRIPTEN_BINDINGS(acw_core) { emscripten::function("reasonPhrase", &reason_phrase); }
