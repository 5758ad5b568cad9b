package io.weakpair.progress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a long command ({@code train}, {@code index}): the first one
 * asks the command to finish its current unit of work, make it durable and stop; the previous
 * handlers are then put back, so a second signal ends the process at once. Where the platform refuses a handler (a JVM run with -Xrs), that signal keeps its
 * default and the command relies on what it has already made durable.
 */
public final class StopSignal implements AutoCloseable {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private final String what;
    private volatile String name;

    private StopSignal(String what) {
        this.what = what;
    }

    /** @param what what the command does now, for the message ("finishing this step, then saving a checkpoint") */
    public static StopSignal install(String what) {
        StopSignal s = new StopSignal(what);
        for (String n : new String[] {"INT", "TERM"}) {
            try {
                Signal sig = new Signal(n);
                SignalHandler old = Signal.handle(sig, s::onSignal);
                s.signals.add(sig);
                s.previous.add(old);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // not available here: the signal ends the process as it would any program
            }
        }
        return s;
    }

    private void onSignal(Signal s) {
        if (requested.compareAndSet(false, true)) {
            name = "SIG" + s.getName();
            System.err.println("\nweakpair: " + name + ": " + what + " (again to stop at once)");
            restore();
        }
    }

    public boolean requested() {
        return requested.get();
    }

    public String signalName() {
        return name;
    }

    private synchronized void restore() {
        for (int i = 0; i < signals.size(); i++) {
            try {
                Signal.handle(signals.get(i), previous.get(i));
            } catch (IllegalArgumentException ignored) {
                // the previous handler could not be put back; nothing else to do
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
