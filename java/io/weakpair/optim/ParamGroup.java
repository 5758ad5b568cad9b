package io.weakpair.optim;

import io.weakpair.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters that share optimiser settings: their weight decay and a multiplier on the
 * global learning rate (1 for the usual case; the schedule sets the global rate).
 */
public record ParamGroup(String label, Map<String, Tensor> params, double weightDecay, double lrScale) {
    public ParamGroup {
        if (label == null) throw new IllegalArgumentException("ParamGroup: label is null");
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay))
            throw new IllegalArgumentException(
                    "ParamGroup '" + label + "': weight decay must be finite and >= 0, got " + weightDecay);
        if (!(lrScale >= 0) || Double.isInfinite(lrScale))
            throw new IllegalArgumentException(
                    "ParamGroup '" + label + "': lr scale must be finite and >= 0, got " + lrScale);
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public ParamGroup(String label, Map<String, Tensor> params, double weightDecay) {
        this(label, params, weightDecay, 1);
    }
}
