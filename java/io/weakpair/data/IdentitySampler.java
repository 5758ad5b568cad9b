package io.weakpair.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Plans training batches of {@code P} identities x {@code K} instances each, so that every
 * batch holds several images of each of its people: the weak pairs the method learns from.
 *
 * <p>An instance is an (image, caption) pair; an epoch uses each pair of the split at most
 * once, so one epoch sees every caption once, as in the field's training code. Per identity
 * the pairs are shuffled and cut into groups of K that prefer distinct images; a last group
 * short of K is topped up by repeating the identity's pairs (the only repeats, and only where
 * the data leaves no choice). Groups are then shuffled and dealt into batches of P distinct
 * identities; groups that cannot complete a last batch are left out of the epoch and counted.
 * Everything is a function of (seed, epoch): the same arguments give the same batches.
 */
public final class IdentitySampler {
    private static final long GROUP_STREAM = 1;
    private static final long ORDER_STREAM = 2;
    private static final long FLIP_STREAM = 3;

    private final DatasetSplit split;
    private final int p;
    private final int k;
    private final long seed;
    private final double flipProbability;

    /** What one epoch contains, with the counts that say how well the data fit P x K. */
    public record Epoch(int number, List<BatchPlan> batches, int pairs, int repeated, int leftOut) {
        public Epoch {
            batches = List.copyOf(batches);
        }
    }

    /**
     * @param p               identities per batch (at least 2, at most the split's identities)
     * @param k               instances per identity (at least 2)
     * @param flipProbability chance that an instance's image is mirrored (0 for no augmentation)
     */
    public IdentitySampler(DatasetSplit split, int p, int k, long seed, double flipProbability) {
        if (split == null) throw new IllegalArgumentException("identity sampler: split must not be null");
        if (k < 2)
            throw new IllegalArgumentException(
                    "identity sampler: K (instances per identity) must be at least 2, got " + k);
        if (p < 2)
            throw new IllegalArgumentException(
                    "identity sampler: P (identities per batch) must be at least 2, got " + p);
        if (split.numIdentities() < p) {
            throw new IllegalArgumentException("identity sampler: the " + split.split() + " split has "
                    + split.numIdentities() + " identities, fewer than P = " + p);
        }
        if (!(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException(
                    "identity sampler: flip probability must be in [0, 1], got " + flipProbability);
        }
        this.split = split;
        this.p = p;
        this.k = k;
        this.seed = seed;
        this.flipProbability = flipProbability;
    }

    public int identitiesPerBatch() {
        return p;
    }

    public int instancesPerIdentity() {
        return k;
    }

    public int batchSize() {
        return p * k;
    }

    /** The batches of one epoch (numbered from 0). */
    public Epoch epoch(int number) {
        if (number < 0) throw new IllegalArgumentException("identity sampler: epoch must be >= 0, got " + number);
        SplittableRandom groupRng = new SplittableRandom(Seeds.mix(seed, number, GROUP_STREAM));
        List<Group> groups = new ArrayList<>();
        int pairs = 0;
        for (int label = 0; label < split.numIdentities(); label++) {
            List<Pair> identityPairs = shuffledPairs(split.recordsOf(label), groupRng);
            pairs += identityPairs.size();
            for (List<Pair> g : cutIntoGroups(identityPairs, groupRng)) groups.add(new Group(label, g));
        }
        int repeated = countRepeats(groups);
        shuffle(groups, new SplittableRandom(Seeds.mix(seed, number, ORDER_STREAM)));

        SplittableRandom flipRng = new SplittableRandom(Seeds.mix(seed, number, FLIP_STREAM));
        List<BatchPlan> batches = new ArrayList<>();
        ArrayDeque<Group> queue = new ArrayDeque<>(groups);
        int leftOut = 0;
        while (!queue.isEmpty()) {
            List<Group> batch = new ArrayList<>(p);
            Set<Integer> labels = new HashSet<>();
            List<Group> deferred = new ArrayList<>();
            while (batch.size() < p && !queue.isEmpty()) {
                Group g = queue.pollFirst();
                if (labels.add(g.label)) batch.add(g);
                else deferred.add(g);
            }
            if (batch.size() < p) {
                for (Group g : batch) leftOut += g.pairs.size();
                for (Group g : deferred) leftOut += g.pairs.size();
                break;
            }
            // Groups skipped for a clash go first into the next batch, so none waits for ever.
            for (int i = deferred.size() - 1; i >= 0; i--) queue.addFirst(deferred.get(i));
            List<Instance> instances = new ArrayList<>(p * k);
            for (Group g : batch) {
                for (Pair pair : g.pairs) {
                    boolean flip = flipProbability > 0 && flipRng.nextDouble() < flipProbability;
                    instances.add(new Instance(pair.record, pair.caption, flip));
                }
            }
            batches.add(new BatchPlan(batches.size(), instances));
        }
        return new Epoch(number, batches, pairs, repeated, leftOut);
    }

    private record Pair(DataRecord record, int caption) {}

    private record Group(int label, List<Pair> pairs) {}

    /**
     * All (image, caption) pairs of an identity in rounds: round r pairs every image (in a
     * fresh random order) with its r-th caption of a random caption order, so consecutive
     * pairs tend to be distinct images.
     */
    private static List<Pair> shuffledPairs(List<DataRecord> records, SplittableRandom rng) {
        int maxCaptions = 0;
        List<int[]> captionOrder = new ArrayList<>(records.size());
        for (DataRecord r : records) {
            int[] order = new int[r.captions().size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            shuffle(order, rng);
            captionOrder.add(order);
            maxCaptions = Math.max(maxCaptions, order.length);
        }
        List<Pair> pairs = new ArrayList<>();
        for (int round = 0; round < maxCaptions; round++) {
            int[] imageOrder = new int[records.size()];
            for (int i = 0; i < imageOrder.length; i++) imageOrder[i] = i;
            shuffle(imageOrder, rng);
            for (int i : imageOrder) {
                int[] order = captionOrder.get(i);
                if (round < order.length) pairs.add(new Pair(records.get(i), order[round]));
            }
        }
        return pairs;
    }

    /** Cuts pairs into groups of K, each preferring images not yet in the group; tops up the last. */
    private List<List<Pair>> cutIntoGroups(List<Pair> pairs, SplittableRandom rng) {
        List<Pair> remaining = new ArrayList<>(pairs);
        List<List<Pair>> groups = new ArrayList<>();
        while (!remaining.isEmpty()) {
            List<Pair> group = new ArrayList<>(k);
            while (group.size() < k && !remaining.isEmpty()) {
                int pick = 0;
                for (int i = 0; i < remaining.size(); i++) {
                    if (!containsImage(group, remaining.get(i).record)) {
                        pick = i;
                        break;
                    }
                }
                group.add(remaining.remove(pick));
            }
            if (group.size() < k) topUp(group, pairs, rng);
            groups.add(group);
        }
        return groups;
    }

    /** Fills a short group from the identity's pairs: new images first, then any pair. */
    private void topUp(List<Pair> group, List<Pair> all, SplittableRandom rng) {
        int start = rng.nextInt(all.size());
        for (int pass = 0; pass < 2 && group.size() < k; pass++) {
            for (int t = 0; t < all.size() && group.size() < k; t++) {
                Pair candidate = all.get((start + t) % all.size());
                boolean fresh = pass == 0 ? !containsImage(group, candidate.record) : !group.contains(candidate);
                if (fresh) group.add(candidate);
            }
        }
        // An identity with fewer than K pairs: cycle through them.
        for (int t = 0; group.size() < k; t++) group.add(all.get((start + t) % all.size()));
    }

    private static boolean containsImage(List<Pair> group, DataRecord record) {
        for (Pair p : group) if (p.record == record) return true;
        return false;
    }

    /** Uses of a pair beyond its first in the epoch (from topped-up groups). */
    private static int countRepeats(List<Group> groups) {
        Set<Long> seen = new HashSet<>();
        int repeats = 0;
        for (Group g : groups) {
            for (Pair pair : g.pairs) if (!seen.add(((long) pair.record.index() << 20) | pair.caption)) repeats++;
        }
        return repeats;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
