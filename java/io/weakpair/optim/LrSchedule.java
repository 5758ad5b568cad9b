package io.weakpair.optim;

/** The learning rate for each optimiser step, counted from 0. */
@FunctionalInterface
public interface LrSchedule {
    double lr(long step);

    static LrSchedule constant(double lr) {
        return step -> lr;
    }
}
