#!/usr/bin/env bash
# Fetches Debian's opus 1.3.1 source package, checks it, and builds libopus.a for WebAssembly into .deps/opus-wasm.
#
# Idempotent: a stamp file holding the build configuration makes a re-run instant; a change of
# flags below rebuilds. Needs dpkg-dev, emscripten and node-acorn (toolchain set-up installs them).
# Environment: ACW_DEPS (default: <repo>/.deps), ACW_OPUS_CFLAGS (override the optimisation flags).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps="${ACW_DEPS:-$root/.deps}"
src_dir="$deps/opus-src"
prefix="$deps/opus-wasm"

opus_version="1.3.1"
# Debian's orig tarball is upstream's release tarball; pinned so a changed mirror copy is refused.
orig_tarball="opus_${opus_version}.orig.tar.gz"
orig_sha256="65b58e1e25b2a114157014736a3d9dfeaad8d41be1c8179866f144a2fb44ff9d"

# -O3 for speed (the codec is the hot path of the media module); -flto leaves bitcode so the
# final link can inline across libopus and our wrapper. SIMD: libopus 1.3.1 has no wasm SIMD
# code, and clang's auto-vectoriser leaves its float reductions alone (they need reassociation),
# so -msimd128 alone gained 0-9% (docs/PERFORMANCE.md). What gains more is libopus's own x86
# SSE/SSE2/SSE4.1 intrinsics (xcorr, inner products, PVQ search, SILK's NSQ and VAD), which
# Emscripten translates to wasm SIMD (-msse4.1 with -msimd128). So configure is told the host is
# x86 with intrinsics, which with --disable-rtcd makes it presume SSE4.1 (OPUS_X86_PRESUME_*) and
# build the x86 sources; nothing else in the build depends on the host (no assembly, and a
# cross-compiling configure runs no test program). Every browser that runs wasm SIMD (Chrome 91,
# Firefox 89, Safari 16.4) and Node >= 16.4 runs the result.
opus_cflags="${ACW_OPUS_CFLAGS:--O3 -msimd128 -msse4.1 -flto -DNDEBUG}"
configure_flags=(
  --host=i686-pc-linux-gnu # cross-compiling: configure runs no test program under Node; x86: SSE sources
  --disable-shared
  --disable-asm
  --disable-rtcd
  --enable-intrinsics
  --disable-doc
  --disable-extra-programs
  --disable-stack-protector
  --prefix="$prefix"
)
stamp="$prefix/.acw-opus-stamp"
stamp_text="opus $opus_version sha256 $orig_sha256 cflags $opus_cflags configure ${configure_flags[*]}"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$stamp_text" && -f "$prefix/lib/libopus.a" ]]; then
  echo "opus.sh: libopus $opus_version for wasm is up to date in $prefix"
  exit 0
fi

log() { echo "opus.sh: $*"; }
die() {
  echo "opus.sh: error: $*" >&2
  exit 1
}

for tool in apt-get dpkg-source emconfigure emmake sha256sum; do
  command -v "$tool" >/dev/null || die "missing $tool (install dpkg-dev and emscripten)"
done
# Debian's Emscripten needs Debian's acorn, which this Node does not search by itself.
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"

# True when apt already knows some deb-src entry (legacy one-line or deb822 form).
have_deb_src() {
  grep -Eqs '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list && return 0
  grep -Eqs '^[[:space:]]*Types:.*\bdeb-src\b' /etc/apt/sources.list.d/*.sources && return 0
  return 1
}

# Writes a deb-src twin of the system's own Debian entries; the mirror comes from the machine's
# configuration, never from this repository.
add_deb_src() {
  local out822=/etc/apt/sources.list.d/acw-deb-src.sources
  local outlist=/etc/apt/sources.list.d/acw-deb-src.list
  local f text=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" && "$f" != "$out822" ]] || continue
    # One deb822 stanza at a time: keep enabled binary Debian stanzas, retyped as deb-src.
    text+="$(awk '
      function flush() {
        if (is_deb && is_debian && enabled) printf "%s\n", stanza
        stanza = ""; is_deb = 0; is_debian = 0; enabled = 1
      }
      BEGIN { enabled = 1 }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]*Types:/ {
        n = split($0, word, /[ \t]+/)
        for (i = 1; i <= n; i++) if (word[i] == "deb") is_deb = 1
        stanza = stanza "Types: deb-src\n"; next
      }
      /^[ \t]*URIs:/ && /debian/ { is_debian = 1 }
      /^[ \t]*Enabled:[ \t]*no/ { enabled = 0 }
      { stanza = stanza $0 "\n" }
      END { flush() }' "$f")"$'\n'
  done
  if [[ -n "${text//[[:space:]]/}" ]]; then
    printf '# Written by toolchain/opus.sh: source twins of this machine'"'"'s Debian entries.\n\n%s' "$text" >"$out822"
    log "added $out822"
    return 0
  fi
  if [[ -f /etc/apt/sources.list ]]; then
    text="$(sed -nE 's/^[[:space:]]*deb[[:space:]]+(.*debian.*)$/deb-src \1/p' /etc/apt/sources.list)"
    if [[ -n "$text" ]]; then
      printf '# Written by toolchain/opus.sh: source twins of this machine'"'"'s Debian entries.\n%s\n' "$text" >"$outlist"
      log "added $outlist"
      return 0
    fi
  fi
  die "found no Debian entry in /etc/apt/sources.list{,.d} to derive a deb-src entry from"
}

mkdir -p "$src_dir"
if ! ls "$src_dir"/opus_"$opus_version"-*.dsc >/dev/null 2>&1; then
  if ! have_deb_src; then
    [[ "$(id -u)" == 0 ]] || die "no deb-src entry and not root: run as root once"
    add_deb_src
    apt-get update -qq
  fi
  log "downloading Debian's opus source package into $src_dir"
  (cd "$src_dir" && apt-get source --download-only -qq opus >"$src_dir/apt-get-source.log" 2>&1) || {
    cat "$src_dir/apt-get-source.log" >&2
    die "apt-get source opus failed"
  }
fi

dsc="$(ls "$src_dir"/opus_"$opus_version"-*.dsc 2>/dev/null | sort | tail -n 1)"
[[ -n "$dsc" ]] || die "apt-get source did not give opus_$opus_version-*.dsc"
[[ -f "$src_dir/$orig_tarball" ]] || die "missing $orig_tarball next to $dsc"
echo "$orig_sha256  $src_dir/$orig_tarball" | sha256sum --check --quiet - ||
  die "$orig_tarball does not match the pinned sha256"

tree="$src_dir/opus-$opus_version"
rm -rf "$tree"
# apt-get checked the files against the archive's signed Sources index; dpkg-source checks them
# again against the .dsc's checksums before it unpacks (its warning about the maintainer's
# signature, for want of debian-keyring, is kept in the log).
(cd "$src_dir" && dpkg-source --no-copy -x "$(basename "$dsc")" "opus-$opus_version" >dpkg-source.log 2>&1) || {
  cat "$src_dir/dpkg-source.log" >&2
  die "dpkg-source -x failed"
}

log "configuring for wasm (CFLAGS=$opus_cflags)"
build="$deps/opus-build"
rm -rf "$build" "$prefix"
mkdir -p "$build"
cd "$build"
emconfigure "$tree/configure" "${configure_flags[@]}" CFLAGS="$opus_cflags" >configure.log 2>&1 ||
  {
    tail -n 30 configure.log >&2
    die "configure failed (log: $build/configure.log)"
  }
# The SSE paths are the point of the x86 host (see opus_cflags): refuse a build without them.
if [[ "$opus_cflags" == *-msse4.1* ]] && ! grep -q '^#define OPUS_X86_PRESUME_SSE4_1 1' config.h; then
  die "configure did not presume SSE4.1 (log: $build/configure.log)"
fi
log "building"
emmake make -j2 install >make.log 2>&1 || {
  tail -n 30 make.log >&2
  die "make failed (log: $build/make.log)"
}
[[ -f "$prefix/lib/libopus.a" && -f "$prefix/include/opus/opus.h" ]] || die "install did not give libopus.a"
echo "$stamp_text" >"$stamp"
log "libopus $opus_version for wasm installed in $prefix"
