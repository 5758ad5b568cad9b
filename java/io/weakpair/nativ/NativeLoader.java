package io.weakpair.nativ;

import org.bytedeco.javacpp.Loader;

/**
 * Loads the native libraries of the CPU backend in the order the dynamic linker needs:
 * OpenBLAS from its JavaCPP preset first (libweakpair_cpu.so links against that same
 * libopenblas.so.0), then the binding class's own JNI library.
 */
public final class NativeLoader {
    private static volatile boolean openblasLoaded;

    private NativeLoader() {}

    /** Loads OpenBLAS (once) and then the JNI library of {@code bindingClass}. */
    public static void load(Class<?> bindingClass) {
        ensureOpenBlas();
        try {
            Loader.load(bindingClass);
        } catch (UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError("weakpair: cannot load the native library for " + bindingClass.getSimpleName()
                    + " (" + e.getMessage() + "); rebuild with `mvn -q -DskipTests package` so target/classes holds "
                    + "libweakpair_cpu.so and its JNI glue");
        }
    }

    private static synchronized void ensureOpenBlas() {
        if (openblasLoaded) return;
        Loader.load(org.bytedeco.openblas.global.openblas_nolapack.class);
        openblasLoaded = true;
    }
}
