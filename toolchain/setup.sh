#!/usr/bin/env bash
# One-command set-up: Debian packages, the Opus source, npm packages, native and wasm builds.
# Idempotent: each step is skipped when it is already done, so re-runs take seconds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# 1. Debian packages.
mapfile -t wanted < <(grep -v '^\s*#' toolchain/debian-packages.txt | grep -v '^\s*$')
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "setup: need root to install packages: ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Emscripten's JS optimizer needs Debian's acorn, which this Node does not search by default.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

# 2. The Opus source (Debian's source package), built for wasm.
if [ -x toolchain/opus.sh ]; then
  bash toolchain/opus.sh
fi

# 3. npm packages, re-installed only when package-lock.json changed.
if [ -f package-lock.json ]; then
  stamp=node_modules/.acw-lock-sha256
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
fi

# 4. Builds (Ninja rebuilds only what changed).
configure() {  # dir, then cmake arguments; reconfigures only when the cache is missing
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    say "configure $dir"
    "$@" >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
  fi
}
mkdir -p build
jobs=${ACW_JOBS:-$(nproc)}

configure build/native cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
say "build native (core, tests, benches)"
cmake --build build/native -j "$jobs"

if [ "${ACW_SKIP_SANITIZE:-0}" != 1 ]; then
  configure build/sanitize env CC=clang CXX=clang++ cmake -S . -B build/sanitize -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACW_SANITIZE=ON -DACW_FUZZ=ON -DACW_BENCH=OFF
  say "build ASan+UBSan tests and libFuzzer targets (clang)"
  cmake --build build/sanitize -j "$jobs"
fi

configure build/wasm emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DACW_WASM_OUT="$root/dist"
say "build wasm (em++ $(em++ --version | head -1 | grep -o '[0-9]*\.[0-9]*\.[0-9]*' | head -1))"
cmake --build build/wasm -j "$jobs"
say "build the CommonJS and script-tag formats"
node toolchain/build-formats.mjs
say "done: $(ls dist/*.mjs dist/*.wasm 2>/dev/null | tr '\n' ' ')"
