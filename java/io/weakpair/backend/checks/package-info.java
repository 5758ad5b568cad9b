/**
 * The argument checks of each kernel family, the one Java check layer of both backends.
 *
 * <p>A kernel receives raw addresses and trusts the sizes it is given, so a wrong call that
 * reached it would read or write out of bounds: a JVM crash on the CPU, a device fault that
 * kills the CUDA context on a GPU. The ops in {@code io.weakpair.ops} validate their arguments
 * for the user; these classes are the last line in front of the kernels for anyone calling a
 * {@code Backend} directly. Each backend calls the family's {@code <Family>Checks} method
 * first, with its own device, before any native call: required tensors present, every tensor
 * open, on that device and contiguous (strided kernels: open and on the device), floating
 * where the kernel has no integer version, and the shape facts the kernel relies on for
 * memory safety. Neither backend adds checks of its own beyond what concerns the device
 * itself (a CUDA transfer's residency). What a kernel checks itself (index bounds, eps) stays
 * in the kernel, whose message then reaches Java as an exception. A check that fails throws
 * {@link java.lang.IllegalArgumentException} naming the backend method and the offending
 * tensor (a closed tensor: {@link java.lang.IllegalStateException}). {@link io.weakpair.backend.checks.KernelArgs} holds the primitives the family
 * classes share.
 */
package io.weakpair.backend.checks;
