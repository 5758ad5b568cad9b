package io.weakpair.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.ops.F;
import io.weakpair.optim.AdamW;
import io.weakpair.optim.GradClip;
import io.weakpair.optim.LrSchedule;
import io.weakpair.optim.WarmupCosine;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.MemoryStats;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.tensor.UnownedTensors;
import io.weakpair.testing.ChildJvm;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import org.junit.jupiter.api.Test;

/**
 * 10,000 training steps of {@link MemoryStabilityTest}'s two blocks with no scope open at all:
 * nothing but the cleaner frees the step's intermediates (backward frees what the nodes
 * saved), so native memory must stay bounded by the cleaner's collection trigger instead of
 * growing with the steps, and everything must be freed once the model is dropped.
 */
class UnscopedMemoryTest {
    private static final int STEPS = 10_000;
    private static final int BATCH = 4, TOKENS = 9, WIDTH = 32;
    /** The trigger asks for a collection at 64 MiB of unowned storage (the model is far smaller); a margin for the cleaner's lag. */
    private static final long LIVE_LIMIT = 160L << 20;

    @Test
    void tenThousandStepsWithoutAScopeKeepNativeMemoryBounded() throws IOException, InterruptedException {
        ChildJvm.run(UnscopedMemoryTest.class, "-Xms256m", "-Xmx256m", "-XX:+UseSerialGC");
    }

    public static void main(String[] args) {
        ChildJvm.exitWith(UnscopedMemoryTest::trainAndCheck);
    }

    static void trainAndCheck() throws InterruptedException {
        assertNull(Scope.current());
        long liveBefore = MemoryStats.liveBytes(Device.Kind.CPU);
        long[] maxLive = new long[2]; // first and second half of the run
        trainLoop(maxLive);
        // The model, the optimiser and every step's tensors are unreachable now; the cleaner frees them all.
        long deadline = System.currentTimeMillis() + 20_000;
        while (MemoryStats.liveBytes(Device.Kind.CPU) != liveBefore && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        System.out.printf(
                "unscoped: peak live %.1f MiB (first half) / %.1f MiB (second half), %d collections requested,"
                        + " %d handles freed by the cleaner%n",
                maxLive[0] / 1048576.0,
                maxLive[1] / 1048576.0,
                UnownedTensors.requestedCollections(),
                UnownedTensors.collectedHandles());
        assertEquals(liveBefore, MemoryStats.liveBytes(Device.Kind.CPU), "everything dropped is freed by the cleaner");
        assertTrue(
                maxLive[0] < LIVE_LIMIT && maxLive[1] < LIVE_LIMIT,
                "live tensor memory bounded by " + (LIVE_LIMIT >> 20) + " MiB: " + Arrays.toString(maxLive));
        assertTrue(
                maxLive[1] <= maxLive[0] + (16L << 20),
                "no growth from the first half to the second: " + Arrays.toString(maxLive));
        assertTrue(UnownedTensors.collectedHandles() > STEPS, "the cleaner freed the steps' intermediates");
    }

    /** The loop, in its own frame so that nothing it made is reachable afterwards. */
    private static void trainLoop(long[] maxLive) {
        LrSchedule schedule = new WarmupCosine(3e-3, 3e-4, 50, STEPS);
        MemoryStabilityTest.Encoder model = new MemoryStabilityTest.Encoder(1);
        Tensor teacher = Tensor.randn(2, 0.5, DType.F32, Device.CPU, WIDTH, WIDTH);
        AdamW opt = AdamW.withDecayExclusions(
                model.namedParameters(), AdamW.Config.defaults().withWeightDecay(0.05), null);
        Collection<Tensor> params = model.namedParameters().values();
        double firstLoss = 0, lastLoss = 0;
        for (int step = 0; step < STEPS; step++) {
            Tensor x = Tensor.randn(1000 + step % 64, 1, DType.F32, Device.CPU, BATCH, TOKENS, WIDTH);
            Tensor target = F.tanh(F.matmul(x, teacher));
            int[] mask = new int[BATCH * TOKENS];
            Arrays.fill(mask, 1);
            for (int i = TOKENS - step % 4; i < TOKENS; i++) mask[i] = 0;
            Tensor l = F.mean(F.square(F.sub(model.forward(x, Tensor.ofInts(mask, BATCH, TOKENS)), target)));
            Autograd.backward(l);
            GradClip.clipGradNorm(params, 1.0);
            opt.setLr(schedule.lr(step));
            opt.step();
            model.zeroGrad();
            double loss = l.item();
            if (step < 64) firstLoss += loss / 64;
            if (step >= STEPS - 64) lastLoss += loss / 64;
            int half = step < STEPS / 2 ? 0 : 1;
            maxLive[half] = Math.max(maxLive[half], MemoryStats.liveBytes(Device.Kind.CPU));
            if ((step + 1) % 2000 == 0)
                System.out.printf(
                        "step %d: loss %.5f, live %.1f MiB, %d collections requested%n",
                        step + 1,
                        loss,
                        MemoryStats.liveBytes(Device.Kind.CPU) / 1048576.0,
                        UnownedTensors.requestedCollections());
        }
        assertTrue(
                lastLoss < 0.7 * firstLoss, "the blocks train without a scope: loss " + firstLoss + " -> " + lastLoss);
    }
}
