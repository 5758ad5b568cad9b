package io.weakpair.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during training: the first one asks the loop to finish its step,
 * save a checkpoint and stop; the handlers are then given back, so a second one stops the
 * process at once. While installed, nothing else in the JVM sees these signals.
 */
final class StopRequest implements AutoCloseable {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String signalName;

    /** Installs the handlers; where the platform refuses one (e.g. a JVM started with -Xrs), that signal keeps its default. */
    static StopRequest install() {
        StopRequest r = new StopRequest();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal s = new Signal(name);
                SignalHandler old = Signal.handle(s, r::onSignal);
                r.signals.add(s);
                r.previous.add(old);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // not available here: Ctrl-C then ends the run as it would any program
            }
        }
        return r;
    }

    private void onSignal(Signal s) {
        if (requested.compareAndSet(false, true)) {
            signalName = "SIG" + s.getName();
            System.err.println("\nweakpair: " + signalName
                    + ": finishing this step, then saving a checkpoint (again to stop at once)");
            restore();
        }
    }

    boolean requested() {
        return requested.get();
    }

    String signalName() {
        return signalName;
    }

    private synchronized void restore() {
        for (int i = 0; i < signals.size(); i++) {
            try {
                Signal.handle(signals.get(i), previous.get(i));
            } catch (IllegalArgumentException ignored) {
                // the default could not be reinstalled; nothing else to do
            }
        }
        signals.clear();
        previous.clear();
    }

    @Override
    public void close() {
        restore();
    }
}
