package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/** wp/attention.h: floating q [B, H, Lq, Dh], k and v [B, H, Lk, Dh], an optional I32 key mask [B, Lk]. */
public final class AttentionChecks {
    private AttentionChecks() {}

    public static void forward(Device device, Tensor q, Tensor k, Tensor v, Tensor keyMask, Tensor out, Tensor lse) {
        String op = "attentionForward";
        resident(
                op,
                device,
                required(op, q, "q"),
                required(op, k, "k"),
                required(op, v, "v"),
                keyMask,
                required(op, out, "out"),
                required(op, lse, "lse"));
        shapes(op, q, k, v, keyMask, out, lse);
    }

    public static void backward(
            Device device,
            Tensor q,
            Tensor k,
            Tensor v,
            Tensor keyMask,
            Tensor out,
            Tensor lse,
            Tensor gout,
            Tensor gq,
            Tensor gk,
            Tensor gv) {
        String op = "attentionBackward";
        resident(
                op,
                device,
                required(op, q, "q"),
                required(op, k, "k"),
                required(op, v, "v"),
                keyMask,
                required(op, out, "out"),
                required(op, lse, "lse"),
                required(op, gout, "gout"),
                required(op, gq, "gq"),
                required(op, gk, "gk"),
                required(op, gv, "gv"));
        shapes(op, q, k, v, keyMask, out, lse);
        sameSize(op, q, gout, gq);
        sameSize(op, k, gk, gv);
    }

    private static void shapes(String op, Tensor q, Tensor k, Tensor v, Tensor keyMask, Tensor out, Tensor lse) {
        floating(op, q);
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4)
            throw new IllegalArgumentException(op + ": q, k, v must be [B, H, L, Dh]: " + q.describe() + ", "
                    + k.describe() + ", " + v.describe());
        long b = q.dim(0), h = q.dim(1), lq = q.dim(2), lk = k.dim(2), dh = q.dim(3);
        sized(op, k, b * h * lk * dh, q.dtype(), "k");
        sized(op, v, b * h * lk * dh, q.dtype(), "v");
        sized(op, out, b * h * lq * dh, q.dtype(), "out");
        sized(op, lse, b * h * lq, q.dtype(), "lse");
        sized(op, keyMask, b * lk, DType.I32, "keyMask");
    }
}
