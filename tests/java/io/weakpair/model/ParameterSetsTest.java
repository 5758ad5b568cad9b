package io.weakpair.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The model's own parameter sets are the ones the trainer's name rules used to pick (heads by
 * their prefixes, no decay for vectors and the names ending in pos_embed or cls_token), so the
 * optimiser groups, and with them a resumed run's optimiser state, are unchanged.
 */
@ExtendWith(ScopePerTest.class)
class ParameterSetsTest {
    @Test
    void headsAndNoDecayAreTheParametersTheNameRulesPicked() {
        try (AlbefModel m = new AlbefModel(ModelFixtures.micro(), 3, DType.F32, Device.CPU)) {
            Set<String> heads = new TreeSet<>(),
                    noDecay = new TreeSet<>(),
                    expectHeads = new TreeSet<>(),
                    expectNoDecay = new TreeSet<>();
            for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
                String n = e.getKey();
                if (n.startsWith("vision_proj")
                        || n.startsWith("text_proj")
                        || n.startsWith("itm_head")
                        || n.equals("temp")) expectHeads.add(n);
                if (e.getValue().rank() <= 1 || n.endsWith("pos_embed") || n.endsWith("cls_token"))
                    expectNoDecay.add(n);
                if (m.headParameters().contains(e.getValue())) heads.add(n);
                if (m.noWeightDecay().contains(e.getValue())) noDecay.add(n);
            }
            assertEquals(expectHeads, heads);
            assertEquals(expectNoDecay, noDecay);
            assertEquals(7, heads.size(), "three Linear layers with biases and the temperature: " + heads);
            assertTrue(
                    noDecay.contains("visual_encoder.pos_embed")
                            && noDecay.contains("text_encoder.bert.embeddings.LayerNorm.weight"),
                    noDecay.toString());
            assertEquals(m.headParameters().size(), heads.size(), "nothing outside the model's parameters");
        }
    }
}
