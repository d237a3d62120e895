#!/usr/bin/env bash
# What the tests need from the system, beyond Node: the C toolchain that
# builds the native board (cmake, make, gcc) and Debian's clang with its
# runtime, for libFuzzer; and for the Cortex-M4 board under QEMU
# (boards/mps2), Debian's arm-none-eabi-gcc with newlib-nano and qemu-system-arm; and Debian's
# chromium, the headless browser tests/web.test.ts drives (picobadge web). Installs only what is missing, from Debian's
# packages, when it can (root, apt-get); otherwise says what to install.
# `.ci/run` calls it; on your own machine `npm test` tells you when
# something is missing (README, "Run a badge on your computer").
set -euo pipefail

need=()
command -v cmake >/dev/null || need+=(cmake)
command -v make >/dev/null || need+=(make)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v clang >/dev/null || need+=(clang)
# libFuzzer's runtime ships apart from clang on Debian.
if command -v clang >/dev/null; then
  rt=$(clang -print-resource-dir 2>/dev/null)/lib/linux/libclang_rt.fuzzer-x86_64.a
  [ -e "$rt" ] || need+=("libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev")
else
  need+=(libclang-rt-14-dev)
fi

command -v arm-none-eabi-gcc >/dev/null || need+=(gcc-arm-none-eabi)
# newlib (with newlib-nano) ships apart from the compiler.
if ! command -v arm-none-eabi-gcc >/dev/null || [ ! -e "$(arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard --specs=nano.specs -print-file-name=libc_nano.a 2>/dev/null)" ]; then
  need+=(libnewlib-arm-none-eabi)
fi
command -v qemu-system-arm >/dev/null || need+=(qemu-system-arm)
command -v chromium >/dev/null || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then echo "system tools: all present"; exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing from Debian's packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
  echo "installed: ${need[*]}"
else
  echo "missing: ${need[*]} (Debian/Ubuntu: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
