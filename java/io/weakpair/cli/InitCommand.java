package io.weakpair.cli;

import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.model.ModelConfig;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weakpair init}: a freshly initialised model checkpoint of a preset. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Write a freshly initialised ALBEF-style model (docs/model.md) as a safetensors checkpoint.",
            "The checkpoint carries its configuration, so every other command rebuilds the model from it alone.",
            "With --vocab, the vocabulary is copied beside the checkpoint (CK.vocab.txt) and sets the vocabulary size."
        })
final class InitCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "tiny", description = "tiny, small or base (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(
            names = "--out",
            required = true,
            description = "the checkpoint to write (.safetensors; replaced atomically)")
    Path out;

    @Option(names = "--vocab", description = "a BERT vocab.txt (one token per line, id = line number)")
    Path vocab;

    @Option(names = "--seed", defaultValue = "0", description = "initialisation seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws IOException {
        ModelConfig config = UsageException.check(() -> ModelConfig.preset(preset));
        Vocabulary words = vocab == null ? null : readVocabulary();
        if (words != null) config = config.withVocabSize(words.size());
        CliFiles.checkOutputFile("--out", out);
        CliFiles.createParents("--out", out);
        long start = System.nanoTime();
        try (AlbefModel model = new AlbefModel(config, seed, DType.F32, Device.CPU)) {
            ModelCheckpoint.save(model, out);
            if (words != null) words.write(ModelCheckpoint.vocabularyPath(out));
            System.out.printf(
                    Locale.ROOT,
                    "weakpair init: %s, %,d parameters, seed %d -> %s (%.1f s)%n",
                    config.summary(),
                    model.parameterCount(),
                    seed,
                    out,
                    (System.nanoTime() - start) / 1e9);
            if (words == null)
                System.out.println("  no vocabulary given: text commands need one beside the checkpoint ("
                        + ModelCheckpoint.vocabularyPath(out).getFileName()
                        + ") or training builds it from the captions");
        }
        return 0;
    }

    private Vocabulary readVocabulary() throws IOException {
        CliFiles.checkInputFile("--vocab", vocab);
        return Vocabulary.read(vocab);
    }
}
