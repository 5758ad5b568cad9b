package io.weakpair.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** P x K batches, no repeats where the data allows, determinism per (seed, epoch). */
class IdentitySamplerTest {
    @TempDir
    Path tmp;

    private static long key(Instance in) {
        return ((long) in.record().index() << 20) | in.caption();
    }

    private static List<Long> keys(IdentitySampler.Epoch e) {
        List<Long> out = new ArrayList<>();
        for (BatchPlan b : e.batches()) for (Instance in : b.instances()) out.add(key(in) * 2 + (in.flip() ? 1 : 0));
        return out;
    }

    private static void checkPxK(IdentitySampler.Epoch epoch, int p, int k) {
        assertFalse(epoch.batches().isEmpty());
        for (BatchPlan b : epoch.batches()) {
            assertEquals(p * k, b.size());
            Map<Integer, Integer> perLabel = new HashMap<>();
            for (Instance in : b.instances()) perLabel.merge(in.record().label(), 1, Integer::sum);
            assertEquals(p, perLabel.size(), "identities in batch " + b.index());
            for (int n : perLabel.values()) assertEquals(k, n, "instances per identity in batch " + b.index());
            // Each identity's K instances are contiguous (one group).
            for (int g = 0; g < p; g++) {
                int label = b.instances().get(g * k).record().label();
                for (int j = 1; j < k; j++)
                    assertEquals(label, b.instances().get(g * k + j).record().label());
            }
        }
    }

    @Test
    void batchesArePTimesKWithoutRepeatsWhenPairsDivideEvenly() {
        // 12 identities x 4 images x 2 captions = 8 pairs each: two full groups of K = 4 per identity.
        int[] images = new int[12];
        java.util.Arrays.fill(images, 4);
        DatasetSplit split = DataFixtures.memoryDataset(tmp, images, 2).split(Split.TRAIN);
        IdentitySampler sampler = new IdentitySampler(split, 3, 4, 7, 0.5);
        IdentitySampler.Epoch epoch = sampler.epoch(0);
        checkPxK(epoch, 3, 4);
        assertEquals(96, epoch.pairs());
        assertEquals(0, epoch.repeated());
        Set<Long> seen = new HashSet<>();
        int used = 0;
        for (BatchPlan b : epoch.batches()) {
            for (Instance in : b.instances()) {
                assertTrue(seen.add(key(in)), "pair used twice: " + in);
                used++;
            }
            // A group of 4 from 4 images holds 4 distinct images.
            for (int g = 0; g < 3; g++) {
                Set<Integer> imgs = new HashSet<>();
                for (int j = 0; j < 4; j++)
                    imgs.add(b.instances().get(g * 4 + j).record().index());
                assertEquals(4, imgs.size(), "distinct images in a group");
            }
        }
        assertEquals(used + epoch.leftOut(), epoch.pairs());
        assertTrue(epoch.leftOut() < 3 * 4 * 2, "left out " + epoch.leftOut());
    }

    @Test
    void unevenIdentitiesRepeatOnlyToFillGroups() {
        int[] images = {1, 2, 3, 5, 6, 2, 7, 3, 4, 1};
        DatasetSplit split = DataFixtures.memoryDataset(tmp, images, 2).split(Split.TRAIN);
        int k = 4;
        IdentitySampler sampler = new IdentitySampler(split, 4, k, 3, 0.0);
        for (int e = 0; e < 5; e++) {
            IdentitySampler.Epoch epoch = sampler.epoch(e);
            checkPxK(epoch, 4, k);
            int maxRepeats = 0;
            for (int n : images) maxRepeats += (k - (2 * n) % k) % k;
            assertTrue(epoch.repeated() <= maxRepeats, epoch.repeated() + " > " + maxRepeats);
            Map<Long, Integer> uses = new HashMap<>();
            for (BatchPlan b : epoch.batches()) for (Instance in : b.instances()) uses.merge(key(in), 1, Integer::sum);
            int extra = 0;
            for (int u : uses.values()) extra += u - 1;
            // Repeats within the delivered batches never exceed what top-ups needed.
            assertTrue(extra <= epoch.repeated(), extra + " > " + epoch.repeated());
            for (BatchPlan b : epoch.batches()) for (Instance in : b.instances()) assertFalse(in.flip());
        }
    }

    @Test
    void sameSeedAndEpochGiveTheSameBatches() {
        int[] images = {3, 4, 5, 2, 6, 4, 3, 5};
        DatasetSplit split = DataFixtures.memoryDataset(tmp, images, 2).split(Split.TRAIN);
        IdentitySampler a = new IdentitySampler(split, 2, 3, 42, 0.5);
        IdentitySampler b = new IdentitySampler(split, 2, 3, 42, 0.5);
        assertEquals(keys(a.epoch(3)), keys(b.epoch(3)));
        assertNotEquals(keys(a.epoch(3)), keys(a.epoch(4)));
        assertNotEquals(keys(a.epoch(3)), keys(new IdentitySampler(split, 2, 3, 43, 0.5).epoch(3)));
        int flips = 0, total = 0;
        for (BatchPlan p : a.epoch(0).batches()) {
            for (Instance in : p.instances()) {
                flips += in.flip() ? 1 : 0;
                total++;
            }
        }
        assertTrue(flips > 0 && flips < total, flips + " flips of " + total);
        IdentitySampler all = new IdentitySampler(split, 2, 3, 42, 1.0);
        for (BatchPlan p : all.epoch(0).batches()) for (Instance in : p.instances()) assertTrue(in.flip());
    }

    @Test
    void argumentsAreChecked() {
        DatasetSplit split =
                DataFixtures.memoryDataset(tmp, new int[] {2, 2, 2}, 1).split(Split.TRAIN);
        assertThrows(IllegalArgumentException.class, () -> new IdentitySampler(split, 2, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IdentitySampler(split, 1, 2, 0, 0));
        IllegalArgumentException tooMany =
                assertThrows(IllegalArgumentException.class, () -> new IdentitySampler(split, 4, 2, 0, 0));
        assertTrue(tooMany.getMessage().contains("3 identities, fewer than P = 4"), tooMany.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IdentitySampler(split, 2, 2, 0, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new IdentitySampler(split, 2, 2, 0, 0).epoch(-1));
    }

    @Test
    void galleryAndQueryPlansCoverTheSplitInOrder() {
        DatasetSplit split =
                DataFixtures.memoryDataset(tmp, new int[] {2, 3, 2}, 2).split(Split.TRAIN);
        List<BatchPlan> gallery = BatchPlans.gallery(split, 3);
        assertEquals(3, gallery.size());
        assertEquals(1, gallery.get(2).size());
        int i = 0;
        for (BatchPlan b : gallery) {
            for (Instance in : b.instances()) {
                assertEquals(split.records().get(i++), in.record());
                assertEquals(-1, in.caption());
                assertEquals(null, in.captionText());
            }
        }
        assertEquals(14, BatchPlans.queries(split).size());
        assertThrows(IllegalArgumentException.class, () -> BatchPlans.gallery(split, 0));
    }
}
