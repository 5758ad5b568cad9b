package io.weakpair.tensor;

import io.weakpair.backend.Backend;
import io.weakpair.backend.Backends;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An n-dimensional array: a shape and element strides over a {@link Storage} on one device.
 * Views (reshape, transpose, slice) share the storage; {@link #close()} releases this
 * tensor's hold on it. Tensors created while a {@link Scope} is open are closed with it;
 * a tensor no scope owns is closed by hand, or else by a cleaner once it is unreachable
 * ({@link UnownedTensors}).
 *
 * <p>Operations with gradients live in {@code io.weakpair.ops.F}; this class holds the
 * data, the views and the autograd bookkeeping (requiresGrad, grad, the producing node).
 */
public final class Tensor implements AutoCloseable {
    private final Storage storage;
    private final long offset;
    private final int[] shape;
    private final long[] strides;
    private final DType dtype;
    private final long numel;
    private boolean closed;
    Scope owner;
    private UnownedTensors.Hold unowned; // the cleaner's registration while no scope owns this tensor

    private boolean requiresGrad;
    private Tensor grad;
    private GradFn gradFn;
    private String name;

    private Tensor(Storage storage, long offset, int[] shape, long[] strides, DType dtype) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.dtype = dtype;
        this.numel = Shapes.numel(shape);
        Scope.register(this);
    }

    // ---------------------------------------------------------------- creation

    /** Uninitialised tensor. */
    public static Tensor empty(DType dtype, Device device, int... shape) {
        Shapes.validate(shape);
        Backend backend = Backends.get(device);
        long bytes = Shapes.byteCount(Math.max(1, Shapes.numel(shape)), dtype.byteSize(), shape);
        Storage s = Storage.allocate(backend, bytes, Scope.current() == null);
        return new Tensor(s, 0, shape.clone(), Shapes.contiguousStrides(shape), dtype);
    }

    public static Tensor empty(DType dtype, int... shape) {
        return empty(dtype, Device.CPU, shape);
    }

    public static Tensor full(double value, DType dtype, Device device, int... shape) {
        Tensor t = empty(dtype, device, shape);
        t.backend().fill(t, value);
        return t;
    }

    public static Tensor zeros(DType dtype, Device device, int... shape) {
        return full(0, dtype, device, shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return full(0, dtype, Device.CPU, shape);
    }

    public static Tensor ones(DType dtype, Device device, int... shape) {
        return full(1, dtype, device, shape);
    }

    /** A tensor of the same shape, dtype and device as {@code like}, filled with zeros. */
    public static Tensor zerosLike(Tensor like) {
        return zeros(like.dtype, like.device(), like.shape);
    }

    /** A scalar (shape []) on the CPU. */
    public static Tensor scalar(double value, DType dtype) {
        return full(value, dtype, Device.CPU);
    }

    public static Tensor of(float[] data, int... shape) {
        checkLength(data.length, shape);
        Tensor t = empty(DType.F32, shape);
        t.backend().upload(t, data);
        return t;
    }

    public static Tensor of(double[] data, int... shape) {
        checkLength(data.length, shape);
        Tensor t = empty(DType.F64, shape);
        t.backend().upload(t, data);
        return t;
    }

    public static Tensor ofInts(int[] data, int... shape) {
        checkLength(data.length, shape);
        Tensor t = empty(DType.I32, shape);
        t.backend().upload(t, data);
        return t;
    }

    public static Tensor ofLongs(long[] data, int... shape) {
        checkLength(data.length, shape);
        Tensor t = empty(DType.I64, shape);
        t.backend().upload(t, data);
        return t;
    }

    /** Standard normal samples times {@code std}, deterministic for a seed. */
    public static Tensor randn(long seed, double std, DType dtype, Device device, int... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] data = new double[hostLength(shape)];
        for (int i = 0; i < data.length; i++) data[i] = std * gaussian(rng);
        return fromDoubles(data, dtype, device, shape);
    }

    /** Uniform samples in [lo, hi), deterministic for a seed. */
    public static Tensor uniform(long seed, double lo, double hi, DType dtype, Device device, int... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] data = new double[hostLength(shape)];
        for (int i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * rng.nextDouble();
        return fromDoubles(data, dtype, device, shape);
    }

    /** The element count of a shape generated on the host, or an error naming the shape. */
    private static int hostLength(int[] shape) {
        Shapes.validate(shape);
        long n = Shapes.numel(shape);
        if (n > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("random tensor of shape " + Arrays.toString(shape) + " has " + n
                    + " elements, more than one host array holds");
        return (int) n;
    }

    /** Copies doubles into a new tensor of a floating dtype on a device. */
    public static Tensor fromDoubles(double[] data, DType dtype, Device device, int... shape) {
        if (!dtype.isFloating())
            throw new IllegalArgumentException("fromDoubles: dtype must be F32, F64 or BF16, got " + dtype);
        try (Tensor host = of(data, shape)) {
            Tensor cast = dtype == DType.F64 ? host.copy() : host.toDType(dtype);
            if (device.isCpu()) return cast;
            try (cast) {
                return cast.to(device);
            }
        }
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller; one sample per call keeps the stream simple to reproduce.
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static void checkLength(int length, int[] shape) {
        Shapes.validate(shape);
        if (length != Shapes.numel(shape))
            throw new IllegalArgumentException("data has " + length + " elements but shape " + Arrays.toString(shape)
                    + " needs " + Shapes.numel(shape));
    }

    // ---------------------------------------------------------------- metadata

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[Shapes.axis(axis, shape.length, "dim")];
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        return numel;
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return storage.device();
    }

    public Backend backend() {
        return storage.backend();
    }

    public long[] strides() {
        return strides.clone();
    }

    /** Element offset of this view into its storage. */
    public long offset() {
        return offset;
    }

    public Storage storage() {
        return storage;
    }

    public boolean isContiguous() {
        return Shapes.isContiguous(shape, strides);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Address of the first element (host or device pointer); throws if the tensor is closed. */
    public long address() {
        if (closed) throw new IllegalStateException("tensor " + describe() + " is closed");
        return storage.address() + offset * dtype.byteSize();
    }

    /** Throws a message naming {@code op} when this tensor is closed. */
    public Tensor checkOpen(String op) {
        if (closed) throw new IllegalStateException(op + ": input tensor " + describe() + " is closed");
        return this;
    }

    public String name() {
        return name;
    }

    public Tensor setName(String name) {
        this.name = name;
        return this;
    }

    /** "F32[2, 3]@cpu", with the name if it has one. */
    public String describe() {
        return (name != null ? name + ":" : "") + dtype + Arrays.toString(shape) + "@" + storage.device();
    }

    @Override
    public String toString() {
        return "Tensor(" + describe() + ")";
    }

    // ---------------------------------------------------------------- raw views (no autograd)

    /**
     * A view with new shape, strides and offset (in elements) over the same storage; it must
     * lie inside the storage (non-negative strides; stride 0 repeats an element, as broadcasting does).
     */
    public Tensor view(int[] newShape, long[] newStrides, long newOffset) {
        checkOpen("view");
        if (newShape == null || newStrides == null)
            throw new IllegalArgumentException("view of " + describe() + ": null shape or strides");
        Shapes.checkView(newShape, newStrides, newOffset, storage.bytes() / dtype.byteSize(), describe());
        storage.retain();
        return new Tensor(storage, newOffset, newShape.clone(), newStrides.clone(), dtype);
    }

    /** A view of a contiguous tensor with another shape of the same size (no autograd). */
    public Tensor viewAs(int... newShape) {
        checkOpen("view");
        newShape = Shapes.inferReshape(newShape, numel, "view", shape);
        if (!isContiguous())
            throw new IllegalStateException(
                    "view: tensor " + describe() + " is not contiguous; call contiguous() first");
        return view(newShape, Shapes.contiguousStrides(newShape), offset);
    }

    /** This tensor if contiguous (as a new handle), else a contiguous copy. No autograd. */
    public Tensor contiguous() {
        checkOpen("contiguous");
        if (isContiguous()) return view(shape, strides, offset);
        return copy();
    }

    /** A contiguous copy on the same device. No autograd. */
    public Tensor copy() {
        checkOpen("copy");
        Tensor out = empty(dtype, device(), shape);
        backend().copy(this, out);
        return out;
    }

    /**
     * A contiguous copy converted to another dtype. No autograd. To and from {@link DType#BF16}
     * (F32 and F64 only): widening is exact, narrowing rounds to nearest, ties to even, NaN stays
     * NaN, overflow gives infinity, subnormals are kept (docs/precision.md).
     */
    public Tensor toDType(DType target) {
        checkOpen("toDType");
        try (Tensor c = contiguous()) {
            Tensor out = empty(target, device(), shape);
            backend().cast(c, out);
            return out;
        }
    }

    /** A contiguous copy on another device (a copy even when the device is the same). No autograd. */
    public Tensor to(Device target) {
        checkOpen("to");
        if (target.equals(device())) return copy();
        try (Tensor c = contiguous()) {
            Tensor out = empty(dtype, target, shape);
            if (device().isCpu()) out.backend().upload(out, c);
            else c.backend().download(c, out);
            return out;
        }
    }

    // ---------------------------------------------------------------- reading values

    public float[] toFloatArray() {
        try (Tensor h = hostContiguous(DType.F32)) {
            float[] a = new float[arrayLength("read")];
            h.backend().download(h, a);
            return a;
        }
    }

    public double[] toDoubleArray() {
        try (Tensor h = hostContiguous(DType.F64)) {
            double[] a = new double[arrayLength("read")];
            h.backend().download(h, a);
            return a;
        }
    }

    public int[] toIntArray() {
        try (Tensor h = hostContiguous(DType.I32)) {
            int[] a = new int[arrayLength("read")];
            h.backend().download(h, a);
            return a;
        }
    }

    public long[] toLongArray() {
        try (Tensor h = hostContiguous(DType.I64)) {
            long[] a = new long[arrayLength("read")];
            h.backend().download(h, a);
            return a;
        }
    }

    /** numel as a Java array length, or an error naming the op and the tensor when it is too large for one. */
    private int arrayLength(String op) {
        if (numel > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(
                    op + ": tensor " + describe() + " has " + numel + " elements, more than a Java array holds");
        return (int) numel;
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel != 1)
            throw new IllegalStateException("item: tensor " + describe() + " has " + numel + " elements, not 1");
        return toDoubleArray()[0];
    }

    /** A contiguous host copy (or handle) in the given dtype. */
    private Tensor hostContiguous(DType target) {
        checkOpen("read");
        Tensor h = device().isCpu() ? contiguous() : to(Device.CPU);
        if (h.dtype == target) return h;
        try (h) {
            return h.toDType(target);
        }
    }

    // ---------------------------------------------------------------- autograd bookkeeping

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as needing a gradient. Returns this. */
    public Tensor requiresGrad(boolean value) {
        if (!value && gradFn != null)
            throw new IllegalStateException("cannot clear requiresGrad on a non-leaf tensor " + describe());
        if (value && dtype.isStorageOnly())
            throw new IllegalArgumentException(
                    dtype + " tensors cannot require gradients (" + describe() + "): autograd computes in F32 or"
                            + " F64; " + dtype + " is a storage dtype (keep F32 master weights)");
        if (value && !dtype.isFloating())
            throw new IllegalArgumentException("only floating tensors can require gradients, not " + describe());
        this.requiresGrad = value;
        return this;
    }

    /** The accumulated gradient of a leaf, or null. Owned by this tensor. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the gradient (the old one is closed). The new one becomes owned by this tensor. */
    public void setGrad(Tensor g) {
        if (grad != null && grad != g) grad.close();
        if (g != null) Scope.detach(g);
        grad = g;
    }

    /** Hands the gradient over to the caller (who closes it) and leaves none here; null if there is none. */
    public Tensor takeGrad() {
        Tensor g = grad;
        grad = null;
        return g;
    }

    /** Drops the accumulated gradient. */
    public void zeroGrad() {
        setGrad(null);
    }

    /** The node that produced this tensor, or null for a leaf. It stays after close, so a backward can still pass through. */
    public GradFn gradFn() {
        return gradFn;
    }

    /** Called by the autograd recorder when an op output is attached to its node. */
    public void attachGradFn(GradFn node) {
        this.gradFn = node;
        this.requiresGrad = true;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    // ---------------------------------------------------------------- lifetime

    /** Whether the cleaner is this tensor's safety net (no scope owns it and it is open). */
    boolean hasCleaner() {
        return unowned != null;
    }

    /** Hands this tensor to the cleaner: no scope owns it (any more). */
    void becomeUnowned() {
        owner = null;
        if (!closed && unowned == null) unowned = UnownedTensors.register(this, storage);
    }

    /** Releases this handle's hold on the storage (and its gradient). Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (unowned != null) {
            unowned.closeByOwner(); // releases the storage once and unregisters the cleaner
            unowned = null;
        } else {
            storage.release();
        }
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }
}
