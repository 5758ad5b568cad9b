package io.weakpair.cli;

import io.weakpair.data.Dataset;
import io.weakpair.tensor.Device;
import io.weakpair.train.Ablation;
import io.weakpair.train.ConfigKey;
import io.weakpair.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The paper's ablation, paired by seed and step count (docs/data.md). */
@Command(
        name = "ablate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "Train every variant of the paper's ablation under several seeds and compare them in pairs: itc-strict, itc-id, "
                    + "uitc-0.3, uitc-0.6 (vs itc-id) and uitc+itm, uitc+gitm (vs uitc+itm).",
            "Under one seed every variant sees the same data, initial weights, batch order and step count. Prints and writes "
                    + "ablation.md and ablation.json (mean +- std per ranking, paired differences and wins); each run keeps its "
                    + "folder, and finished runs are reused when the study is run again.",
            "The base configuration is train's (defaults < --config < flags and --set), less the keys the variants set (stage, "
                    + "targets, alpha, matching, seed). --max-steps is the pairing unit (0: the epochs decide); K >= 3 is "
                    + "recommended in --batch; --k-test applies to the matching variants. The protocol: docs/ablation.md."
        })
final class AblateCommand implements Callable<Integer> {
    CommandSpec spec;

    /** The flags that set a configuration key (generated from {@link ConfigKey}'s table; none for the keys the study varies). */
    Map<String, ConfigKey> flags;

    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        this.flags = ConfigFlags.addTo(spec, Ablation.VARIED);
    }

    @Mixin
    DatasetOptions data;

    @Mixin
    ConfigOptions settings;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "study folder (default: runs/ablate-DATE-TIME under the project or home folder)")
    Path out;

    @Option(
            names = "--seeds",
            defaultValue = "3",
            paramLabel = "N",
            description = "seeds 0 .. N-1, at least 2 (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(
            names = "--variants",
            paramLabel = "LIST",
            description = "comma-separated subset, e.g. itc-id,uitc-0.6 (default: all six)")
    String variants;

    @Override
    public Integer call() throws IOException {
        TrainConfig base = settings.build(spec, flags);
        final TrainConfig cfg = data.dir != null ? base.withAll(Map.of(ConfigKey.DATASET, data.dir), "DIR") : base;
        if (seeds < 2) throw new UsageException("--seeds must be at least 2 (paired statistics), got " + seeds);
        List<Ablation.Variant> chosen =
                UsageException.check(() -> variants == null ? Ablation.standard() : Ablation.select(variants));
        Device dev = DeviceOption.resolve(cfg.device());
        Dataset dataset = data.read(cfg);
        List<Long> seedList = new ArrayList<>();
        for (long s = 0; s < seeds; s++) seedList.add(s);
        Path dir = out != null ? out : TrainCommand.defaultRunDir("ablate");
        System.out.println("study folder: " + dir + "; " + chosen.size() + " variants x " + seeds + " seeds");
        String table = new Ablation(cfg, chosen, seedList, dir, dev, System.out).run(dataset);
        System.out.println(table);
        System.out.println("written: " + dir.resolve("ablation.md") + ", " + dir.resolve("ablation.json"));
        return 0;
    }
}
