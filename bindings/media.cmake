# The media module (Opus, Ogg Opus, RTP, RFC 4733, tones, WAV, resampling) as its own ES module
# and .wasm, so that a page that only signals never downloads a codec. Included by
# bindings/CMakeLists.txt when acw_media exists; libopus.a comes from toolchain/opus.sh.

if(NOT EXISTS "${ACW_OPUS_WASM_PREFIX}/lib/libopus.a")
  message(WARNING "No wasm libopus in ${ACW_OPUS_WASM_PREFIX}: run toolchain/opus.sh first")
endif()

# The codec is the hot path: -O3 rather than the core's -Oz, for our media code as for libopus.
# SIMD matches libopus's build (toolchain/opus.sh: -msimd128 -msse4.1, its SSE intrinsics as wasm
# SIMD), which needs it; wasm SIMD runs in Chrome 91, Firefox 89, Safari 16.4, Node 16.4 and later
# (README "The media module needs WebAssembly SIMD").
option(ACW_WASM_SIMD "Build the media module with wasm SIMD" ON)
set(ACW_MEDIA_OPT -O3)
if(ACW_WASM_SIMD)
  list(APPEND ACW_MEDIA_OPT -msimd128)
endif()
target_compile_options(acw_media PRIVATE ${ACW_MEDIA_OPT})

function(acw_media_module target output export_name)
  add_executable(${target} media.cpp)
  target_link_libraries(${target} PRIVATE acw_media)
  target_compile_options(${target} PRIVATE ${ACW_WARNINGS} -fno-exceptions -fno-rtti ${ACW_MEDIA_OPT})
  # embind names unbound types through RTTI; with -fno-rtti it must be told not to.
  target_compile_definitions(${target} PRIVATE EMSCRIPTEN_HAS_UNBOUND_TYPE_NAMES=0)
  target_link_options(${target} PRIVATE ${ACW_WASM_LINK} ${ACW_MEDIA_OPT} -fno-rtti
    -flto                            # libopus.a is LLVM bitcode (opus.sh builds it with -flto)
    -sEXPORT_NAME=${export_name})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME "${output}" SUFFIX ".mjs"
    RUNTIME_OUTPUT_DIRECTORY "${ACW_WASM_OUT}")
endfunction()

acw_media_module(acw_media_wasm acw-media createMediaModule)

# Decoder-only variant (Opus decoder, Ogg reader, RTP receive side, WAV, resampler): not shipped,
# built on demand to measure what a play-only page would download.
acw_media_module(acw_media_decoder_wasm acw-media-decoder createMediaDecoderModule)
target_compile_definitions(acw_media_decoder_wasm PRIVATE ACW_MEDIA_DECODER_ONLY=1)
set_target_properties(acw_media_decoder_wasm PROPERTIES EXCLUDE_FROM_ALL ON)
