package io.seqstream.train.online;

import io.seqstream.model.Parameters;
import io.seqstream.train.TaskTrainer;

/** Trains on a synthetic task's generator through its curriculum; held-out sets are generated from a separate seed. */
public final class CurriculumLearner implements OnlineLearner {
    private final TaskTrainer.Session session;
    private final String task;

    public CurriculumLearner(TaskTrainer.Session session, String task) {
        this.session = session;
        this.task = task;
    }

    @Override
    public String describe() {
        return "curriculum of task " + task + " (level " + session.curriculum().current() + " of "
                + session.curriculum().topLevel() + "), gradients on " + session.backend().device();
    }

    @Override
    public TaskTrainer.StepOutcome step() { return session.step(); }

    @Override
    public boolean judgeLevel() {
        int before = session.curriculum().current();
        session.evaluate();
        return session.curriculum().current() != before;
    }

    @Override
    public int level() { return session.curriculum().current(); }

    /** Judged on the top level: the task users see, whatever level training has reached. */
    @Override
    public Evaluation evaluate() {
        TaskTrainer.HeldOut.Evaluation e = session.evaluate(session.curriculum().topLevel());
        return new Evaluation(e.accuracy(), e.loss(), (int) e.size());
    }

    @Override
    public Parameters parameters() { return session.parameters(); }

    @Override
    public long steps() { return session.steps(); }

    @Override
    public long examples() { return session.examples(); }

    @Override
    public double learningRate() { return session.optimizer().learningRate(); }

    @Override
    public void poisonNextStep() { session.poisonNextStep(); }

    @Override
    public void close() { session.close(); }
}
