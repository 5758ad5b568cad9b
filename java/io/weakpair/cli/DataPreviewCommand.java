package io.weakpair.cli;

import io.weakpair.data.DataRecord;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetPreview;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.Split;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A PNG contact sheet of a split's images with their captions under them. */
@Command(
        name = "preview",
        mixinStandardHelpOptions = true,
        description = "Write a grid of images with their captions under them (whole identities, several views each).")
final class DataPreviewCommand implements Runnable {
    @Mixin
    DatasetOptions data;

    @Option(
            names = "--out",
            defaultValue = "preview.png",
            paramLabel = "FILE",
            description = "PNG to write; missing parent folders are created (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--split",
            defaultValue = "train",
            paramLabel = "SPLIT",
            description = "train, val or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(
            names = "--count",
            defaultValue = "20",
            paramLabel = "N",
            description = "Images to show (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--columns",
            defaultValue = "5",
            paramLabel = "N",
            description = "Images per row (default: ${DEFAULT-VALUE}).")
    int columns;

    @Option(
            names = "--seed",
            defaultValue = "1",
            paramLabel = "S",
            description = "Which identities are shown (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void run() {
        if (count < 1) throw new UsageException("--count must be at least 1, got " + count);
        if (columns < 1) throw new UsageException("--columns must be at least 1, got " + columns);
        Split which = UsageException.check(() -> Split.parse(split));
        CliFiles.checkOutputFile("--out", out);
        Dataset d = data.read();
        DatasetSplit s = d.split(which);
        if (s.isEmpty())
            throw new IllegalArgumentException("the " + which + " split of " + d.root() + " has no records");
        List<DataRecord> records = DatasetPreview.pick(s, count, seed);
        DatasetPreview.SheetSize size;
        try {
            size = DatasetPreview.writePng(records, columns, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        System.out.println("wrote " + out + ": " + Words.count(records.size(), "image") + " of the " + which
                + " split (" + size.width() + "x" + size.height() + " px)");
    }
}
