#!/bin/sh
# Packs what bench/gpu-check.sh needs on a GPU host that has no Java and no network: a jlink'ed Java 17 runtime with
# only the modules the check uses, the seqstream jar and the three Jackson jars its JSON needs (the check's own entry
# point, io.seqstream.bench.GpuCheck, loads nothing of the command line's Kafka and Vert.x), and Tiny Shakespeare.
# Run from the repository root on a development machine (Java 17 JDK with jmods, warm Maven cache):
#   bench/gpu-pack.sh            -> target/gpu-bundle (about 41 MB; carry it to the GPU host with the tree)
# Nothing CUDA is packed: the GPU host's own driver, cuBLAS and NVRTC are used (see README, GPU).
set -eu
out=target/gpu-bundle
data=${SEQSTREAM_SHAKESPEARE:-../shared/data/tinyshakespeare/input.txt.gz}
mvn -B -o -q -DskipTests package
rm -rf "$out"
mkdir -p "$out/lib" "$out/data"
cp target/seqstream.jar "$out/lib/"
for j in jackson-annotations jackson-core jackson-databind; do
  found=$(ls target/lib/"$j"-[0-9]*.jar 2>/dev/null | head -n 1)
  [ -n "$found" ] || { echo "gpu-pack: $j is missing from target/lib" >&2; exit 1; }
  cp "$found" "$out/lib/"
done
cp "$data" "$out/data/input.txt.gz"
# java.management: the benchmarks record the load average. The two incubator modules: the kernels' Vector API and the
# foreign linker that binds the CUDA libraries.
jlink --add-modules java.base,java.management,jdk.incubator.foreign,jdk.incubator.vector \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/java"
git rev-parse HEAD > "$out/commit" 2>/dev/null || true
# The check itself runs on the runtime it packed: a missing class shows up here, not on the GPU host.
"$out/java/bin/java" --add-modules=jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED \
  -cp "$out/lib/*" io.seqstream.bench.GpuCheck parity cpu-device target/bench/parity-cpu-device.json > /dev/null
for d in "$out" "$out/java" "$out/lib" "$out/data"; do du -sh "$d"; done
