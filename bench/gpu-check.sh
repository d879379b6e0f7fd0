#!/bin/sh
# The GPU check, on a host with an NVIDIA GPU, its driver and CUDA 12 or 13 libraries (cuBLAS, NVRTC), and no Java or
# network: it runs from target/gpu-bundle (made by bench/gpu-pack.sh and carried with the tree) and builds nothing.
#   1. the device: nvidia-smi's name, memory, driver and compute capability
#   2. parity (bench parity --backend cuda): loss, every gradient and the carried state against the kernels for RNN, GRU, LSTM
#      (up to H 512) on the same batches; fails outside 1e-4 relative
#   3. backends (bench backends): echo (GRU 64) to 99.5 % and LSTM 512 on Tiny Shakespeare, kernels and cuda
# Writes parity.json, backends.json, device.txt and check.log to $OUT (default target/bench/gpu). Exit 0 when every
# step passed. SEQSTREAM_CUDA_LIBS may name the directories of libcublas/libnvrtc when the search below misses them.
set -u
here=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
bundle="$here/target/gpu-bundle"
out=${OUT:-$here/target/bench/gpu}
mkdir -p "$out"
log="$out/check.log"
: > "$log"
say() { echo "$*" | tee -a "$log"; }
[ -x "$bundle/java/bin/java" ] || { say "gpu-check: no $bundle/java: run bench/gpu-pack.sh on a machine with a JDK first"; exit 2; }
say "gpu-check: bundle of commit $(cat "$bundle/commit" 2>/dev/null || echo unknown)"
# The packed runtime is the development machine's OpenJDK 17 (Debian 12): it needs glibc 2.34 or newer.
glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
case "$glibc" in
  2.[0-9]|2.[12][0-9]|2.3[0-3]) say "gpu-check: glibc $glibc is older than the 2.34 the packed Java runtime needs"; exit 2 ;;
esac

# 1. The device.
if command -v nvidia-smi > /dev/null 2>&1; then
  nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv > "$out/device.txt" 2>&1 || true
  nvidia-smi >> "$out/device.txt" 2>&1 || true
  head -n 2 "$out/device.txt" | tee -a "$log"
else
  say "gpu-check: no nvidia-smi on this host"
fi

# The CUDA libraries: the loader's path first, then the toolkit's usual places and the nvidia-* wheels PyTorch brings.
dirs=""
add_dir() { case ":$dirs:" in *":$1:"*) ;; *) dirs="${dirs:+$dirs:}$1" ;; esac; }
roots="/usr/local /usr/lib/x86_64-linux-gnu /opt"
py=$(command -v python3 || true)
if [ -n "$py" ]; then
  roots="$roots $("$py" -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null || true)"
fi
for lib in 'libcublas.so.1[23]' 'libnvrtc.so.1[23]'; do
  for f in $(find $roots -maxdepth 6 -name "$lib" 2>/dev/null | sort -r); do add_dir "$(dirname "$f")"; done
done
if [ -n "$dirs" ]; then
  export SEQSTREAM_CUDA_LIBS="${SEQSTREAM_CUDA_LIBS:+$SEQSTREAM_CUDA_LIBS:}$dirs"
  # NVRTC opens its builtins library by name: its directory must be on the loader's path too.
  export LD_LIBRARY_PATH="$SEQSTREAM_CUDA_LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
say "gpu-check: CUDA library directories: ${SEQSTREAM_CUDA_LIBS:-none found (the loader's own path only)}"

java() {
  "$bundle/java/bin/java" -Xmx16g --add-modules=jdk.incubator.vector,jdk.incubator.foreign \
    --enable-native-access=ALL-UNNAMED -cp "$bundle/lib/*" io.seqstream.bench.GpuCheck "$@"
}
status=0

# 2. Parity on the GPU.
say "gpu-check: parity (cuda against the kernels)"
java parity cuda "$out/parity.json" 2>&1 | tee -a "$log"
grep -q '"allWithinBar" : true' "$out/parity.json" 2>/dev/null || status=1

# 3. The backends side by side.
say "gpu-check: bench backends"
java backends kernels,cuda "$bundle/data/input.txt.gz" "$out/backends.json" ${GPU_CHECK_LARGE_STEPS:-10} 2>&1 | tee -a "$log"
grep -q '"backend" : "cuda"' "$out/backends.json" 2>/dev/null && ! grep -q '"available" : false' "$out/backends.json" || status=1

say "gpu-check: $( [ $status -eq 0 ] && echo passed || echo FAILED ) (files in $out)"
exit $status
