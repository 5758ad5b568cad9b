package io.weakpair.nativ.presets;

import org.bytedeco.javacpp.tools.Info;
import org.bytedeco.javacpp.tools.InfoMap;

/**
 * The type rules both kernel presets share: how the C API's types become Java types in the
 * generated bindings.
 *
 * <p>Every pointer the C API takes is a tensor's raw address, which Java already holds as a
 * {@code long} ({@code Tensor.address()}); passing it straight through is the cheapest JNI call
 * there is (no {@code Pointer} object per argument, no field reads in the glue). So {@code void*},
 * {@code int32_t*} and {@code double*} map to {@code @Cast("...*") long}. The one exception is
 * {@code int64_t*}: a shape or stride array comes from Java as a {@code long[]}, so it gets two
 * overloads, the raw address and {@code long[]} (JavaCPP pins or copies the array).
 */
final class KernelTypeMapping {
    private KernelTypeMapping() {}

    static void map(InfoMap infoMap) {
        // WP_API is visibility and extern "C" for the C++ compiler; nothing the parser needs to see.
        infoMap.put(new Info("WP_API", "WP_EXTERN_C").cppTypes().annotations());
        infoMap.put(new Info("void").valueTypes("void").pointerTypes("@Cast(\"void*\") long"));
        infoMap.put(new Info("int32_t").cast().valueTypes("int").pointerTypes("long"));
        infoMap.put(new Info("int64_t").cast().valueTypes("long").pointerTypes("long", "long[]"));
        infoMap.put(new Info("double").valueTypes("double").pointerTypes("@Cast(\"double*\") long"));
    }

    /**
     * The bulk transfer function {@code name(void* dst, const void* src, int64_t bytes[, stream])}
     * as Java sees it: raw address to raw address, plus one overload per primitive array type in
     * each direction, so an upload or download reads or writes the Java array in place.
     */
    static String arrayCopies(String name, String streamParameter) {
        StringBuilder text = new StringBuilder();
        String tail = ", @Cast(\"int64_t\") long bytes" + streamParameter + ");\n";
        text.append("public static native void ")
                .append(name)
                .append("(@Cast(\"void*\") long dst, @Cast(\"const void*\") long src")
                .append(tail);
        for (String array : new String[] {"float[]", "double[]", "int[]", "long[]", "byte[]"}) {
            text.append("public static native void ")
                    .append(name)
                    .append("(@Cast(\"void*\") long dst, @Cast(\"const void*\") ")
                    .append(array)
                    .append(" src")
                    .append(tail);
            text.append("public static native void ")
                    .append(name)
                    .append("(@Cast(\"void*\") ")
                    .append(array)
                    .append(" dst, @Cast(\"const void*\") long src")
                    .append(tail);
        }
        return text.toString();
    }
}
