package io.weakpair.bench;

import io.weakpair.backend.CpuBackend;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.model.ModelConfig;
import io.weakpair.search.QueryEncoder;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.text.Vocabulary;
import io.weakpair.text.VocabularyBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The text part of person search at scale: how long {@link QueryEncoder#encode} takes for one
 * caption, as a search request encodes its query, on the CPU. A freshly initialised checkpoint
 * of the preset (the weights do not change the cost) with a vocabulary built from the
 * captions, saved and loaded as {@code weakpair search} does; CUHK-PEDES-like captions of
 * about 20-40 words (so the preset's token limit is reached, as with real descriptions),
 * all different; a warm-up pass, then each caption once, one at a time.
 * The CPU threads follow WEAKPAIR_THREADS (default: every core).
 * Usage: TextEncodingScale PRESET [CAPTIONS=200] [WARMUP=50]
 */
public final class TextEncodingScale {
    private static final String[] SUBJECT = {
        "A young woman",
        "The man",
        "A middle-aged man",
        "This girl",
        "The lady",
        "A tall man",
        "An elderly woman",
        "The boy",
        "A short woman",
        "The person"
    };
    private static final String[] COLOUR = {
        "black",
        "white",
        "red",
        "blue",
        "navy",
        "grey",
        "green",
        "yellow",
        "pink",
        "brown",
        "beige",
        "purple",
        "orange",
        "dark",
        "light blue"
    };
    private static final String[] UPPER = {
        "jacket", "t-shirt", "coat", "sweater", "hoodie", "shirt", "blouse", "vest", "down jacket", "cardigan"
    };
    private static final String[] LOWER = {
        "jeans", "trousers", "shorts", "skirt", "pants", "leggings", "dress", "sweatpants"
    };
    private static final String[] SHOES = {"sneakers", "boots", "sandals", "shoes", "high heels", "slippers"};
    private static final String[] EXTRA = {
        "carrying a backpack on the back",
        "holding a phone in the right hand",
        "with a shoulder bag on the left side",
        "pushing a bicycle",
        "wearing glasses",
        "with a ponytail",
        "with short black hair",
        "wearing a cap",
        "carrying a plastic bag",
        "walking with an umbrella",
        "with long curly hair",
        "holding a cup of coffee"
    };

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 3)
            throw new IllegalArgumentException("usage: TextEncodingScale PRESET [CAPTIONS=200] [WARMUP=50]");
        String preset = args[0];
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        if (count < 1 || warmup < 0) throw new IllegalArgumentException("CAPTIONS must be >= 1 and WARMUP >= 0");
        List<String> captions = captions(count + warmup, new SplittableRandom(7));
        Path dir = Files.createTempDirectory("weakpair-textscale");
        try {
            Path ck = dir.resolve("ck.safetensors");
            Vocabulary vocab = VocabularyBuilder.build(captions, 30522, 1);
            ModelConfig config = ModelConfig.preset(preset).withVocabSize(vocab.size());
            try (AlbefModel model = new AlbefModel(config, 0, DType.F32, Device.CPU)) {
                ModelCheckpoint.save(model, ck);
            }
            vocab.write(ModelCheckpoint.vocabularyPath(ck));
            try (QueryEncoder encoder = QueryEncoder.load(ck, Device.CPU)) {
                for (String c : captions.subList(count, captions.size())) encoder.encode(c); // JIT, allocator, caches
                long[] nanos = new long[count];
                long words = 0;
                for (int i = 0; i < count; i++) {
                    String c = captions.get(i);
                    words += c.split(" ").length;
                    long t = System.nanoTime();
                    encoder.encode(c);
                    nanos[i] = System.nanoTime() - t;
                }
                System.out.printf(
                        Locale.ROOT,
                        "text encoding, preset %s (max %d tokens, %d-d), %d CPU threads, %d captions of %.1f words on average "
                                + "after %d warm-up: p50 %.1f ms, p95 %.1f ms%n",
                        preset,
                        config.maxTokens(),
                        config.embedDim(),
                        CpuBackend.threads(),
                        count,
                        words / (double) count,
                        warmup,
                        Latencies.percentileMs(nanos, 50),
                        Latencies.percentileMs(nanos, 95));
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** Distinct captions in the style of CUHK-PEDES (two or three sentences about one person). */
    static List<String> captions(int n, SplittableRandom rng) {
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        while (seen.size() < n) {
            String s = pick(SUBJECT, rng) + " is wearing a " + pick(COLOUR, rng) + " " + pick(UPPER, rng) + " over a "
                    + pick(COLOUR, rng)
                    + " " + pick(UPPER, rng) + ", " + pick(COLOUR, rng) + " " + pick(LOWER, rng) + " and "
                    + pick(COLOUR, rng) + " "
                    + pick(SHOES, rng) + ". The person is " + pick(EXTRA, rng) + " and " + pick(EXTRA, rng) + ".";
            if (rng.nextBoolean())
                s += " They are walking " + (rng.nextBoolean() ? "towards" : "away from") + " the camera "
                        + pick(EXTRA, rng) + ".";
            seen.add(s);
        }
        return new ArrayList<>(seen);
    }

    private static String pick(String[] words, SplittableRandom rng) {
        return words[rng.nextInt(words.length)];
    }
}
