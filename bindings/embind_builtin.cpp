// Our stand-in for Emscripten's libembind (system/lib/embind/bind.cpp), whose constructor registers
// every builtin type with the JS side: this one registers only the types the core's bindings use.
// Upstream's list also has std::wstring/u16string/u32string, 64-bit integers, float,
// emscripten::val and 17 memory views. The JS side is our own glue (core_glue.mjs), which
// implements these registrations and no others: a binding that uses a type missing here fails
// when the module loads (the node tests load it), so nothing is silently wrong.
#include <emscripten/bind.h>

#include <cstdint>
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

// A global constructor, as upstream's (the glue resolves registrations in any order).
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
