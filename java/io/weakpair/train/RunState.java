package io.weakpair.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run stands, saved with every checkpoint ({@code state.json}): the next step, the
 * epoch and the batch within it, the NaN streak, and the wall time spent so far. Everything
 * random in training (initialisation, batch order, flips, dropout, masks, negatives) is a
 * function of (seed, epoch) or (seed, step), so this and the weights and optimiser moments are
 * the whole state: a resumed run continues on the same numbers as one that never stopped.
 *
 * @param step          steps taken so far (the next step's index)
 * @param epoch         the epoch the next step belongs to
 * @param batchInEpoch  batches of that epoch already taken
 * @param badInARow     NaN/Inf losses in a row just before this point
 * @param trainSeconds  training wall time so far (for the speed and the log, not for the numbers)
 */
public record RunState(long step, int epoch, int batchInEpoch, int badInARow, double trainSeconds) {
    private static final String FORMAT = "weakpair-run-state";
    private static final ObjectMapper JSON = new ObjectMapper();

    public RunState {
        if (step < 0 || epoch < 0 || batchInEpoch < 0 || badInARow < 0 || !(trainSeconds >= 0))
            throw new IllegalArgumentException("run state: negative or invalid value (step " + step + ", epoch " + epoch
                    + ", batch " + batchInEpoch + ", bad " + badInARow + ", seconds " + trainSeconds + ")");
    }

    public static RunState start() {
        return new RunState(0, 0, 0, 0, 0);
    }

    String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT)
                .put("version", 1)
                .put("step", step)
                .put("epoch", epoch)
                .put("batch_in_epoch", batchInEpoch)
                .put("bad_in_a_row", badInARow)
                .put("train_seconds", trainSeconds);
        return n.toPrettyString() + "\n";
    }

    static RunState read(Path file) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not a run state (bad JSON: " + e.getOriginalMessage() + ")");
        }
        if (n == null || !FORMAT.equals(n.path("format").asText()))
            throw new IllegalArgumentException(file + ": not a run state (format is not " + FORMAT + ")");
        for (String key : new String[] {"step", "epoch", "batch_in_epoch", "bad_in_a_row", "train_seconds"})
            if (!n.path(key).isNumber())
                throw new IllegalArgumentException(file + ": run state lacks a number '" + key + "'");
        try {
            return new RunState(
                    n.get("step").asLong(),
                    n.get("epoch").asInt(),
                    n.get("batch_in_epoch").asInt(),
                    n.get("bad_in_a_row").asInt(),
                    n.get("train_seconds").asDouble());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }
}
