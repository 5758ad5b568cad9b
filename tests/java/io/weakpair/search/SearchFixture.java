package io.weakpair.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weakpair.data.DataRecord;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import io.weakpair.testing.CliRun;
import io.weakpair.text.Vocabulary;
import io.weakpair.text.VocabularyBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small synthetic gallery (10 identities, about 50 images, all splits), a tiny checkpoint
 * with a vocabulary built from the gallery's captions, and the gallery indexed by the CLI.
 */
record SearchFixture(Path gallery, Path checkpoint, Path index, List<String> captions) {
    static SearchFixture build(Path dir) throws IOException {
        Path gallery = dir.resolve("gallery");
        SyntheticGenerator.generate(SynthConfig.defaults().withIds(10).withSeed(7), gallery, 2, null);
        List<String> captions = new ArrayList<>();
        for (DataRecord r : DatasetReader.read(gallery).records()) captions.addAll(r.captions());
        Vocabulary vocab = VocabularyBuilder.build(captions, 4096, 1);
        Path vocabFile = dir.resolve("vocab.txt");
        vocab.write(vocabFile);
        Path ck = dir.resolve("tiny.safetensors");
        CliRun init = CliRun.run(
                "init", "--preset", "tiny", "--vocab", vocabFile.toString(), "--out", ck.toString(), "--seed", "5");
        assertEquals(0, init.code(), init.err());
        Path index = dir.resolve("index");
        CliRun r = CliRun.run(
                "index",
                "--checkpoint",
                ck.toString(),
                "--gallery",
                gallery.toString(),
                "--out",
                index.toString(),
                "--batch",
                "16",
                "--device",
                "cpu");
        assertEquals(0, r.code(), r.err());
        return new SearchFixture(gallery, ck, index, captions);
    }
}
