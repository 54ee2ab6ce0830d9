// Training-mode batch normalisation with an optional ReLU, forward and backward, as two native
// kernels (tf.layers builds it from moments, a batch norm and a ReLU: ~10 full-size ops
// forward and ~20 in the gradient). x is viewed as M×C (NHWC: M = N·H·W rows of C channels).
//   forward:  μ = Σx/M, σ² = Σ(x−μ)²/M (the batch's biased variance, as tf.moments),
//             y = [relu] (γ·(x−μ)/√(σ²+ε) + β)
//   backward: g = dy·[y > 0] (all of dy without the ReLU), x̂ = (x−μ)/√(σ²+ε),
//             dβ = Σg, dγ = Σg·x̂, dx = γ/√(σ²+ε) · (g − dβ/M − x̂·dγ/M)
// (dx is the full derivative through μ and σ²: the batch statistics depend on x.)
// Per-channel sums are accumulated in double, per thread, then combined.
#include <omp.h>

#include <cmath>
#include <vector>

#include "common.h"

namespace g2rl {
namespace {

// Per-channel Σa and Σa·b (b may be null: Σa only) over M rows, a, b M×C; double accumulation.
template <typename Term1, typename Term2>
void channelSums(int64_t rows, int64_t channels, Term1 first, Term2 second, std::vector<double>& s1,
                 std::vector<double>& s2) {
  s1.assign(channels, 0.0);
  s2.assign(channels, 0.0);
#pragma omp parallel if (rows * channels > kParallelThreshold)
  {
    std::vector<double> l1(channels, 0.0), l2(channels, 0.0);
    // Float partial sums over blocks of rows vectorise; each block is folded into double.
    std::vector<float> b1(channels), b2(channels);
    constexpr int64_t kBlock = 64;
#pragma omp for schedule(static)
    for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
      const int64_t r1 = r0 + kBlock < rows ? r0 + kBlock : rows;
      std::fill(b1.begin(), b1.end(), 0.f);
      std::fill(b2.begin(), b2.end(), 0.f);
      for (int64_t r = r0; r < r1; ++r) {
#pragma omp simd
        for (int64_t c = 0; c < channels; ++c) {
          b1[c] += first(r, c);
          b2[c] += second(r, c);
        }
      }
      for (int64_t c = 0; c < channels; ++c) {
        l1[c] += b1[c];
        l2[c] += b2[c];
      }
    }
#pragma omp critical
    for (int64_t c = 0; c < channels; ++c) {
      s1[c] += l1[c];
      s2[c] += l2[c];
    }
  }
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
  channelSums(rows, channels, [&](int64_t r, int64_t c) { return x[r * channels + c]; },
              [](int64_t, int64_t) { return 0.f; }, s1, s2);
  std::vector<float> mu(channels);
  for (int64_t c = 0; c < channels; ++c) mu[c] = static_cast<float>(s1[c] / rows);
  // Second pass about the mean (not E[x²] − μ²): no cancellation when |μ| ≫ σ.
  const float* m = mu.data();
  channelSums(rows, channels,
              [&](int64_t r, int64_t c) { const float d = x[r * channels + c] - m[c]; return d * d; },
              [](int64_t, int64_t) { return 0.f; }, s2, s1);
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
  auto grad = [&](int64_t r, int64_t j) {
    const int64_t i = r * channels + j;
    return relu ? (y[i] > 0.f ? dy[i] : 0.f) : dy[i];
  };
  std::vector<double> sumG, sumGx;
  channelSums(rows, channels, grad,
              [&](int64_t r, int64_t j) { return grad(r, j) * ((x[r * channels + j] - mean[j]) * iv[j]); }, sumG, sumGx);
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
#pragma omp simd
    for (int64_t j = 0; j < channels; ++j) {
      const float g = relu ? (yr[j] > 0.f ? dyr[j] : 0.f) : dyr[j];
      const float xhat = (xr[j] - mean[j]) * iv[j];
      dxr[j] = ss[j] * (g - aa[j] - xhat * bb[j]);
    }
  }
  return env.Undefined();
}

}  // namespace

void registerBatchNormTrain(Napi::Env env, Napi::Object exports) {
  exports.Set("batchNormTrain", Napi::Function::New(env, BatchNormTrain, "batchNormTrain"));
  exports.Set("batchNormTrainGrad", Napi::Function::New(env, BatchNormTrainGrad, "batchNormTrainGrad"));
}

}  // namespace g2rl
