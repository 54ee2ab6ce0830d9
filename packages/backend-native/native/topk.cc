// TopK along the last axis (sorted), the order of the tfjs cpu kernel: larger values first,
// equal values by lower index. Used for k-nearest-neighbour graphs (B×N×N distances).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "common.h"

namespace g2rl {
namespace {

// topk(x Float32Array rows×n, values Float32Array rows×k, indices Int32Array rows×k, n, k)
// → false (nothing written) when a row holds NaN or a repeated infinity, where the cpu
// kernel's comparator (b − a) is not a total order; the caller then runs the cpu kernel.
Napi::Value TopK(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float* x = floatArg(info, 0, "x");
  float* values = floatArg(info, 1, "values");
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(env, "@g2rl/backend-native topk: indices must be an Int32Array");
  }
  int32_t* indices = info[2].As<Napi::Int32Array>().Data();
  const int64_t n = intArg(info, 3, "n"), k = intArg(info, 4, "k");
  const int64_t size = static_cast<int64_t>(floatLength(info, 0));
  if (n < 1 || k < 0 || k > n || size % n ||
      static_cast<int64_t>(floatLength(info, 1)) != size / n * k ||
      static_cast<int64_t>(info[2].As<Napi::Int32Array>().ElementLength()) != size / n * k) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native topk: lengths do not match n and k");
  }
  const int64_t rows = size / n;
  for (int64_t i = 0; i < size; ++i) {
    if (std::isnan(x[i])) return Napi::Boolean::New(env, false);
  }
  bool repeatedInfinity = false;
#pragma omp parallel for schedule(static) reduction(|| : repeatedInfinity) if (size > kParallelThreshold)
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * n;
    int positive = 0, negative = 0;
    for (int64_t j = 0; j < n; ++j) {
      if (std::isinf(row[j])) (row[j] > 0 ? positive : negative)++;
    }
    if (positive > 1 || negative > 1) repeatedInfinity = true;
  }
  if (repeatedInfinity) return Napi::Boolean::New(env, false);
#pragma omp parallel if (size > kParallelThreshold)
  {
    std::vector<int32_t> order(n);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      const float* row = x + r * n;
      for (int64_t j = 0; j < n; ++j) order[j] = static_cast<int32_t>(j);
      std::partial_sort(order.begin(), order.begin() + k, order.end(), [row](int32_t a, int32_t b) {
        return row[a] > row[b] || (row[a] == row[b] && a < b);
      });
      for (int64_t j = 0; j < k; ++j) {
        values[r * k + j] = row[order[j]];
        indices[r * k + j] = order[j];
      }
    }
  }
  return Napi::Boolean::New(env, true);
}

}  // namespace

void registerTopK(Napi::Env env, Napi::Object exports) {
  exportFunction<TopK>(env, exports, "topk");
}

}  // namespace g2rl
