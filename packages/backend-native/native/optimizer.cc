// Fused optimizer updates: one pass per variable where tfjs chains ~12 full-size ops.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common.h"

namespace g2rl {
namespace {

// Adam's constants as the float32 scalars tfjs makes them (hyper = learningRate, beta1, beta2,
// epsilon, 1 − beta1^t, 1 − beta2^t).
struct AdamConstants {
  float lr, beta1, beta2, epsilon, firstCorrection, secondCorrection, oneMinusBeta1, oneMinusBeta2;
};

AdamConstants adamConstants(Napi::Env env, const Napi::Value& hyperValue, const char* kernel) {
  if (!hyperValue.IsTypedArray() ||
      hyperValue.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      hyperValue.As<Napi::Float64Array>().ElementLength() < 6) {
    throw Napi::TypeError::New(env, std::string("@g2rl/backend-native ") + kernel + ": hyper must be a Float64Array of 6");
  }
  const double* hyper = hyperValue.As<Napi::Float64Array>().Data();
  return {static_cast<float>(hyper[0]), static_cast<float>(hyper[1]), static_cast<float>(hyper[2]),
          static_cast<float>(hyper[3]), static_cast<float>(hyper[4]), static_cast<float>(hyper[5]),
          static_cast<float>(1.0 - hyper[1]), static_cast<float>(1.0 - hyper[2])};
}

// One variable's arrays; outputs may alias their inputs (in-place update).
struct AdamArrays {
  const float *w, *g, *m, *v;
  float *wOut, *mOut, *vOut;
  int64_t size;
};

// Elements [begin, end) of one variable. The arithmetic is @g2rl/models' Adam op by op, each
// result rounded to float32 as the tfjs kernels store it (no FMA contraction: x86-64-v2):
//   m' = m·β₁ + g·(1−β₁);  v' = v·β₂ + g²·(1−β₂);
//   w' = w − ((m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε))·lr.
// Both kernels below run every element through this one loop, so they agree bit for bit.
inline void adamRange(const AdamConstants& c, const AdamArrays& a, int64_t begin, int64_t end) {
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) {
    const float gi = a.g[i];
    const float mNew = a.m[i] * c.beta1 + gi * c.oneMinusBeta1;
    const float g2 = gi * gi;
    const float vNew = a.v[i] * c.beta2 + g2 * c.oneMinusBeta2;
    const float mHat = mNew / c.firstCorrection;
    const float denominator = std::sqrt(vNew / c.secondCorrection) + c.epsilon;
    const float update = mHat / denominator;
    a.wOut[i] = a.w[i] - update * c.lr;
    a.mOut[i] = mNew;
    a.vOut[i] = vNew;
  }
}

// Every variable's update, in chunks of up to kChunk elements spread over the team when there
// are more than kParallelThreshold elements in all (most variables of a model are small: one
// call for all of them lets the team share the work that per-variable calls left to one thread).
void adamAll(const AdamConstants& c, const std::vector<AdamArrays>& arrays) {
  constexpr int64_t kChunk = 1 << 14;
  std::vector<std::pair<int64_t, int64_t>> chunks;  // (variable, first element)
  int64_t total = 0;
  for (size_t k = 0; k < arrays.size(); ++k) {
    for (int64_t first = 0; first < arrays[k].size; first += kChunk) chunks.emplace_back(static_cast<int64_t>(k), first);
    total += arrays[k].size;
  }
  const int64_t n = static_cast<int64_t>(chunks.size());
#pragma omp parallel for schedule(static) if (total > kParallelThreshold)
  for (int64_t j = 0; j < n; ++j) {
    const AdamArrays& a = arrays[chunks[j].first];
    const int64_t begin = chunks[j].second;
    adamRange(c, a, begin, std::min(begin + kChunk, a.size));
  }
}

// adam(variable, gradient, m, v, outVariable, outM, outV, hyper Float64Array[6]): one variable.
Napi::Value Adam(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AdamArrays a{floatArg(info, 0, "variable"), floatArg(info, 1, "gradient"), floatArg(info, 2, "m"),
               floatArg(info, 3, "v"), floatArg(info, 4, "outVariable"), floatArg(info, 5, "outM"),
               floatArg(info, 6, "outV"), static_cast<int64_t>(floatLength(info, 0))};
  for (size_t i = 1; i <= 6; ++i) {
    if (static_cast<int64_t>(floatLength(info, i)) != a.size) {
      throw Napi::RangeError::New(env, "@g2rl/backend-native adam: every array must have the variable's length");
    }
  }
  adamAll(adamConstants(env, info[7], "adam"), {a});
  return env.Undefined();
}

// Float32Array k of a JS array argument, as a pointer; its length in *length.
float* floatItem(Napi::Env env, const Napi::Array& list, uint32_t k, const char* name, int64_t* length) {
  Napi::Value item = list.Get(k);
  if (!item.IsTypedArray() || item.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(env, std::string("@g2rl/backend-native adamMany: ") + name + "[" + std::to_string(k) + "] must be a Float32Array");
  }
  Napi::Float32Array array = item.As<Napi::Float32Array>();
  *length = static_cast<int64_t>(array.ElementLength());
  return array.Data();
}

// adamMany(variables[], gradients[], ms[], vs[], outVariables[], outMs[], outVs[], hyper): the
// step of every variable in one call; the seven arguments are arrays of Float32Arrays of one
// length each, item k of each belonging to variable k.
Napi::Value AdamMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  static const char* names[] = {"variables", "gradients", "ms", "vs", "outVariables", "outMs", "outVs"};
  Napi::Array lists[7];
  for (size_t i = 0; i < 7; ++i) {
    if (info.Length() <= i || !info[i].IsArray()) throw Napi::TypeError::New(env, std::string("@g2rl/backend-native adamMany: ") + names[i] + " must be an array of Float32Arrays");
    lists[i] = info[i].As<Napi::Array>();
    if (lists[i].Length() != lists[0].Length()) throw Napi::RangeError::New(env, "@g2rl/backend-native adamMany: the seven arrays must have one item per variable");
  }
  std::vector<AdamArrays> arrays(lists[0].Length());
  for (uint32_t k = 0; k < lists[0].Length(); ++k) {
    int64_t lengths[7];
    float* p[7];
    for (size_t i = 0; i < 7; ++i) p[i] = floatItem(env, lists[i], k, names[i], &lengths[i]);
    for (size_t i = 1; i < 7; ++i) {
      if (lengths[i] != lengths[0]) {
        throw Napi::RangeError::New(env, "@g2rl/backend-native adamMany: every array of variable " + std::to_string(k) + " must have its length");
      }
    }
    arrays[k] = {p[0], p[1], p[2], p[3], p[4], p[5], p[6], lengths[0]};
  }
  adamAll(adamConstants(env, info[7], "adamMany"), arrays);
  return env.Undefined();
}

}  // namespace

void registerOptimizer(Napi::Env env, Napi::Object exports) {
  exportFunction<Adam>(env, exports, "adam");
  exportFunction<AdamMany>(env, exports, "adamMany");
}

}  // namespace g2rl
