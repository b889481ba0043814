// siprintf for embind's __getTypeName, which formats a type's address with "%p": without this the
// core module links printf for that one call (2.6 KB of the .wasm's gzip size).
#include <cstdarg>
#include <cstdint>
#include <cstdlib>
#include <cstring>

// Linked with -Wl,--wrap=siprintf (bindings/CMakeLists.txt), so every siprintf call in the module
// comes here: clang turns an sprintf with no floating-point argument into siprintf. Only "%p" is
// written (as musl writes it: "0x" and eight hex digits); any other format traps rather than
// print something wrong, so a new caller is found by the tests at once.
extern "C" int __wrap_siprintf(char* out, const char* format, ...) {
  if (std::strcmp(format, "%p") != 0) std::abort();
  va_list args;
  va_start(args, format);
  auto value = reinterpret_cast<uintptr_t>(va_arg(args, void*));
  va_end(args);
  char* end = out;
  if (value != 0) {
    *end++ = '0';
    *end++ = 'x';
  }
  for (int shift = 4 * (2 * sizeof(void*) - 1); shift >= 0; shift -= 4) {
    *end++ = "0123456789abcdef"[(value >> shift) & 0xf];
  }
  *end = '\0';
  return static_cast<int>(end - out);
}
