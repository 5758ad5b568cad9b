package io.weakpair.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Background prefetch delivers what the synchronous path would, fails loudly, and shuts down. */
class PrefetcherTest {
    @TempDir
    Path tmp;

    private List<BatchPlan> plans(Dataset d) {
        IdentitySampler sampler = new IdentitySampler(d.split(Split.TRAIN), 3, 2, 11, 0.5);
        return sampler.epoch(0).batches();
    }

    @Test
    void deliversTheSynchronousBatchesInOrder() {
        Dataset d = DataFixtures.imageDataset(tmp, new int[] {3, 4, 2, 5, 3, 4, 2}, 2);
        List<BatchPlan> plans = plans(d);
        assertTrue(plans.size() >= 4, "plans " + plans.size());
        BatchAssembler assembler = new BatchAssembler(ImageTransform.imagenet(12, 6));
        List<Batch> expected = new ArrayList<>();
        for (BatchPlan p : plans) expected.add(assembler.assemble(p));
        for (int workers : new int[] {1, 3}) {
            for (int depth : new int[] {1, 2, 5}) {
                try (Prefetcher prefetcher = new Prefetcher(plans, assembler, workers, depth)) {
                    int i = 0;
                    while (prefetcher.hasNext()) {
                        Batch got = prefetcher.next();
                        Batch want = expected.get(i++);
                        assertEquals(want.index(), got.index());
                        assertArrayEquals(want.images(), got.images(), "batch " + got.index());
                        assertArrayEquals(want.labels(), got.labels());
                        assertEquals(want.captions(), got.captions());
                    }
                    assertEquals(expected.size(), i);
                    assertThrows(java.util.NoSuchElementException.class, prefetcher::next);
                }
            }
        }
    }

    @Test
    void aWorkerFailureReachesTheConsumerWithTheRecord() {
        Dataset d = DataFixtures.imageDataset(tmp, new int[] {2, 2, 2}, 1);
        List<BatchPlan> plans = new ArrayList<>(BatchPlans.gallery(d.split(Split.TRAIN), 2));
        DataRecord ghost = new DataRecord(77, 1, 0, Split.TRAIN, "ghost.png", tmp.resolve("ghost.png"), List.of("x"));
        plans.add(1, new BatchPlan(99, List.of(new Instance(ghost, 0, false))));
        Prefetcher prefetcher = new Prefetcher(plans, new BatchAssembler(ImageTransform.imagenet(8, 4)), 2, 3);
        assertEquals(plans.get(0).index(), prefetcher.next().index());
        DataException e = assertThrows(DataException.class, prefetcher::next);
        assertTrue(e.getMessage().startsWith("record 77 (ghost.png): cannot load image for batch 99"), e.getMessage());
        assertTrue(prefetcher.terminated(), "workers stopped after a failure");
        assertFalse(prefetcher.hasNext());
        prefetcher.close();
    }

    @Test
    void closeMidEpochStopsTheWorkers() {
        Dataset d = DataFixtures.imageDataset(tmp, new int[] {3, 3, 3, 3, 3, 3}, 2);
        List<BatchPlan> plans = plans(d);
        Prefetcher prefetcher = new Prefetcher(plans, new BatchAssembler(ImageTransform.imagenet(16, 8)), 2, 2);
        prefetcher.next();
        prefetcher.close();
        assertTrue(prefetcher.terminated());
        assertFalse(prefetcher.hasNext());
        assertThrows(IllegalStateException.class, prefetcher::next);
        prefetcher.close(); // idempotent
    }

    @Test
    void argumentsAreChecked() {
        BatchAssembler a = new BatchAssembler(ImageTransform.imagenet(8, 4));
        assertThrows(IllegalArgumentException.class, () -> new Prefetcher(List.of(), a, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Prefetcher(List.of(), a, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Prefetcher(List.of(), null, 1, 1));
        try (Prefetcher empty = new Prefetcher(List.of(), a, 1, 1)) {
            assertFalse(empty.hasNext());
        }
    }
}
