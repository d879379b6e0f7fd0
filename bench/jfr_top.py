#!/usr/bin/env python3
"""Top frames of a Java Flight Recorder file, for the processing thread(s) only.

Usage: jfr print --events jdk.ExecutionSample --stack-depth 16 FILE.jfr > samples.txt
       python3 bench/jfr_top.py samples.txt [THREAD_PREFIX (default seqstream-)] [N (default 15)] [SKIP_SECONDS (default 0)]
SKIP_SECONDS leaves out the thread's first seconds (warm-up: the Vector API runs its slow Java fallback until C2 has
compiled the kernels).
Prints the share of samples whose top frame is each method (self) and that have it anywhere on the stack
(inclusive), so a profile before and after a change can be put side by side.
"""
import collections
import re
import sys

path = sys.argv[1]
prefix = sys.argv[2] if len(sys.argv) > 2 else "seqstream-"
n = int(sys.argv[3]) if len(sys.argv) > 3 else 15
skip = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
def seconds(event):
    h, m, s = re.search(r"startTime = (\d+):(\d+):([\d.]+)", event).groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


events = []
for event in open(path).read().split("jdk.ExecutionSample")[1:]:
    thread = re.search(r'sampledThread = "([^"]+)"', event)
    if thread and thread.group(1).startswith(prefix):
        events.append((seconds(event), event))
first = min((t for t, _ in events), default=0.0)
self_count, incl_count, total = collections.Counter(), collections.Counter(), 0
for t, event in events:
    if t - first < skip:
        continue
    frames = re.findall(r"^\s+([\w$.<>]+)\(", event, re.M)
    if not frames:
        continue
    total += 1
    self_count[frames[0]] += 1
    for f in set(frames):
        incl_count[f] += 1
print(f"{total} samples of threads {prefix}*")
print("| self % | method |\n|---|---|")
for f, c in self_count.most_common(n):
    print(f"| {100 * c / total:.1f} | `{f}` |")
print("\n| inclusive % | method |\n|---|---|")
for f, c in incl_count.most_common(4 * n):
    if f.startswith("io.seqstream") or "KafkaProducer.send" in f or "KafkaConsumer.poll" in f:
        print(f"| {100 * c / total:.1f} | `{f}` |")
