package io.weakpair.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * CPU-only work must not load anything CUDA: a fresh JVM runs CPU ops (and the device
 * resolution of --device cpu) and lists the native libraries JavaCPP loaded.
 */
class CpuOnlyLoadsNoCudaTest {
    /** The child process. */
    public static void main(String[] args) {
        io.weakpair.tensor.Device d = io.weakpair.backend.Backends.resolve("cpu");
        try (io.weakpair.tensor.Tensor a =
                        io.weakpair.tensor.Tensor.randn(1, 1, io.weakpair.tensor.DType.F32, d, 8, 8);
                io.weakpair.tensor.Tensor b = io.weakpair.ops.F.matmul(a, a);
                io.weakpair.tensor.Tensor c = io.weakpair.ops.F.tanh(b)) {
            System.out.println("sum " + io.weakpair.ops.F.sum(c).item());
        }
        System.out.println(
                "LOADED " + org.bytedeco.javacpp.Loader.getLoadedLibraries().keySet());
        boolean cudaClasses = false;
        // The classes whose static initialisers load CUDA libraries.
        for (String name : List.of(
                "org.bytedeco.cuda.global.cudart",
                "org.bytedeco.cuda.global.cublas",
                "io.weakpair.nativ.cuda.CudaKernels")) {
            if (isLoaded(name)) {
                System.out.println("CLASS " + name);
                cudaClasses = true;
            }
        }
        System.out.println("CUDA_CLASSES " + cudaClasses);
    }

    private static boolean isLoaded(String name) {
        try {
            java.lang.reflect.Method m = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
            m.setAccessible(true);
            return m.invoke(ClassLoader.getSystemClassLoader(), name) != null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // cannot tell without --add-opens; the library list still decides
        }
    }

    /** The test's class path: java.class.path (surefire), plus a launcher's class-loader URLs (JUnit console). */
    private static String classPath() throws Exception {
        StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
        if (CpuOnlyLoadsNoCudaTest.class.getClassLoader() instanceof java.net.URLClassLoader loader)
            for (java.net.URL url : loader.getURLs())
                cp.append(File.pathSeparator).append(new File(url.toURI()).getPath());
        return cp.toString();
    }

    @Test
    void cpuWorkLoadsNoCudaLibrary() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(
                        java,
                        "--add-opens",
                        "java.base/java.lang=ALL-UNNAMED",
                        "-cp",
                        classPath(),
                        CpuOnlyLoadsNoCudaTest.class.getName())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        String loaded =
                out.lines().filter(l -> l.startsWith("LOADED ")).findFirst().orElseThrow();
        assertTrue(loaded.contains("weakpair_cpu"), "the CPU library was loaded: " + loaded);
        for (String forbidden : List.of("cuda", "cublas", "cudnn"))
            assertFalse(loaded.toLowerCase().contains(forbidden), "CPU-only work loaded " + forbidden + ": " + loaded);
        assertTrue(out.contains("CUDA_CLASSES false"), out);
    }
}
