// Fused optimizer updates: one pass per variable where tfjs chains ~12 full-size ops.
#include <cmath>
#include <cstdint>

#include "common.h"

namespace g2rl {
namespace {

// adam(variable, gradient, m, v, outVariable, outM, outV, hyper Float64Array[6]):
// hyper = learningRate, beta1, beta2, epsilon, 1 − beta1^t, 1 − beta2^t. The arithmetic is
// @g2rl/models' Adam op by op, each result rounded to float32 as the tfjs kernels store it,
// with every constant a float32 scalar as tfjs makes it:
//   m' = m·β₁ + g·(1−β₁);  v' = v·β₂ + g²·(1−β₂);
//   w' = w − ((m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε))·lr.
// Outputs may alias their inputs (in-place update).
Napi::Value Adam(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float* w = floatArg(info, 0, "variable");
  const float* g = floatArg(info, 1, "gradient");
  const float* m = floatArg(info, 2, "m");
  const float* v = floatArg(info, 3, "v");
  float* wOut = floatArg(info, 4, "outVariable");
  float* mOut = floatArg(info, 5, "outM");
  float* vOut = floatArg(info, 6, "outV");
  Napi::Value hyperValue = info[7];
  if (!hyperValue.IsTypedArray() ||
      hyperValue.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      hyperValue.As<Napi::Float64Array>().ElementLength() < 6) {
    throw Napi::TypeError::New(env, "@g2rl/backend-native adam: argument 7 (hyper) must be a Float64Array of 6");
  }
  const double* hyper = hyperValue.As<Napi::Float64Array>().Data();
  const int64_t size = static_cast<int64_t>(floatLength(info, 0));
  for (size_t i = 1; i <= 6; ++i) {
    if (static_cast<int64_t>(floatLength(info, i)) != size) {
      throw Napi::RangeError::New(env, "@g2rl/backend-native adam: every array must have the variable's length");
    }
  }
  const float lr = static_cast<float>(hyper[0]);
  const float beta1 = static_cast<float>(hyper[1]);
  const float beta2 = static_cast<float>(hyper[2]);
  const float epsilon = static_cast<float>(hyper[3]);
  const float firstCorrection = static_cast<float>(hyper[4]);
  const float secondCorrection = static_cast<float>(hyper[5]);
  const float oneMinusBeta1 = static_cast<float>(1.0 - hyper[1]);
  const float oneMinusBeta2 = static_cast<float>(1.0 - hyper[2]);
#pragma omp parallel for simd schedule(static) if (size > kParallelThreshold)
  for (int64_t i = 0; i < size; ++i) {
    const float gi = g[i];
    const float mNew = m[i] * beta1 + gi * oneMinusBeta1;
    const float g2 = gi * gi;
    const float vNew = v[i] * beta2 + g2 * oneMinusBeta2;
    const float mHat = mNew / firstCorrection;
    const float denominator = std::sqrt(vNew / secondCorrection) + epsilon;
    const float update = mHat / denominator;
    wOut[i] = w[i] - update * lr;
    mOut[i] = mNew;
    vOut[i] = vNew;
  }
  return env.Undefined();
}

}  // namespace

void registerOptimizer(Napi::Env env, Napi::Object exports) {
  exportFunction<Adam>(env, exports, "adam");
}

}  // namespace g2rl
