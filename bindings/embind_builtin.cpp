// Our stand-in for Emscripten's libembind (system/lib/embind/bind.cpp), which holds only two
// functions: __getTypeName, and the constructor that registers every builtin type with the JS side.
// Defining both here keeps bind.cpp out of the link, so that the core module registers only the
// types its bindings use. Upstream's list also has std::wstring/u16string/u32string, 64-bit
// integers, float, emscripten::val and 17 memory views, and each registration pulls its JS
// converters into the glue (with the type names into the .wasm): 1.5 KB of a page's gzip size.
// A binding that uses a type missing here fails at load with an UnboundTypeError (the node tests
// load the module), so nothing is silently wrong.
#include <emscripten/bind.h>
#include <emscripten/em_macros.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace {

using namespace emscripten::internal;

template <typename T>
void register_integer(const char* name) {
  _embind_register_integer(TypeID<T>::get(), name, sizeof(T), std::numeric_limits<T>::min(),
                           std::numeric_limits<T>::max());
}

}  // namespace

extern "C" {

// The name embind prints for a type that was never registered (only in an UnboundTypeError):
// upstream writes its address with sprintf("%p"), which would link printf; this writes the same
// text ("0x" and eight hex digits, as musl does).
EMSCRIPTEN_KEEPALIVE const char* __getTypeName(const void* type) {
  char text[2 + 2 * sizeof(void*) + 1];
  auto value = reinterpret_cast<uintptr_t>(type);
  char* end = text;
  if (value != 0) {
    *end++ = '0';
    *end++ = 'x';
  }
  for (int shift = 4 * (2 * sizeof(void*) - 1); shift >= 0; shift -= 4) {
    *end++ = "0123456789abcdef"[(value >> shift) & 0xf];
  }
  *end++ = '\0';
  auto* copy =
      static_cast<char*>(std::malloc(static_cast<std::size_t>(end - text)));  // JS frees it
  if (copy) std::memcpy(copy, text, static_cast<std::size_t>(end - text));
  return copy;
}

// A global constructor, as upstream's (embind resolves registrations in any order).
__attribute__((constructor)) void __embind_register_native_and_builtin_types() {
  _embind_register_void(TypeID<void>::get(), "void");
  _embind_register_bool(TypeID<bool>::get(), "bool", sizeof(bool), true, false);
  register_integer<int>("int");
  register_integer<unsigned int>("unsigned int");
  register_integer<unsigned long>("unsigned long");  // size_t, uintptr_t
  _embind_register_float(TypeID<double>::get(), "double", sizeof(double));
  _embind_register_std_string(TypeID<std::string>::get(), "std::string");
}

}  // extern "C"
