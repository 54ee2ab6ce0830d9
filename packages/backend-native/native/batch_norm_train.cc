// Training-mode batch normalisation with an optional ReLU, forward and backward, as two native
// kernels (tf.layers builds it from moments, a batch norm and a ReLU: ~10 full-size ops
// forward and ~20 in the gradient). x is viewed as M×C (NHWC: M = N·H·W rows of C channels).
//   forward:  μ = Σx/M, σ² = Σ(x−μ)²/M (the batch's biased variance, as tf.moments),
//             y = [relu] (γ·(x−μ)/√(σ²+ε) + β)
//   backward: g = dy where y > 0, else 0 (all of dy without the ReLU), x̂ = (x−μ)/√(σ²+ε),
//             dβ = Σg, dγ = Σg·x̂, dx = γ/√(σ²+ε) · (g − dβ/M − x̂·dγ/M)
// (dx is the full derivative through μ and σ²: the batch statistics depend on x.)
// Per-channel sums are accumulated in double, per thread, then combined.
#include <immintrin.h>
#include <omp.h>

#include <cmath>
#include <vector>

#include "common.h"

namespace g2rl {
namespace {

// g = dy masked by y > 0, four lanes at a time with SSE compares: written as a plain `?:`,
// GCC made the loop branchy and data-dependent (25× slower on half-zero ReLU outputs).
inline __m128 reluMasked(const float* dy, const float* y, int64_t j) {
  return _mm_and_ps(_mm_cmpgt_ps(_mm_loadu_ps(y + j), _mm_setzero_ps()), _mm_loadu_ps(dy + j));
}
inline float reluMasked1(float dy, float y) { return y > 0.f ? dy : 0.f; }

// Per-channel Σx (center null) or Σ(x − center)² over x M×C: float partial sums over blocks of
// 64 rows (vectorised across channels), folded into double per thread, then combined.
void channelSums(const float* x, int64_t rows, int64_t channels, const float* center, std::vector<double>& sums) {
  sums.assign(channels, 0.0);
  ThreadPartials partials(channels, 0.0);
#pragma omp parallel if (rows * channels > kParallelThreshold)
  {
    double* local = partials.mine();
    std::vector<float> blockv(channels);
    float* __restrict block = blockv.data();
    constexpr int64_t kBlock = 64;
#pragma omp for schedule(static)
    for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
      const int64_t r1 = r0 + kBlock < rows ? r0 + kBlock : rows;
      std::fill(block, block + channels, 0.f);
      for (int64_t r = r0; r < r1; ++r) {
        const float* __restrict xr = x + r * channels;
        if (center) {
#pragma omp simd
          for (int64_t c = 0; c < channels; ++c) {
            const float d = xr[c] - center[c];
            block[c] += d * d;
          }
        } else {
#pragma omp simd
          for (int64_t c = 0; c < channels; ++c) block[c] += xr[c];
        }
      }
      for (int64_t c = 0; c < channels; ++c) local[c] += block[c];
    }
  }
  partials.combine(sums.data(), addTo);
}

// batchNormTrain(x, gamma, beta, y, mean, variance, epsilon, relu): x, y M×C; the rest C.
Napi::Value BatchNormTrain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float* x = floatArg(info, 0, "x");
  const float* gamma = floatArg(info, 1, "gamma");
  const float* beta = floatArg(info, 2, "beta");
  float* y = floatArg(info, 3, "y");
  float* mean = floatArg(info, 4, "mean");
  float* variance = floatArg(info, 5, "variance");
  const double epsilon = numberArg(info, 6, "epsilon");
  const bool relu = info.Length() > 7 && info[7].ToBoolean().Value();
  const int64_t size = static_cast<int64_t>(floatLength(info, 0));
  const int64_t channels = static_cast<int64_t>(floatLength(info, 1));
  if (channels < 1 || size % channels || static_cast<int64_t>(floatLength(info, 2)) != channels ||
      static_cast<int64_t>(floatLength(info, 3)) != size || static_cast<int64_t>(floatLength(info, 4)) != channels ||
      static_cast<int64_t>(floatLength(info, 5)) != channels) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native batchNormTrain: inconsistent lengths");
  }
  const int64_t rows = size / channels;
  if (rows < 1) throw Napi::RangeError::New(env, "@g2rl/backend-native batchNormTrain: empty batch");
  std::vector<double> s1, s2;
  channelSums(x, rows, channels, nullptr, s1);
  std::vector<float> mu(channels);
  for (int64_t c = 0; c < channels; ++c) mu[c] = static_cast<float>(s1[c] / rows);
  // Second pass about the mean (not E[x²] − μ²): no cancellation when |μ| ≫ σ.
  const float* m = mu.data();
  channelSums(x, rows, channels, m, s2);
  std::vector<float> k(channels), o(channels);
  for (int64_t c = 0; c < channels; ++c) {
    const double var = s2[c] / rows;
    mean[c] = mu[c];
    variance[c] = static_cast<float>(var);
    k[c] = static_cast<float>(gamma[c] / std::sqrt(var + epsilon));
    o[c] = beta[c];
  }
  const float* kk = k.data();
  const float* oo = o.data();
#pragma omp parallel for schedule(static) if (size > kParallelThreshold)
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * channels;
    float* yr = y + r * channels;
    if (relu) {
#pragma omp simd
      for (int64_t c = 0; c < channels; ++c) yr[c] = std::max(0.f, oo[c] + (xr[c] - m[c]) * kk[c]);
    } else {
#pragma omp simd
      for (int64_t c = 0; c < channels; ++c) yr[c] = oo[c] + (xr[c] - m[c]) * kk[c];
    }
  }
  return env.Undefined();
}

// batchNormTrainGrad(dy, x, y, gamma, mean, variance, epsilon, relu, dx, dgamma, dbeta)
Napi::Value BatchNormTrainGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float* dy = floatArg(info, 0, "dy");
  const float* x = floatArg(info, 1, "x");
  const float* y = floatArg(info, 2, "y");
  const float* gamma = floatArg(info, 3, "gamma");
  const float* mean = floatArg(info, 4, "mean");
  const float* variance = floatArg(info, 5, "variance");
  const double epsilon = numberArg(info, 6, "epsilon");
  const bool relu = info[7].ToBoolean().Value();
  float* dx = floatArg(info, 8, "dx");
  float* dgamma = floatArg(info, 9, "dgamma");
  float* dbeta = floatArg(info, 10, "dbeta");
  const int64_t size = static_cast<int64_t>(floatLength(info, 0));
  const int64_t channels = static_cast<int64_t>(floatLength(info, 3));
  const size_t c = static_cast<size_t>(channels);
  if (channels < 1 || size % channels || static_cast<int64_t>(floatLength(info, 1)) != size ||
      static_cast<int64_t>(floatLength(info, 2)) != size || static_cast<int64_t>(floatLength(info, 8)) != size ||
      floatLength(info, 4) != c || floatLength(info, 5) != c || floatLength(info, 9) != c || floatLength(info, 10) != c) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native batchNormTrainGrad: inconsistent lengths");
  }
  const int64_t rows = size / channels;
  std::vector<float> inv(channels);
  for (int64_t j = 0; j < channels; ++j) inv[j] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(variance[j]) + epsilon));
  const float* iv = inv.data();
  // Σg and Σg·(x − μ) per channel (Σg·x̂ = Σg·(x − μ) / √(σ² + ε)); float partial sums
  // over blocks of rows (vectorised across channels), folded into double per thread.
  std::vector<double> sumG(channels, 0.0), sumGx(channels, 0.0);
  ThreadPartials partialG(channels, 0.0), partialGx(channels, 0.0);
#pragma omp parallel if (size > kParallelThreshold)
  {
    double* l1 = partialG.mine();
    double* l2 = partialGx.mine();
    std::vector<float> b1v(channels), b2v(channels);
    float* __restrict b1 = b1v.data();
    float* __restrict b2 = b2v.data();
    constexpr int64_t kBlock = 64;
#pragma omp for schedule(static)
    for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
      const int64_t r1 = r0 + kBlock < rows ? r0 + kBlock : rows;
      std::fill(b1, b1 + channels, 0.f);
      std::fill(b2, b2 + channels, 0.f);
      for (int64_t r = r0; r < r1; ++r) {
        const float* __restrict dyr = dy + r * channels;
        const float* __restrict xr = x + r * channels;
        const float* __restrict yr = y + r * channels;
        if (relu) {
          int64_t j = 0;
          for (; j + 4 <= channels; j += 4) {
            const __m128 g = reluMasked(dyr, yr, j);
            const __m128 d = _mm_sub_ps(_mm_loadu_ps(xr + j), _mm_loadu_ps(mean + j));
            _mm_storeu_ps(b1 + j, _mm_add_ps(_mm_loadu_ps(b1 + j), g));
            _mm_storeu_ps(b2 + j, _mm_add_ps(_mm_loadu_ps(b2 + j), _mm_mul_ps(g, d)));
          }
          for (; j < channels; ++j) {
            const float g = reluMasked1(dyr[j], yr[j]);
            b1[j] += g;
            b2[j] += g * (xr[j] - mean[j]);
          }
        } else {
#pragma omp simd
          for (int64_t j = 0; j < channels; ++j) {
            b1[j] += dyr[j];
            b2[j] += dyr[j] * (xr[j] - mean[j]);
          }
        }
      }
      for (int64_t j = 0; j < channels; ++j) {
        l1[j] += b1[j];
        l2[j] += b2[j];
      }
    }
    for (int64_t j = 0; j < channels; ++j) l2[j] *= iv[j];
  }
  partialG.combine(sumG.data(), addTo);
  partialGx.combine(sumGx.data(), addTo);
  std::vector<float> a(channels), b(channels), scale(channels);
  for (int64_t j = 0; j < channels; ++j) {
    dbeta[j] = static_cast<float>(sumG[j]);
    dgamma[j] = static_cast<float>(sumGx[j]);
    scale[j] = gamma[j] * iv[j];
    a[j] = static_cast<float>(sumG[j] / rows);
    b[j] = static_cast<float>(sumGx[j] / rows);
  }
  const float* aa = a.data();
  const float* bb = b.data();
  const float* ss = scale.data();
#pragma omp parallel for schedule(static) if (size > kParallelThreshold)
  for (int64_t r = 0; r < rows; ++r) {
    const float* dyr = dy + r * channels;
    const float* xr = x + r * channels;
    const float* yr = y + r * channels;
    float* dxr = dx + r * channels;
    int64_t j = 0;
    if (relu) {
      for (; j + 4 <= channels; j += 4) {
        const __m128 g = reluMasked(dyr, yr, j);
        const __m128 xhat = _mm_mul_ps(_mm_sub_ps(_mm_loadu_ps(xr + j), _mm_loadu_ps(mean + j)), _mm_loadu_ps(iv + j));
        const __m128 inner = _mm_sub_ps(_mm_sub_ps(g, _mm_loadu_ps(aa + j)), _mm_mul_ps(xhat, _mm_loadu_ps(bb + j)));
        _mm_storeu_ps(dxr + j, _mm_mul_ps(_mm_loadu_ps(ss + j), inner));
      }
    }
    for (; j < channels; ++j) {
      const float g = relu ? reluMasked1(dyr[j], yr[j]) : dyr[j];
      const float xhat = (xr[j] - mean[j]) * iv[j];
      dxr[j] = ss[j] * (g - aa[j] - xhat * bb[j]);
    }
  }
  return env.Undefined();
}

}  // namespace

void registerBatchNormTrain(Napi::Env env, Napi::Object exports) {
  exportFunction<BatchNormTrain>(env, exports, "batchNormTrain");
  exportFunction<BatchNormTrainGrad>(env, exports, "batchNormTrainGrad");
}

}  // namespace g2rl
