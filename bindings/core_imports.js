// For em++'s link of the signalling core only: the embind registrations the core imports, declared
// so that the link resolves them. The glue that implements them and ships is bindings/core_glue.mjs;
// em++'s own generated glue is not used (bindings/CMakeLists.txt).
/* global mergeInto, LibraryManager */ // em++'s JS-library globals
mergeInto(LibraryManager.library, {
  _embind_register_function: function() {},
  _embind_register_float: function() {},
  _embind_register_std_string: function() {},
});
