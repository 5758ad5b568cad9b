package io.weakpair.cli;

import static io.weakpair.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --resume RUN --set KEY=VALUE}: the keys that only watch a run (checkpoint and
 * evaluation cadence, threads) may change, and the run's config.yaml records it; a key that
 * changes the numbers is refused in one line that says what to do instead.
 */
class ResumeSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void onlyWatchingKeysChangeOnResume() throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("config.yaml"), "stage: pretrain\nmax_steps: 10\n");
        CliRun refused = run("train", "--resume", run.toString(), "--set", "lr=1e-4");
        assertEquals(2, refused.code(), refused.err());
        assertTrue(
                refused.err().contains("lr changes what the run computes")
                        && refused.err().contains("--init"),
                refused.err());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());

        CliRun unknown = run("train", "--resume", run.toString(), "--set", "eval_evry=5");
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("did you mean 'eval_every'"), unknown.err());

        // Accepted: the change is written to the run's file before the run starts (which then
        // fails here for want of a checkpoint to resume from, with its own message).
        CliRun accepted =
                run("train", "--resume", run.toString(), "--set", "eval_every=250", "--set", "checkpoint_every=500");
        String config = Files.readString(run.resolve("config.yaml"));
        assertTrue(
                config.contains("\neval_every: 250")
                        && config.contains("\ncheckpoint_every: 500")
                        && config.contains("\nmax_steps: 10"),
                config + "\n" + accepted.err());
    }
}
