package io.weakpair.loss;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.backend.MiningMode;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The numbers of the {@code weakpair losses} contract (docs/method.md section 6) for one square
 * batch: the uITC loss and its directions, its gradients to the unnormalised embeddings and to
 * the temperature, the confidences, and the mined GITM pairs. Any framework that implements
 * docs/method.md produces the same tensors from the same input.
 */
public final class LossesContract {
    private LossesContract() {}

    /** Output names, in the order they are written. */
    public static final String[] OUTPUTS = {
        "loss",
        "loss_i2t",
        "loss_t2i",
        "grad_image_emb",
        "grad_text_emb",
        "grad_temperature",
        "confidence_i2t",
        "confidence_t2i",
        "hard_neg_text",
        "hard_neg_image",
        "weak_pos_text"
    };

    /**
     * Computes the outputs for image and text embeddings [N, D] (F32 or F64), labels [N] (I32
     * or I64) and a temperature > 0. The returned tensors (dtype of the embeddings, I32 for
     * the mined indices) are owned by the caller, outside any open scope.
     */
    public static Map<String, Tensor> compute(
            Tensor imageEmb,
            Tensor textEmb,
            Tensor labels,
            double temperature,
            double alpha,
            MiningMode mode,
            long seed) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Scope scope = Scope.open();
                GradMode on = GradMode.on()) {
            DType dt = imageEmb.dtype();
            Tensor image = imageEmb.copy().requiresGrad(true);
            Tensor text = textEmb.copy().requiresGrad(true);
            Tensor tau = Tensor.full(temperature, dt, imageEmb.device()).requiresGrad(true);
            ContrastiveLoss.Result r = ContrastiveLoss.apply(
                    image,
                    text,
                    tau,
                    labels,
                    ContrastiveLoss.Options.uncertainty(alpha).withMining(mode, seed));
            Autograd.backward(r.loss());
            Uncertainty.Confidence c;
            try (GradMode off = GradMode.off()) {
                c = Uncertainty.confidence(Similarity.logits(image, text, tau), labels, labels);
            }
            out.put("loss", scope.keep(r.loss().copy()));
            out.put("loss_i2t", scope.keep(r.lossI2t().copy()));
            out.put("loss_t2i", scope.keep(r.lossT2i().copy()));
            out.put("grad_image_emb", scope.keep(image.grad().copy()));
            out.put("grad_text_emb", scope.keep(text.grad().copy()));
            out.put("grad_temperature", scope.keep(tau.grad().copy()));
            out.put("confidence_i2t", scope.keep(c.i2t()));
            out.put("confidence_t2i", scope.keep(c.t2i()));
            out.put("hard_neg_text", scope.keep(r.mined().hardNegText().copy()));
            out.put("hard_neg_image", scope.keep(r.mined().hardNegImage().copy()));
            out.put("weak_pos_text", scope.keep(r.mined().weakPosText().copy()));
        } catch (RuntimeException e) {
            out.values().forEach(Tensor::close);
            throw e;
        }
        return out;
    }
}
