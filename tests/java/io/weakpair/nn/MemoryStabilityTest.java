package io.weakpair.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import io.weakpair.testing.ChildJvm;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.junit.jupiter.api.Test;

/**
 * 2,000 training steps (forward, backward, clipping, AdamW) of two pre-norm attention + MLP
 * blocks (layernorm, fused attention with a key padding mask, GELU MLP), each
 * inside its own scope: tensor storage must return to exactly the same bytes and count
 * after every step, and the process's resident memory must stay flat once warmed up.
 */
class MemoryStabilityTest {
    private static final int STEPS = 2000;
    private static final int WARMUP = 200;
    private static final long RSS_GROWTH_LIMIT = 64L << 20;
    private static final int BATCH = 4, TOKENS = 9, WIDTH = 32, HEADS = 4;

    /** Two pre-norm transformer blocks: x + attn(LN(x)), x + mlp(LN(x)), with a key padding mask. */
    static final class Encoder extends Module {
        final ModuleList<Block> blocks = registerModule("blocks", new ModuleList<>());

        Encoder(long seed) {
            for (int i = 0; i < 2; i++) blocks.add(new Block(Seeds.derive(seed, "blocks." + i)));
        }

        Tensor forward(Tensor x, Tensor keyMask) {
            Tensor h = x;
            for (Block b : blocks) h = b.forward(h, keyMask);
            return h;
        }
    }

    static final class Block extends Module {
        final LayerNorm norm1 = registerModule("norm1", new LayerNorm(WIDTH, 1e-6));
        final LayerNorm norm2 = registerModule("norm2", new LayerNorm(WIDTH, 1e-6));
        final Linear qkv, proj, fc1, fc2;

        Block(long seed) {
            qkv = registerModule("qkv", new Linear(WIDTH, 3 * WIDTH, true, Seeds.derive(seed, "qkv")));
            proj = registerModule("proj", new Linear(WIDTH, WIDTH, true, Seeds.derive(seed, "proj")));
            fc1 = registerModule("fc1", new Linear(WIDTH, 4 * WIDTH, true, Seeds.derive(seed, "fc1")));
            fc2 = registerModule("fc2", new Linear(4 * WIDTH, WIDTH, true, Seeds.derive(seed, "fc2")));
        }

        Tensor forward(Tensor x, Tensor keyMask) {
            int b = x.dim(0), t = x.dim(1), dh = WIDTH / HEADS;
            // [B, T, 3W] -> [3, B, H, T, Dh]
            Tensor qkvHeads = F.permute(F.reshape(qkv.forward(norm1.forward(x)), b, t, 3, HEADS, dh), 2, 0, 3, 1, 4);
            Tensor q = F.reshape(F.slice(qkvHeads, 0, 0, 1), b, HEADS, t, dh);
            Tensor k = F.reshape(F.slice(qkvHeads, 0, 1, 2), b, HEADS, t, dh);
            Tensor v = F.reshape(F.slice(qkvHeads, 0, 2, 3), b, HEADS, t, dh);
            Tensor attended = F.reshape(F.permute(F.attention(q, k, v, keyMask), 0, 2, 1, 3), b, t, WIDTH);
            Tensor h = F.add(x, proj.forward(attended));
            return F.add(h, fc2.forward(F.gelu(fc1.forward(norm2.forward(h)))));
        }
    }

    /**
     * Runs the training in a child JVM whose heap is fixed and pre-touched, so the resident
     * set measures native memory: in the test JVM, old-generation pages that the collector
     * first touches late in the run (committed long before) read as growth of 70-100 MiB in
     * some runs and 10 MiB in others.
     */
    @Test
    void storageAndResidentMemoryStayFlatOverTwoThousandSteps() throws IOException, InterruptedException {
        ChildJvm.run(MemoryStabilityTest.class, "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC");
    }

    /** The child: trains and checks, exit code 1 with the failure on stdout. */
    public static void main(String[] args) {
        ChildJvm.exitWith(MemoryStabilityTest::trainAndCheck);
    }

    static void trainAndCheck() throws IOException {
        long liveBefore = MemoryStats.liveBytes(Device.Kind.CPU);
        long storagesBefore = MemoryStats.liveStorages(Device.Kind.CPU);
        LrSchedule schedule = new WarmupCosine(3e-3, 3e-4, 50, STEPS);
        long liveAfterWarmup = -1, storagesAfterWarmup = -1, rssAtWarmup = -1, jvmAtWarmup = -1;
        double firstLoss = 0, lastLoss = 0;
        try (Encoder model = new Encoder(1);
                Tensor teacher = Scope.detach(Tensor.randn(2, 0.5, DType.F32, Device.CPU, WIDTH, WIDTH));
                AdamW opt = AdamW.withDecayExclusions(
                        model.namedParameters(), AdamW.Config.defaults().withWeightDecay(0.05), null)) {
            Collection<Tensor> params = model.namedParameters().values();
            for (int step = 0; step < STEPS; step++) {
                double loss;
                try (Scope s = Scope.open()) {
                    Tensor x = Tensor.randn(1000 + step % 64, 1, DType.F32, Device.CPU, BATCH, TOKENS, WIDTH);
                    Tensor target = F.tanh(F.matmul(x, teacher));
                    int padded = step % 4; // the last `padded` tokens of the first sequence are padding
                    int[] mask = new int[BATCH * TOKENS];
                    java.util.Arrays.fill(mask, 1);
                    for (int i = TOKENS - padded; i < TOKENS; i++) mask[i] = 0;
                    Tensor out = model.forward(x, Tensor.ofInts(mask, BATCH, TOKENS));
                    Tensor l = F.mean(F.square(F.sub(out, target)));
                    Autograd.backward(l);
                    GradClip.clipGradNorm(params, 1.0);
                    opt.setLr(schedule.lr(step));
                    opt.step();
                    model.zeroGrad();
                    loss = l.item();
                }
                if (step < 64) firstLoss += loss / 64;
                if (step >= STEPS - 64) lastLoss += loss / 64;
                long live = MemoryStats.liveBytes(Device.Kind.CPU),
                        storages = MemoryStats.liveStorages(Device.Kind.CPU);
                if (step == 1) {
                    // From the second step on (moments exist), every step must end where the previous did.
                    liveAfterWarmup = live;
                    storagesAfterWarmup = storages;
                } else if (step > 1) {
                    assertEquals(liveAfterWarmup, live, "live tensor bytes after step " + step);
                    assertEquals(storagesAfterWarmup, storages, "live storages after step " + step);
                }
                if (step + 1 == WARMUP) {
                    settleJavaHeap();
                    rssAtWarmup = residentBytes();
                    jvmAtWarmup = jvmCommittedBytes();
                }
                if ((step + 1) % 400 == 0)
                    System.out.printf(
                            "step %d: loss %.5f, live %d bytes in %d storages, RSS %.1f MiB, JVM committed %.1f MiB%n",
                            step + 1,
                            loss,
                            live,
                            storages,
                            residentBytes() / 1048576.0,
                            jvmCommittedBytes() / 1048576.0);
            }
            long rssGrowth = residentBytes() - rssAtWarmup;
            long jvmGrowth = Math.max(0, jvmCommittedBytes() - jvmAtWarmup);
            System.out.printf(
                    "RSS growth steps %d..%d: %.1f MiB (JVM heap/metaspace/code committed grew %.1f MiB); loss %.5f -> %.5f%n",
                    WARMUP, STEPS, rssGrowth / 1048576.0, jvmGrowth / 1048576.0, firstLoss, lastLoss);
            assertTrue(
                    rssGrowth - jvmGrowth < RSS_GROWTH_LIMIT,
                    "resident memory grew by " + (rssGrowth >> 20) + " MiB (JVM committed " + (jvmGrowth >> 20)
                            + " MiB of it) between steps " + WARMUP + " and " + STEPS);
            assertTrue(lastLoss < 0.7 * firstLoss, "the block trains: loss " + firstLoss + " -> " + lastLoss);
        }
        assertEquals(liveBefore, MemoryStats.liveBytes(Device.Kind.CPU), "model, teacher and optimiser freed");
        assertEquals(storagesBefore, MemoryStats.liveStorages(Device.Kind.CPU));
    }

    /** VmRSS of this process. */
    private static long residentBytes() throws IOException {
        Path status = Path.of("/proc/self/status");
        assumeTrue(Files.isReadable(status), "needs /proc/self/status (Linux)");
        for (String line : Files.readAllLines(status))
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }

    /** Memory the JVM has committed for itself (heap, metaspace, code cache): its growth is not ours. */
    private static long jvmCommittedBytes() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
            total += pool.getUsage().getCommitted();
        return total;
    }

    /**
     * The young generation touches fresh pages until it has been filled once; fill it (two
     * collections, so both survivor spaces are used too) before the baseline so that the
     * heap's own first use is not mistaken for growth.
     */
    private static void settleJavaHeap() {
        long start = collections();
        long sink = 0;
        while (collections() < start + 2) {
            byte[] garbage = new byte[1 << 16];
            sink += garbage.length;
        }
        assertTrue(sink > 0);
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
            n += Math.max(0, gc.getCollectionCount());
        return n;
    }
}
