package io.weakpair.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.testing.ChildJvm;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The cleaner behind tensors no scope owns: it releases a dropped handle's one reference, so
 * a view that shares the storage keeps it; a handle closed by hand is never released again;
 * scope-owned tensors never reach it; the leak trace names where a leaked tensor was made.
 */
class UnownedTensorsTest {
    private static final long WAIT_MS = 20_000;

    @Test
    void aDroppedBaseLeavesItsViewReadableAndTheViewFreesTheStorage() {
        Tensor view = viewOfDroppedBase();
        Storage storage = view.storage();
        assertTrue(storage.isLive());
        collectUntil(storage::isExclusive, "the cleaner released the dropped base's reference");
        assertTrue(storage.isLive(), "the view's reference keeps the storage");
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, view.toFloatArray());
        view.close();
        assertFalse(storage.isLive(), "closing the last handle frees the storage");
    }

    @Test
    void aHandleClosedByHandIsNeverReleasedAgain() {
        WeakReference<?>[] baseRef = new WeakReference[1];
        Tensor view = closedBaseAndItsView(baseRef);
        Storage storage = view.storage();
        collectUntil(() -> baseRef[0].refersTo(null), "the closed base was collected");
        // Give the cleaner time to (wrongly) run for the closed base; it must not drop the view's reference.
        collectUntil(() -> true, "");
        assertTrue(storage.isLive() && storage.isExclusive(), "only the view's reference is left, once");
        view.close();
        assertFalse(storage.isLive());
    }

    @Test
    void scopeOwnedTensorsAreNotHandedToTheCleaner() {
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.zeros(DType.F32, 3);
            Tensor kept = Tensor.zeros(DType.F32, 3);
            assertFalse(t.hasCleaner());
            Scope.detach(kept);
            assertTrue(kept.hasCleaner(), "a detached tensor has the cleaner as its safety net");
            kept.close();
        }
        Tensor free = Tensor.zeros(DType.F32, 3);
        assertTrue(free.hasCleaner());
        free.close();
        assertFalse(free.hasCleaner());
    }

    @Test
    void leakTraceReportsWhereALeakedTensorWasCreated() throws IOException, InterruptedException {
        String out = ChildJvm.run(LeakingProgram.class, "-Xmx64m", "-Dweakpair.leakTrace=true");
        // The description is taken at creation, before any name is set.
        assertTrue(out.contains("weakpair: freed tensor F32[2, 3]@cpu that was never closed"), out);
        assertTrue(out.contains("LeakingProgram.leakOneTensor"), "the report names the creating method:\n" + out);
        assertFalse(out.contains("closeOneTensor"), "a closed tensor is not reported:\n" + out);
    }

    /** The child of the leak trace test: leaks one tensor, closes another, waits for the cleaner. */
    public static final class LeakingProgram {
        public static void main(String[] args) {
            ChildJvm.exitWith(LeakingProgram::leakAndWait);
        }

        private static void leakAndWait() throws InterruptedException {
            closeOneTensor();
            leakOneTensor();
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (UnownedTensors.collectedHandles() == 0 && System.currentTimeMillis() < deadline) {
                System.gc();
                Thread.sleep(10);
            }
            Thread.sleep(100); // the report is printed after the count is raised
            assertEquals(1, UnownedTensors.collectedHandles(), "the leaked tensor, and only it, was collected");
        }

        private static void leakOneTensor() {
            Tensor.zeros(DType.F32, 2, 3);
        }

        private static void closeOneTensor() {
            Tensor.zeros(DType.F32, 2, 3).close();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A view of a base tensor that nothing refers to once this returns. */
    private static Tensor viewOfDroppedBase() {
        Tensor base = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        return base.viewAs(3, 2);
    }

    private static Tensor closedBaseAndItsView(WeakReference<?>[] baseRef) {
        Tensor base = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor view = base.viewAs(6);
        base.close();
        baseRef[0] = new WeakReference<>(base);
        return view;
    }

    /** Collects until {@code done} holds (at least a few rounds), failing after a generous wait. */
    private static void collectUntil(BooleanSupplier done, String what) {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        for (int round = 0; ; round++) {
            if (round >= 3 && done.getAsBoolean()) return;
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting until " + what);
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
