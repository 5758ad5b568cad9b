package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.Loader;

/**
 * Loads the CUDA kernel library (libweakpair_cuda.so, beside the JNI glue in this package)
 * for a binding class. Nothing else: the CUDA runtime is linked into that library, so it
 * needs only the driver; the CPU backend never reaches this class.
 */
public final class CudaNativeLoader {
    private CudaNativeLoader() {}

    public static void load(Class<?> bindingClass) {
        try {
            Loader.load(bindingClass);
        } catch (UnsatisfiedLinkError e) {
            UnsatisfiedLinkError wrapped = new UnsatisfiedLinkError("weakpair: cannot load the CUDA kernel library for "
                    + bindingClass.getSimpleName() + " (" + e.getMessage() + ")");
            wrapped.initCause(e);
            throw wrapped;
        }
    }
}
