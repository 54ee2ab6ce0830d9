// Batched matrix multiply on oneDNN's sgemm (row-major, transposes handled by the gemm),
// with _FusedMatMul's bias and activation applied in the same pass over the output.
//
// params (Int32Array, 7): batchA, batchB, M, N, K, transposeA, transposeB.
// a: batchA × (M×K, or K×M when transposed); b: batchB × (K×N, or N×K); out: batch × M×N with
// batch = max(batchA, batchB) — a batch of 1 is broadcast, as tfjs does.
#include <algorithm>
#include <cmath>

#include "common.h"

namespace g2rl {
namespace {

// Same codes as the convolution's activations.
inline float activate(float v, int activation, float alpha) {
  switch (activation) {
    case 1: return v > 0.f ? v : 0.f;
    case 2: return std::min(std::max(v, 0.f), 6.f);
    case 3: return v < 0.f ? alpha * v : v;
    case 4: return v < 0.f ? std::expm1(v) : v;
    case 5: return 1.f / (1.f + std::exp(-v));
    default: return v;
  }
}

// matMul(a, b, out, params, bias | null, activation, alpha)
// bias has length N (one per output column) or 1.
Napi::Value MatMul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float* a = floatArg(info, 0, "a");
  const float* b = floatArg(info, 1, "b");
  float* out = floatArg(info, 2, "out");
  const int32_t* p = intArrayArg(info, 3, "params", 7);
  const float* bias = optionalFloatArg(info, 4, "bias");
  size_t biasLength = bias ? floatLength(info, 4) : 0;
  int activation = intArg(info, 5, "activation");
  float alpha = static_cast<float>(numberArg(info, 6, "alpha"));
  const int64_t batchA = p[0], batchB = p[1], M = p[2], N = p[3], K = p[4];
  const bool transA = p[5] != 0, transB = p[6] != 0;
  if (batchA != batchB && batchA != 1 && batchB != 1) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native matMul: batch sizes must match or be 1");
  }
  const int64_t batch = std::max(batchA, batchB);
  const int64_t lda = transA ? M : K, ldb = transB ? K : N;
  const int64_t strideA = batchA == 1 ? 0 : M * K, strideB = batchB == 1 ? 0 : K * N;

  auto one = [&](int64_t i) {
    return dnnl_sgemm(transA ? 'T' : 'N', transB ? 'T' : 'N', M, N, K, 1.f, a + i * strideA, lda,
                      b + i * strideB, ldb, 0.f, out + i * M * N, N);
  };
  dnnl_status_t status = dnnl_success;
  if (batch > 1 && M * N * K < (1 << 18) && batch * M * N * K > (1 << 22)) {
    // Small matrices: one gemm per thread beats one threaded gemm at a time.
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < batch; ++i) {
      dnnl_status_t s = one(i);
      if (s != dnnl_success) status = s;
    }
  } else {
    for (int64_t i = 0; i < batch && status == dnnl_success; ++i) status = one(i);
  }
  check(env, status, "sgemm");

  if (bias || activation != 0) {
    const int64_t total = batch * M * N;
#pragma omp parallel for schedule(static) if (total > kParallelThreshold)
    for (int64_t row = 0; row < batch * M; ++row) {
      float* r = out + row * N;
      for (int64_t j = 0; j < N; ++j) {
        float v = r[j];
        if (bias) v += biasLength == 1 ? bias[0] : bias[j];
        r[j] = activate(v, activation, alpha);
      }
    }
  }
  return env.Undefined();
}

}  // namespace

void registerMatMul(Napi::Env env, Napi::Object exports) {
  exportFunction<MatMul>(env, exports, "matMul");
}

}  // namespace g2rl
