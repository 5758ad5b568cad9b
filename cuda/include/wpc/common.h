/* Shared declarations of the weakpair CUDA C API (libweakpair_cuda.so).
 *
 * Every kernel family header wpc/<family>.h mirrors the CPU header wp/<family>.h: the same
 * function names with the prefix wpc_ instead of wp_, the same arguments (pointers are
 * device pointers) and one more at the end, the cudaStream_t the work is queued on. Work is
 * asynchronous unless a comment says otherwise; argument errors throw std::invalid_argument
 * and launch failures std::runtime_error, like the CPU twins (JavaCPP turns both into Java
 * RuntimeExceptions). Kernels that must report a value (a sum, the first bad index) write
 * it to a caller-provided device pointer instead of returning it, so nothing synchronises. */
#pragma once
#include "wp/common.h"

/* cudaStream_t exactly as the CUDA runtime declares it (driver_types.h), so this header and
 * the JNI glue built from it compile without the CUDA headers; repeating the typedef is
 * legal C11 and C++. */
struct CUstream_st;
typedef struct CUstream_st* cudaStream_t;
