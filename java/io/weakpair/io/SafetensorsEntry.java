package io.weakpair.io;

import java.util.Arrays;

/**
 * One tensor's header record: name, dtype, shape and its byte range [begin, end) relative to
 * the start of the data section. Entries come out of the header already validated.
 */
public record SafetensorsEntry(String name, SafetensorsDType dtype, int[] shape, long begin, long end) {
    public SafetensorsEntry {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public long numel() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public long byteSize() {
        return end - begin;
    }

    public int rank() {
        return shape.length;
    }

    @Override
    public String toString() {
        return name + ":" + dtype + Arrays.toString(shape) + "@[" + begin + ", " + end + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetensorsEntry e
                && name.equals(e.name)
                && dtype == e.dtype
                && Arrays.equals(shape, e.shape)
                && begin == e.begin
                && end == e.end;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(shape);
    }
}
