package io.seqstream.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The failover figures from what the reader got (per output: partition, receive time, input timestamp), the feed's
 * counts and the group coordinator's ownership answers. A phase runs from one kill to the next kill (or to the end
 * of the feed). A partition "did not move" in a phase when every ownership answer from 2 s before the kill to the
 * phase's end names the same surviving instance; its pause is the longest time between two consecutive committed
 * outputs of that partition that overlaps the phase, as the read_committed reader saw them.
 */
final class FailoverAnalysis {
    /** One kill: the victim, when it was killed and started again, and its process (for the "running" time). */
    record Kill(String victim, long killMs, int exitStatus, long restartMs, InstanceProcess process) {
    }

    private static final long SETTLE_BEFORE_KILL_MS = 2000;

    private final CommittedOutputLog log;
    private final PacedFeed feed;
    private final List<GroupOwnership.Snapshot> snapshots;
    private final long t0;
    private final long stopMs;
    private final long endMs;
    /** Per output partition: the receive times of its outputs, in order. */
    private final Map<Integer, long[]> received = new TreeMap<>();

    FailoverAnalysis(CommittedOutputLog log, PacedFeed feed, List<GroupOwnership.Snapshot> snapshots, long t0, long stopMs, long endMs) {
        this.log = log;
        this.feed = feed;
        this.snapshots = snapshots;
        this.t0 = t0;
        this.stopMs = stopMs;
        this.endMs = endMs;
        Map<Integer, Integer> counts = new TreeMap<>();
        for (int i = 0; i < log.size(); i++) counts.merge(log.partitionAt(i), 1, Integer::sum);
        Map<Integer, Integer> filled = new TreeMap<>();
        counts.forEach((p, n) -> received.put(p, new long[n]));
        for (int i = 0; i < log.size(); i++) {
            int p = log.partitionAt(i);
            int k = filled.merge(p, 1, Integer::sum) - 1;
            received.get(p)[k] = log.receivedAt(i);
        }
        // The reader appends in poll order, already per partition in order; sorting guards against a clock step.
        received.values().forEach(Arrays::sort);
    }

    Map<String, Object> report(List<Kill> kills) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tokensSent", feed.sent());
        r.put("tokensAcknowledged", feed.ackedTotal());
        r.put("sendFailures", feed.failed());
        r.put("outputsRead", log.size());
        r.put("exactlyOnce", exactlyOnce());
        r.put("worstDelayMs", worstDelay(t0, endMs));
        long firstKill = kills.isEmpty() ? stopMs : kills.get(0).killMs();
        Map<String, Object> warm = new LinkedHashMap<>();
        warm.put("worstDelayMs", worstDelay(t0, firstKill));
        warm.put("longestPause", longestPause(received.keySet(), t0 + 5000, firstKill));
        r.put("beforeFirstKill", warm);
        List<Map<String, Object>> phases = new ArrayList<>();
        for (int k = 0; k < kills.size(); k++) {
            long end = k + 1 < kills.size() ? kills.get(k + 1).killMs() : stopMs;
            phases.add(phase(kills.get(k), end));
        }
        r.put("kills", phases);
        r.put("timeline", timeline());
        return r;
    }

    private Map<String, Object> exactlyOnce() {
        Map<String, Object> m = new LinkedHashMap<>();
        long missing = log.missing();
        long duplicates = log.duplicates();
        long beyond = log.beyondInput();
        m.put("ok", missing == 0 && duplicates == 0 && beyond == 0 && log.unknownStreams() == 0);
        m.put("missing", missing);
        m.put("duplicates", duplicates);
        m.put("outputsWithoutInput", beyond);
        m.put("unknownStreams", log.unknownStreams());
        m.put("outputPartitionDiffersFromInput", log.partitionMismatches());
        return m;
    }

    private Map<String, Object> phase(Kill kill, long end) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("victim", kill.victim());
        m.put("exitStatus", kill.exitStatus());
        m.put("killAtS", rel(kill.killMs()));
        m.put("restartAtS", rel(kill.restartMs()));
        m.put("phaseEndS", rel(end));
        Map<Integer, String> atKill = ownersAt(kill.killMs());
        Set<Integer> moved = new TreeSet<>(FailoverBench.partitionsOf(atKill, kill.victim()));
        m.put("ownersAtKill", atKill);
        m.put("ownersAtPhaseEnd", ownersAt(end));
        m.put("worstDelayMs", worstDelay(kill.killMs(), end));
        m.put("killedPartitions", moved);
        m.put("longestPauseOfKilledPartitions", longestPause(moved, kill.killMs(), end));
        Map<Integer, String> unmoved = unmoved(kill.killMs() - SETTLE_BEFORE_KILL_MS, end, kill.victim());
        m.put("unmovedPartitions", unmoved);
        m.put("longestPauseOfUnmovedPartitions", longestPause(unmoved.keySet(), kill.killMs(), end));
        m.put("restart", restart(kill, end));
        return m;
    }

    /** Start of the JVM to: "seqstream is running", the coordinator giving it partitions, and their first output. */
    private Map<String, Object> restart(Kill kill, long end) {
        Map<String, Object> m = new LinkedHashMap<>();
        long ready = kill.process().readyMs();
        m.put("toRunningS", ready >= kill.restartMs() ? (ready - kill.restartMs()) / 1000.0 : null);
        // The dead member may still hold its partitions when the new JVM starts: wait for a new member id.
        String dead = snapshotAt(kill.killMs()).members().get(kill.victim());
        GroupOwnership.Snapshot assigned = null;
        for (GroupOwnership.Snapshot s : snapshots) {
            String member = s.members().get(kill.victim());
            if (s.timeMs() >= kill.restartMs() && member != null && !member.equals(dead) && s.owners().containsValue(kill.victim())) {
                assigned = s;
                break;
            }
        }
        if (assigned == null) {
            m.put("toAssignedS", null);
            m.put("toFirstOutputS", null);
            return m;
        }
        List<Integer> ps = FailoverBench.partitionsOf(assigned.owners(), kill.victim());
        m.put("partitions", ps);
        m.put("toAssignedS", (assigned.timeMs() - kill.restartMs()) / 1000.0);
        long first = Long.MAX_VALUE;
        for (int p : ps) {
            for (long t : received.getOrDefault(p, new long[0])) {
                if (t > assigned.timeMs()) {
                    first = Math.min(first, t);
                    break;
                }
            }
        }
        m.put("toFirstOutputS", first == Long.MAX_VALUE ? null : (first - kill.restartMs()) / 1000.0);
        return m;
    }

    /** Partitions owned by one and the same instance (not the victim) in every answer over [from, to]. */
    private Map<Integer, String> unmoved(long from, long to, String victim) {
        Map<Integer, String> owner = new TreeMap<>(ownersAt(from));
        owner.values().removeIf(victim::equals);
        for (GroupOwnership.Snapshot s : snapshots) {
            if (s.timeMs() < from || s.timeMs() > to) continue;
            owner.entrySet().removeIf(e -> !e.getValue().equals(s.owners().get(e.getKey())));
        }
        return owner;
    }

    /** The owners in the last answer at or before t (the first one if none was before). */
    private Map<Integer, String> ownersAt(long t) {
        return snapshotAt(t).owners();
    }

    private GroupOwnership.Snapshot snapshotAt(long t) {
        GroupOwnership.Snapshot at = snapshots.isEmpty() ? new GroupOwnership.Snapshot(t, Map.of(), Map.of()) : snapshots.get(0);
        for (GroupOwnership.Snapshot s : snapshots) {
            if (s.timeMs() > t) break;
            at = s;
        }
        return at;
    }

    /**
     * The longest gap between consecutive outputs of these partitions that overlaps [from, to] and began more than a
     * second before {@code to}: a gap that begins right at the next kill is that kill's, not this phase's.
     */
    private Map<String, Object> longestPause(Set<Integer> partitions, long from, long to) {
        long lastStart = to == endMs ? to : to - 1000;
        long best = -1;
        int bestPartition = -1;
        long bestStart = 0;
        for (int p : partitions) {
            long[] ts = received.getOrDefault(p, new long[0]);
            // No output before the window: the silence counts from the window's start (t0 at the earliest).
            long prev = ts.length == 0 || ts[0] > from ? Math.max(from, t0) : -1;
            for (long t : ts) {
                if (prev >= 0 && t > from && prev < lastStart && t - prev > best) {
                    best = t - prev;
                    bestPartition = p;
                    bestStart = prev;
                }
                prev = t;
            }
            // Nothing after the last output: the pause lasts until the reader stopped.
            if (prev >= 0 && prev < lastStart && endMs - prev > best) {
                best = endMs - prev;
                bestPartition = p;
                bestStart = prev;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ms", best < 0 ? null : best);
        m.put("partition", best < 0 ? null : bestPartition);
        m.put("fromS", best < 0 ? null : rel(bestStart));
        return m;
    }

    /** Largest (receive time - input timestamp) over outputs received in [from, to). */
    private long worstDelay(long from, long to) {
        long worst = 0;
        for (int i = 0; i < log.size(); i++) {
            long t = log.receivedAt(i);
            if (t >= from && t < to && log.tsAt(i) > 0) worst = Math.max(worst, t - log.tsAt(i));
        }
        return worst;
    }

    /** Per second of the run: tokens sent, outputs read and the worst delay among them. */
    private List<Map<String, Object>> timeline() {
        int seconds = (int) ((endMs - t0) / 1000) + 1;
        long[] out = new long[seconds];
        long[] worst = new long[seconds];
        for (int i = 0; i < log.size(); i++) {
            int s = (int) ((log.receivedAt(i) - t0) / 1000);
            if (s < 0 || s >= seconds) continue;
            out[s]++;
            if (log.tsAt(i) > 0) worst[s] = Math.max(worst[s], log.receivedAt(i) - log.tsAt(i));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("second", s);
            m.put("in", feed.sentInSecond(s));
            m.put("out", out[s]);
            m.put("maxDelayMs", worst[s]);
            rows.add(m);
        }
        return rows;
    }

    private double rel(long ms) {
        return Math.round((ms - t0) / 100.0) / 10.0;
    }
}
