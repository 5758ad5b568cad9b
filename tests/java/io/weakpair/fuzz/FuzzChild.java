package io.weakpair.fuzz;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.EngineFilter.includeEngines;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The child JVM of the fuzz tests: runs the jqwik properties of one class through the JUnit
 * platform launcher and exits 0 when every property held, 1 when one failed. A kernel that reads
 * or writes outside its buffers may kill this process instead (a signal, an hs_err file), which
 * the parent ({@link FuzzLauncher}) reports as a crash; the parent's JVM is never at risk.
 *
 * <p>Arguments: the property class, the tries per property, the jqwik database file.
 */
public final class FuzzChild {
    private FuzzChild() {}

    public static void main(String[] args) throws ClassNotFoundException {
        Class<?> properties = Class.forName(args[0]);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(properties))
                .filters(includeEngines("jqwik"))
                .configurationParameter("jqwik.tries.default", args[1])
                .configurationParameter("jqwik.database", args[2])
                .configurationParameter("jqwik.reporting.onlyfailures", "true")
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printFailuresTo(out, 40);
        summary.printTo(out);
        System.out.flush();
        boolean ok = summary.getTotalFailureCount() == 0 && summary.getTestsSucceededCount() > 0;
        System.exit(ok ? 0 : 1);
    }
}
