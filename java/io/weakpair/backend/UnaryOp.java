package io.weakpair.backend;

/** Elementwise unary operations; codes match wp_unary_op in native/include/wp/elementwise.h. */
public enum UnaryOp {
    /** y = alpha * x + beta. */
    AFFINE(0),
    NEG(1),
    EXP(2),
    LOG(3),
    TANH(4),
    /** The erf form x/2 (1 + erf(x / sqrt 2)), as BERT and ViT use. */
    GELU(5),
    SQRT(6),
    SQUARE(7),
    RELU(8);

    private final int code;

    UnaryOp(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
