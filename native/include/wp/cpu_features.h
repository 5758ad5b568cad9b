/* What the host CPU offers the kernels, read by CPUID (and XGETBV: the operating system must
 * also save the wider registers for an instruction set to be usable). */
#pragma once
#include "wp/common.h"

/* Bits of wp_cpu_features(). */
#define WP_CPU_AVX2 1
#define WP_CPU_FMA 2
#define WP_CPU_AVX512F 4
#define WP_CPU_AVX512_BF16 8
#define WP_CPU_AMX_BF16 16
/* Set when the CPU is not x86-64 or CPUID is unavailable: the other bits then say nothing. */
#define WP_CPU_UNKNOWN 0x40000000

/* The features usable here: reported by the CPU and enabled by the operating system. */
WP_API int32_t wp_cpu_features(void);
