package io.weakpair.backend.cuda;

/**
 * Which implementation the CUDA backend's row softmax uses. BUILTIN is the hand-written kernel
 * of libweakpair_cuda; CUDNN is cudnnSoftmaxForward/Backward through the JavaCPP cuDNN preset
 * (needs libcudnn.so.9 on the machine). Both honour the same contract; the GPU benchmark
 * (bench/gpu) times both so the default can follow the measurement. Select with
 * {@link CudaBackend#setSoftmaxImpl} or {@code -Dweakpair.cuda.softmax=cudnn}.
 */
public enum SoftmaxImpl {
    BUILTIN,
    CUDNN
}
