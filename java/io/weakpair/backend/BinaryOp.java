package io.weakpair.backend;

/** Elementwise binary operations; codes match wp_binary_op in native/include/wp/elementwise.h. */
public enum BinaryOp {
    ADD(0),
    SUB(1),
    MUL(2),
    DIV(3);

    private final int code;

    BinaryOp(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
