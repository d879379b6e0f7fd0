package io.seqstream.cli;

import io.seqstream.train.TaskTrainer;
import io.seqstream.train.task.Task;
import java.util.Locale;

/**
 * Turns a generated-task training's held-out evaluations into progress: how far through the curriculum (levels passed,
 * plus the current level's accuracy towards the threshold), the measured steps per second, and an estimate of the time
 * left from the progress made so far, never beyond what the step and time budgets leave.
 */
final class TrainingProgress {
    /** Below this much progress an estimate of the time left would mostly be noise: none is shown. */
    static final double ESTIMATE_FROM = 0.05;

    private final Task task;
    private final int firstLevel;
    private final int levels;
    private final double threshold;
    private final long maxSteps;
    private final double maxSeconds;
    private final ProgressLine line;

    TrainingProgress(Task task, int firstLevel, int levels, double threshold, long maxSteps, double maxSeconds, ProgressLine line) {
        this.task = task;
        this.firstLevel = firstLevel;
        this.levels = levels;
        this.threshold = threshold;
        this.maxSteps = maxSteps;
        this.maxSeconds = maxSeconds;
        this.line = line;
    }

    void accept(TaskTrainer.Progress p) {
        double fraction = fraction(p);
        double stepsPerSecond = p.seconds() > 0 ? p.step() / p.seconds() : Double.NaN;
        double left = secondsLeft(fraction, p.seconds(), p.step(), stepsPerSecond);
        String time = String.format(Locale.ROOT, "%.0f s", p.seconds())
                + (Double.isNaN(left) ? "" : String.format(Locale.ROOT, ", ~%.0f s left", left));
        String brief = String.format(Locale.ROOT, "level %d/%d  acc %.4f  step %d  %.0f steps/s  %s", p.level() + 1, levels,
                p.heldOutAccuracy(), p.step(), stepsPerSecond, time);
        String full = String.format(Locale.ROOT, "  step %5d  level %d/%d (%s)  held-out accuracy %.4f  loss %.4f  %.0f steps/s  %s",
                p.step(), p.level() + 1, levels, task.describeLevel(p.level()), p.heldOutAccuracy(), p.loss(), stepsPerSecond, time);
        line.update(fraction, brief, full);
    }

    void finish() {
        line.finish();
    }

    /** Levels passed since the first, plus the current one's held-out accuracy as a share of the threshold. */
    double fraction(TaskTrainer.Progress p) {
        double withinLevel = Double.isNaN(p.heldOutAccuracy()) ? 0 : Math.min(1, p.heldOutAccuracy() / threshold);
        return Math.min(1, (p.level() - firstLevel + withinLevel) / (levels - firstLevel));
    }

    /**
     * The time the progress so far says is left (seconds × (1 − f) / f), capped by the step budget at the measured
     * rate and by the time budget; NaN while there is too little progress to tell.
     */
    double secondsLeft(double fraction, double seconds, long step, double stepsPerSecond) {
        if (!(fraction >= ESTIMATE_FROM) || !(seconds > 0)) return Double.NaN;
        double byProgress = seconds * (1 - fraction) / fraction;
        double byStepBudget = stepsPerSecond > 0 ? (maxSteps - step) / stepsPerSecond : Double.POSITIVE_INFINITY;
        return Math.max(0, Math.min(byProgress, Math.min(byStepBudget, maxSeconds - seconds)));
    }
}
