// Our stand-in for Emscripten's libembind (system/lib/embind/bind.cpp), whose constructor registers
// every builtin type with the JS side: this one registers only the types the core's bindings use
// (bindings/core.cpp passes every number as a double). Upstream's list also has void, bool, the
// integers, std::wstring/u16string/u32string, float, emscripten::val and 17 memory views. The JS
// side is our own glue (core_glue.mjs), which implements these registrations and no others: a
// binding that uses a type missing here fails when the module loads (the node tests load it), so
// nothing is silently wrong.
#include <emscripten/bind.h>

#include <string>

extern "C" {

// A global constructor, as upstream's (the glue resolves registrations in any order).
__attribute__((constructor)) void __embind_register_native_and_builtin_types() {
  using namespace emscripten::internal;
  _embind_register_float(TypeID<double>::get(), "double", sizeof(double));
  _embind_register_std_string(TypeID<std::string>::get(), "std::string");
}

}  // extern "C"
