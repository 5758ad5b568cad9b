package io.weakpair.backend.cuda;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * JavaCPP pointer objects aimed at raw device addresses, for the presets' cuBLAS and cuDNN
 * calls (which take typed Pointer arguments). They own nothing; the mutable ones are reused
 * by one synchronised caller to avoid an allocation per call.
 */
final class DevicePointers {
    private DevicePointers() {}

    /** A plain pointer at an address. */
    static Pointer raw(long address) {
        return new Pointer() {
            {
                this.address = address;
            }
        };
    }

    static final class Floats extends FloatPointer {
        Floats() {
            super((Pointer) null);
        }

        Floats at(long address) {
            this.address = address;
            return this;
        }
    }

    static final class Doubles extends DoublePointer {
        Doubles() {
            super((Pointer) null);
        }

        Doubles at(long address) {
            this.address = address;
            return this;
        }
    }
}
