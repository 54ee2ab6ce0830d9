// Element-wise kernels with OpenMP: binary ops with the broadcasts a training step actually
// uses, unary ops, and the batch-norm forward. Results match the tfjs `cpu` kernels'
// formulas (including NaN propagation).
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "common.h"

namespace g2rl {
namespace {

enum BinaryOp {
  kAdd = 0, kSub, kMul, kDiv, kMaximum, kMinimum, kSquaredDifference,
  // gradients, x = dy and y = the forward input, as tfjs composes them:
  kReluGrad,    // dy · step(x)   (step(NaN) = NaN)
  kSquareGrad,  // dy · (x · 2)
};

// How b (or a) is broadcast against the output (of size `size`):
//  0 same shape; 1 b is a scalar; 2 a is a scalar;
//  3 b repeats every `inner` elements (trailing-dims broadcast, e.g. a per-channel vector);
//  4 a repeats every `inner` elements;
//  5 b holds one value per block of `inner` elements (leading-dims broadcast, e.g. B×1×1×1);
//  6 a holds one value per block of `inner` elements.
enum Broadcast { kSame = 0, kBScalar, kAScalar, kBTiled, kATiled, kBBlocked, kABlocked };

template <int Op>
inline float apply(float x, float y) {
  if constexpr (Op == kAdd) return x + y;
  if constexpr (Op == kSub) return x - y;
  if constexpr (Op == kMul) return x * y;
  if constexpr (Op == kDiv) return x / y;
  if constexpr (Op == kMaximum) return (std::isnan(x) || std::isnan(y)) ? NAN : (x > y ? x : y);
  if constexpr (Op == kMinimum) return (std::isnan(x) || std::isnan(y)) ? NAN : (x < y ? x : y);
  if constexpr (Op == kSquaredDifference) return (x - y) * (x - y);
  if constexpr (Op == kReluGrad) {
    // step(y) without branches (a select per lane): 1 above 0, y itself when NaN, else 0
    const float step = y > 0.f ? 1.f : 0.f;
    return x * (y != y ? y : step);
  }
  if constexpr (Op == kSquareGrad) return x * (y * 2.f);
  return 0.f;
}

template <int Op>
void binaryLoop(const float* a, const float* b, float* out, int64_t size, int mode,
                int64_t inner) {
  const bool parallel = size > kParallelThreshold;
  switch (mode) {
    case kSame:
#pragma omp parallel for simd schedule(static) if (parallel)
      for (int64_t i = 0; i < size; ++i) out[i] = apply<Op>(a[i], b[i]);
      break;
    case kBScalar: {
      const float y = b[0];
#pragma omp parallel for simd schedule(static) if (parallel)
      for (int64_t i = 0; i < size; ++i) out[i] = apply<Op>(a[i], y);
      break;
    }
    case kAScalar: {
      const float x = a[0];
#pragma omp parallel for simd schedule(static) if (parallel)
      for (int64_t i = 0; i < size; ++i) out[i] = apply<Op>(x, b[i]);
      break;
    }
    case kBTiled:
    case kATiled: {
      const int64_t rows = size / inner;
#pragma omp parallel for schedule(static) if (parallel)
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t base = r * inner;
        if (mode == kBTiled) {
#pragma omp simd
          for (int64_t j = 0; j < inner; ++j) out[base + j] = apply<Op>(a[base + j], b[j]);
        } else {
#pragma omp simd
          for (int64_t j = 0; j < inner; ++j) out[base + j] = apply<Op>(a[j], b[base + j]);
        }
      }
      break;
    }
    case kBBlocked:
    case kABlocked: {
      const int64_t rows = size / inner;
#pragma omp parallel for schedule(static) if (parallel)
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t base = r * inner;
        if (mode == kBBlocked) {
          const float y = b[r];
#pragma omp simd
          for (int64_t j = 0; j < inner; ++j) out[base + j] = apply<Op>(a[base + j], y);
        } else {
          const float x = a[r];
#pragma omp simd
          for (int64_t j = 0; j < inner; ++j) out[base + j] = apply<Op>(x, b[base + j]);
        }
      }
      break;
    }
  }
}

// binary(op, a, b, out, mode, inner)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int op = intArg(info, 0, "op");
  const float* a = floatArg(info, 1, "a");
  const float* b = floatArg(info, 2, "b");
  float* out = floatArg(info, 3, "out");
  int mode = intArg(info, 4, "mode");
  int64_t inner = intArg(info, 5, "inner");
  int64_t size = static_cast<int64_t>(floatLength(info, 3));
  if (mode < kSame || mode > kABlocked || ((mode >= kBTiled) && (inner <= 0 || size % inner))) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native binary: bad broadcast mode/inner");
  }
  switch (op) {
    case kAdd: binaryLoop<kAdd>(a, b, out, size, mode, inner); break;
    case kSub: binaryLoop<kSub>(a, b, out, size, mode, inner); break;
    case kMul: binaryLoop<kMul>(a, b, out, size, mode, inner); break;
    case kDiv: binaryLoop<kDiv>(a, b, out, size, mode, inner); break;
    case kMaximum: binaryLoop<kMaximum>(a, b, out, size, mode, inner); break;
    case kMinimum: binaryLoop<kMinimum>(a, b, out, size, mode, inner); break;
    case kSquaredDifference: binaryLoop<kSquaredDifference>(a, b, out, size, mode, inner); break;
    case kReluGrad: binaryLoop<kReluGrad>(a, b, out, size, mode, inner); break;
    case kSquareGrad: binaryLoop<kSquareGrad>(a, b, out, size, mode, inner); break;
    default: throw Napi::RangeError::New(env, "@g2rl/backend-native binary: unknown op");
  }
  return env.Undefined();
}

// Calls body(row, aOffset, bOffset) for every row of a row-major `shape` (all axes but the
// last), with a's and b's offsets from their strides; rows run in parallel when the work is large.
template <class Body>
void forEachBroadcastRow(int rank, const int64_t* shape, const int64_t* as, const int64_t* bs, Body body) {
  const int64_t inner = shape[rank - 1];
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; ++d) rows *= shape[d];
#pragma omp parallel for schedule(static) if (rows * inner > kParallelThreshold)
  for (int64_t row = 0; row < rows; ++row) {
    int64_t rest = row, aOffset = 0, bOffset = 0;
    for (int d = rank - 2; d >= 0; --d) {
      const int64_t i = rest % shape[d];
      rest /= shape[d];
      aOffset += i * as[d];
      bOffset += i * bs[d];
    }
    body(row, aOffset, bOffset);
  }
}

// binaryStrided(op, a, b, out, shape Int32Array(rank), aStrides, bStrides): any broadcast.
// out is row-major over `shape`; a and b are read at Σ index[d]·stride[d] (stride 0 along a
// broadcast axis). The caller merges axes first, so the last axis is usually long.
template <int Op>
void stridedLoop(const float* a, const float* b, float* out, int rank, const int64_t* shape,
                 const int64_t* as, const int64_t* bs) {
  const int64_t inner = shape[rank - 1];
  const int64_t aInner = as[rank - 1], bInner = bs[rank - 1];
  forEachBroadcastRow(rank, shape, as, bs, [&](int64_t row, int64_t aOffset, int64_t bOffset) {
    const float* ar = a + aOffset;
    const float* br = b + bOffset;
    float* o = out + row * inner;
    if (aInner == 1 && bInner == 1) {
#pragma omp simd
      for (int64_t j = 0; j < inner; ++j) o[j] = apply<Op>(ar[j], br[j]);
    } else if (aInner == 1 && bInner == 0) {
      const float y = br[0];
#pragma omp simd
      for (int64_t j = 0; j < inner; ++j) o[j] = apply<Op>(ar[j], y);
    } else if (aInner == 0 && bInner == 1) {
      const float x = ar[0];
#pragma omp simd
      for (int64_t j = 0; j < inner; ++j) o[j] = apply<Op>(x, br[j]);
    } else {
      for (int64_t j = 0; j < inner; ++j) o[j] = apply<Op>(ar[j * aInner], br[j * bInner]);
    }
  });
}

Napi::Value BinaryStrided(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int op = intArg(info, 0, "op");
  const float* a = floatArg(info, 1, "a");
  const float* b = floatArg(info, 2, "b");
  float* out = floatArg(info, 3, "out");
  const int rank = static_cast<int>(info[4].As<Napi::Int32Array>().ElementLength());
  if (rank < 1 || rank > 8) throw Napi::RangeError::New(env, "@g2rl/backend-native binaryStrided: rank must be 1..8");
  const int32_t* shape32 = intArrayArg(info, 4, "shape", rank);
  const int32_t* as32 = intArrayArg(info, 5, "aStrides", rank);
  const int32_t* bs32 = intArrayArg(info, 6, "bStrides", rank);
  int64_t shape[8], as[8], bs[8], size = 1, aMax = 0, bMax = 0;
  for (int d = 0; d < rank; ++d) {
    shape[d] = shape32[d];
    as[d] = as32[d];
    bs[d] = bs32[d];
    if (shape[d] < 0 || as[d] < 0 || bs[d] < 0) throw Napi::RangeError::New(env, "binaryStrided: negative dim or stride");
    size *= shape[d];
    aMax += (shape[d] - 1) * as[d];
    bMax += (shape[d] - 1) * bs[d];
  }
  if (static_cast<int64_t>(floatLength(info, 3)) != size ||
      (size > 0 && (aMax >= static_cast<int64_t>(floatLength(info, 1)) ||
                    bMax >= static_cast<int64_t>(floatLength(info, 2))))) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native binaryStrided: shape and strides do not fit the arrays");
  }
  if (size == 0) return env.Undefined();
  switch (op) {
#define G2RL_STRIDED(OP) \
  case OP: stridedLoop<OP>(a, b, out, rank, shape, as, bs); break;
    G2RL_STRIDED(kAdd) G2RL_STRIDED(kSub) G2RL_STRIDED(kMul) G2RL_STRIDED(kDiv)
    G2RL_STRIDED(kMaximum) G2RL_STRIDED(kMinimum) G2RL_STRIDED(kSquaredDifference)
#undef G2RL_STRIDED
    default: throw Napi::RangeError::New(env, "@g2rl/backend-native binaryStrided: unknown op");
  }
  return env.Undefined();
}

// compare(op, a, b, out Uint8Array, shape, aStrides, bStrides): Greater (0), GreaterEqual (1),
// Less (2), LessEqual (3), Equal (4), NotEqual (5) with any broadcast (strided reads, as
// binaryStrided), 1/0 into a bool tensor's bytes. IEEE comparisons: NaN compares false
// except for NotEqual, as in JS.
template <int Op>
inline uint8_t compare(float x, float y) {
  if constexpr (Op == 0) return x > y;
  if constexpr (Op == 1) return x >= y;
  if constexpr (Op == 2) return x < y;
  if constexpr (Op == 3) return x <= y;
  if constexpr (Op == 4) return x == y;
  return x != y;
}

template <int Op>
void compareLoop(const float* a, const float* b, uint8_t* out, int rank, const int64_t* shape,
                 const int64_t* as, const int64_t* bs) {
  const int64_t inner = shape[rank - 1];
  const int64_t aInner = as[rank - 1], bInner = bs[rank - 1];
  forEachBroadcastRow(rank, shape, as, bs, [&](int64_t row, int64_t aOffset, int64_t bOffset) {
    const float* ar = a + aOffset;
    const float* br = b + bOffset;
    uint8_t* o = out + row * inner;
    for (int64_t j = 0; j < inner; ++j) o[j] = compare<Op>(ar[j * aInner], br[j * bInner]);
  });
}

Napi::Value Compare(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int op = intArg(info, 0, "op");
  const float* a = floatArg(info, 1, "a");
  const float* b = floatArg(info, 2, "b");
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(env, "@g2rl/backend-native compare: out must be a Uint8Array");
  }
  uint8_t* out = info[3].As<Napi::Uint8Array>().Data();
  const int64_t outLength = static_cast<int64_t>(info[3].As<Napi::Uint8Array>().ElementLength());
  const int rank = static_cast<int>(info[4].As<Napi::Int32Array>().ElementLength());
  if (rank < 1 || rank > 8) throw Napi::RangeError::New(env, "@g2rl/backend-native compare: rank must be 1..8");
  const int32_t* shape32 = intArrayArg(info, 4, "shape", rank);
  const int32_t* as32 = intArrayArg(info, 5, "aStrides", rank);
  const int32_t* bs32 = intArrayArg(info, 6, "bStrides", rank);
  int64_t shape[8], as[8], bs[8], size = 1, aMax = 0, bMax = 0;
  for (int d = 0; d < rank; ++d) {
    shape[d] = shape32[d];
    as[d] = as32[d];
    bs[d] = bs32[d];
    if (shape[d] < 0 || as[d] < 0 || bs[d] < 0) throw Napi::RangeError::New(env, "compare: negative dim or stride");
    size *= shape[d];
    aMax += (shape[d] - 1) * as[d];
    bMax += (shape[d] - 1) * bs[d];
  }
  if (outLength != size || (size > 0 && (aMax >= static_cast<int64_t>(floatLength(info, 1)) ||
                                         bMax >= static_cast<int64_t>(floatLength(info, 2))))) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native compare: shape and strides do not fit the arrays");
  }
  if (size == 0) return env.Undefined();
  switch (op) {
    case 0: compareLoop<0>(a, b, out, rank, shape, as, bs); break;
    case 1: compareLoop<1>(a, b, out, rank, shape, as, bs); break;
    case 2: compareLoop<2>(a, b, out, rank, shape, as, bs); break;
    case 3: compareLoop<3>(a, b, out, rank, shape, as, bs); break;
    case 4: compareLoop<4>(a, b, out, rank, shape, as, bs); break;
    case 5: compareLoop<5>(a, b, out, rank, shape, as, bs); break;
    default: throw Napi::RangeError::New(env, "@g2rl/backend-native compare: unknown op");
  }
  return env.Undefined();
}

enum UnaryOp {
  kRelu = 0, kRelu6, kLeakyRelu, kStep, kSqrt, kRsqrt, kSquare, kNeg, kExp, kLog, kAbs,
  kSigmoid, kTanh, kReciprocal, kElu
};

template <int Op>
inline float unary(float x, float alpha) {
  if constexpr (Op == kRelu) return x < 0.f ? 0.f : x;
  if constexpr (Op == kRelu6) return x < 0.f ? 0.f : (x > 6.f ? 6.f : x);
  if constexpr (Op == kLeakyRelu) return x < 0.f ? alpha * x : x;
  if constexpr (Op == kStep) return std::isnan(x) ? NAN : (x > 0.f ? 1.f : alpha);
  if constexpr (Op == kSqrt) return std::sqrt(x);
  if constexpr (Op == kRsqrt) return 1.f / std::sqrt(x);
  if constexpr (Op == kSquare) return x * x;
  if constexpr (Op == kNeg) return -x;
  if constexpr (Op == kExp) return std::exp(x);
  if constexpr (Op == kLog) return std::log(x);
  if constexpr (Op == kAbs) return std::fabs(x);
  if constexpr (Op == kSigmoid) return 1.f / (1.f + std::exp(-x));
  if constexpr (Op == kTanh) return std::tanh(x);
  if constexpr (Op == kReciprocal) return 1.f / x;
  if constexpr (Op == kElu) return x >= 0.f ? x : std::expm1(x);
  return 0.f;
}

template <int Op>
void unaryLoop(const float* x, float* out, int64_t size, float alpha) {
#pragma omp parallel for simd schedule(static) if (size > kParallelThreshold)
  for (int64_t i = 0; i < size; ++i) out[i] = unary<Op>(x[i], alpha);
}

// clip(x, out, lo, hi): ClipByValue, min(max(x, lo), hi); NaN stays NaN, as in the cpu kernel.
Napi::Value Clip(const Napi::CallbackInfo& info) {
  const float* x = floatArg(info, 0, "x");
  float* out = floatArg(info, 1, "out");
  const float lo = static_cast<float>(numberArg(info, 2, "lo"));
  const float hi = static_cast<float>(numberArg(info, 3, "hi"));
  const int64_t size = static_cast<int64_t>(floatLength(info, 1));
#pragma omp parallel for simd schedule(static) if (size > kParallelThreshold)
  for (int64_t i = 0; i < size; ++i) {
    const float v = x[i];
    out[i] = v > hi ? hi : (v < lo ? lo : v);
  }
  return info.Env().Undefined();
}

// unary(op, x, out, alpha)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int op = intArg(info, 0, "op");
  const float* x = floatArg(info, 1, "x");
  float* out = floatArg(info, 2, "out");
  float alpha = static_cast<float>(numberArg(info, 3, "alpha"));
  int64_t size = static_cast<int64_t>(floatLength(info, 2));
  switch (op) {
#define G2RL_UNARY(OP) \
  case OP: unaryLoop<OP>(x, out, size, alpha); break;
    G2RL_UNARY(kRelu) G2RL_UNARY(kRelu6) G2RL_UNARY(kLeakyRelu) G2RL_UNARY(kStep)
    G2RL_UNARY(kSqrt) G2RL_UNARY(kRsqrt) G2RL_UNARY(kSquare) G2RL_UNARY(kNeg)
    G2RL_UNARY(kExp) G2RL_UNARY(kLog) G2RL_UNARY(kAbs) G2RL_UNARY(kSigmoid)
    G2RL_UNARY(kTanh) G2RL_UNARY(kReciprocal) G2RL_UNARY(kElu)
#undef G2RL_UNARY
    default: throw Napi::RangeError::New(env, "@g2rl/backend-native unary: unknown op");
  }
  return env.Undefined();
}

// batchNorm(x, mean, variance, offset | null, scale | null, out, epsilon)
// out[i] = offset[c] + (x[i] − mean[c]) · scale[c] / sqrt(variance[c] + ε), c = i mod length —
// every parameter has length 1 or C, where C divides x's size (tfjs's FusedBatchNorm rule).
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float* x = floatArg(info, 0, "x");
  const float* mean = floatArg(info, 1, "mean");
  const float* variance = floatArg(info, 2, "variance");
  const float* offset = optionalFloatArg(info, 3, "offset");
  const float* scale = optionalFloatArg(info, 4, "scale");
  float* out = floatArg(info, 5, "out");
  const double epsilon = numberArg(info, 6, "epsilon");
  const int64_t size = static_cast<int64_t>(floatLength(info, 0));
  int64_t channels = 1;
  const size_t lengths[4] = {floatLength(info, 1), floatLength(info, 2),
                             offset ? floatLength(info, 3) : 1, scale ? floatLength(info, 4) : 1};
  for (size_t length : lengths) {
    if (length == 1) continue;
    if (channels != 1 && static_cast<int64_t>(length) != channels) {
      throw Napi::RangeError::New(env, "@g2rl/backend-native batchNorm: parameter lengths differ");
    }
    channels = static_cast<int64_t>(length);
  }
  if (size % channels) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native batchNorm: length does not divide x");
  }
  // Per-channel constants (double, as the cpu kernel computes in JS numbers).
  std::vector<float> m(channels), k(channels), o(channels);
  for (int64_t c = 0; c < channels; ++c) {
    const double s = scale ? scale[lengths[3] == 1 ? 0 : c] : 1.0;
    const double v = variance[lengths[1] == 1 ? 0 : c];
    m[c] = mean[lengths[0] == 1 ? 0 : c];
    k[c] = static_cast<float>(s / std::sqrt(v + epsilon));
    o[c] = offset ? offset[lengths[2] == 1 ? 0 : c] : 0.f;
  }
  const int64_t rows = size / channels;
#pragma omp parallel for schedule(static) if (size > kParallelThreshold)
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * channels;
    float* yr = out + r * channels;
#pragma omp simd
    for (int64_t c = 0; c < channels; ++c) yr[c] = o[c] + (xr[c] - m[c]) * k[c];
  }
  return env.Undefined();
}

// batchNormGrad(dy, x, mean, variance, scale | null, epsilon, dx, dmean, dvariance, dscale,
// doffset): every gradient of FusedBatchNorm (x …×C; mean, variance, scale of C values) in one
// reduction pass and one element-wise pass, with the same formulas as tfjs's gradient:
//   k = 1/sqrt(var + ε), S1 = Σ dy, S2 = Σ dy·(x − mean)   (per channel, over all rows)
//   dx = dy·scale·k, dmean = −scale·k·S1, dvar = −½·scale·k³·S2, dscale = k·S2, doffset = S1.
Napi::Value BatchNormGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float* dy = floatArg(info, 0, "dy");
  const float* x = floatArg(info, 1, "x");
  const float* mean = floatArg(info, 2, "mean");
  const float* variance = floatArg(info, 3, "variance");
  const float* scale = optionalFloatArg(info, 4, "scale");
  const double epsilon = numberArg(info, 5, "epsilon");
  float* dx = floatArg(info, 6, "dx");
  float* dmean = floatArg(info, 7, "dmean");
  float* dvariance = floatArg(info, 8, "dvariance");
  float* dscale = floatArg(info, 9, "dscale");
  float* doffset = floatArg(info, 10, "doffset");
  const int64_t size = static_cast<int64_t>(floatLength(info, 0));
  const int64_t channels = static_cast<int64_t>(floatLength(info, 2));
  if (channels < 1 || size % channels || static_cast<int64_t>(floatLength(info, 1)) != size ||
      static_cast<int64_t>(floatLength(info, 3)) != channels ||
      (scale && static_cast<int64_t>(floatLength(info, 4)) != channels)) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native batchNormGrad: inconsistent lengths");
  }
  const int64_t rows = size / channels;
  std::vector<double> s1(channels, 0.0), s2(channels, 0.0);
  ThreadPartials partial1(channels, 0.0), partial2(channels, 0.0);
#pragma omp parallel if (size > kParallelThreshold)
  {
    double* local1 = partial1.mine();
    double* local2 = partial2.mine();
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      const float* dyr = dy + r * channels;
      const float* xr = x + r * channels;
      for (int64_t c = 0; c < channels; ++c) {
        local1[c] += dyr[c];
        local2[c] += static_cast<double>(dyr[c]) * (xr[c] - mean[c]);
      }
    }
  }
  partial1.combine(s1.data(), addTo);
  partial2.combine(s2.data(), addTo);
  std::vector<float> factor(channels);
  for (int64_t c = 0; c < channels; ++c) {
    const double k = 1.0 / std::sqrt(static_cast<double>(variance[c]) + epsilon);
    const double g = scale ? scale[c] : 1.0;
    factor[c] = static_cast<float>(g * k);
    dmean[c] = static_cast<float>(-g * k * s1[c]);
    dvariance[c] = static_cast<float>(-0.5 * g * k * k * k * s2[c]);
    dscale[c] = static_cast<float>(k * s2[c]);
    doffset[c] = static_cast<float>(s1[c]);
  }
#pragma omp parallel for schedule(static) if (size > kParallelThreshold)
  for (int64_t r = 0; r < rows; ++r) {
    const float* dyr = dy + r * channels;
    float* dxr = dx + r * channels;
#pragma omp simd
    for (int64_t c = 0; c < channels; ++c) dxr[c] = dyr[c] * factor[c];
  }
  return env.Undefined();
}

}  // namespace

void registerElementwise(Napi::Env env, Napi::Object exports) {
  exportFunction<Binary>(env, exports, "binary");
  exportFunction<BinaryStrided>(env, exports, "binaryStrided");
  exportFunction<Compare>(env, exports, "compare");
  exportFunction<Unary>(env, exports, "unary");
  exportFunction<Clip>(env, exports, "clip");
  exportFunction<BatchNorm>(env, exports, "batchNorm");
  exportFunction<BatchNormGrad>(env, exports, "batchNormGrad");
}

}  // namespace g2rl
