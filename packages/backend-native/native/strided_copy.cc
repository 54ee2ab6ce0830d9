// Strided copies of 4-byte elements (float32 or int32, copied as bits): Transpose, Slice and
// SplitV, which the JS cpu kernels do one element at a time through index arithmetic.
#include <cstdint>
#include <cstring>

#include "common.h"

namespace g2rl {
namespace {

// copyStrided(x, out, shape Int32Array(rank), strides Int32Array(rank), offset):
// out (row-major over shape)[i] = x[offset + Σ index_d(i)·strides[d]].
Napi::Value CopyStrided(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint32_t* x = reinterpret_cast<const uint32_t*>(floatArg(info, 0, "x"));
  uint32_t* out = reinterpret_cast<uint32_t*>(floatArg(info, 1, "out"));
  const int rank = static_cast<int>(info[2].As<Napi::Int32Array>().ElementLength());
  if (rank < 1 || rank > 8) throw Napi::RangeError::New(env, "@g2rl/backend-native copyStrided: rank must be 1..8");
  const int32_t* shape32 = intArrayArg(info, 2, "shape", rank);
  const int32_t* strides32 = intArrayArg(info, 3, "strides", rank);
  const int64_t offset = static_cast<int64_t>(numberArg(info, 4, "offset"));
  int64_t shape[8], strides[8], size = 1, last = offset;
  for (int d = 0; d < rank; ++d) {
    shape[d] = shape32[d];
    strides[d] = strides32[d];
    if (shape[d] < 0 || strides[d] < 0) throw Napi::RangeError::New(env, "copyStrided: negative dim or stride");
    size *= shape[d];
    last += (shape[d] - 1) * strides[d];
  }
  if (static_cast<int64_t>(floatLength(info, 1)) != size || offset < 0 ||
      (size > 0 && last >= static_cast<int64_t>(floatLength(info, 0)))) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native copyStrided: shape, strides and offset do not fit the arrays");
  }
  if (size == 0) return env.Undefined();
  const int64_t inner = shape[rank - 1], innerStride = strides[rank - 1];
  const int64_t rows = size / inner;
#pragma omp parallel for schedule(static) if (size > kParallelThreshold)
  for (int64_t row = 0; row < rows; ++row) {
    int64_t rest = row, from = offset;
    for (int d = rank - 2; d >= 0; --d) {
      from += (rest % shape[d]) * strides[d];
      rest /= shape[d];
    }
    uint32_t* o = out + row * inner;
    if (innerStride == 1) {
      std::memcpy(o, x + from, inner * sizeof(uint32_t));
    } else {
      for (int64_t j = 0; j < inner; ++j) o[j] = x[from + j * innerStride];
    }
  }
  return env.Undefined();
}

}  // namespace

void registerStridedCopy(Napi::Env env, Napi::Object exports) {
  exports.Set("copyStrided", Napi::Function::New(env, CopyStrided, "copyStrided"));
}

}  // namespace g2rl
