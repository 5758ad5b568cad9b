/**
 * The argument checks of each kernel family, in one place for both backends.
 *
 * <p>A kernel receives raw addresses and trusts the sizes it is given, so a wrong call that
 * reached it would read or write out of bounds: a JVM crash on the CPU, a device fault that
 * kills the CUDA context on a GPU. The ops in {@code io.weakpair.ops} validate their arguments
 * for the user; these classes are the last line in front of the kernels for anyone calling a
 * {@code Backend} directly. Each backend calls the family's check first, with its own device:
 * every tensor must be open, on that device and contiguous, and the shape facts the kernel
 * relies on for memory safety must hold. What a kernel checks itself (dtype support, scalar
 * ranges, index bounds) stays in the kernel, whose message then reaches Java as an exception.
 * A check that fails throws {@link java.lang.IllegalArgumentException} naming the backend
 * method and the tensors. {@link io.weakpair.backend.checks.KernelArgs} holds the primitives
 * the family classes share.
 */
package io.weakpair.backend.checks;
