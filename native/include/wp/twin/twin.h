/* Rules that a CPU kernel and its CUDA twin must compute identically live in wp/twin/ as
 * inline functions both compile: host code here, __host__ __device__ under nvcc (the CUDA
 * emulator build compiles them as plain host code too). */
#pragma once
#include <math.h>
#include <stdint.h>

#if defined(__CUDACC__)
#define WP_TWIN __host__ __device__ __forceinline__
#else
#define WP_TWIN inline
#endif

namespace wp {
namespace twin {

WP_TWIN float sqrt_of(float x) { return sqrtf(x); }
WP_TWIN double sqrt_of(double x) { return sqrt(x); }

}  // namespace twin
}  // namespace wp
