// Reductions over one contiguous run of axes. The input is viewed as P×R×Q (P = product of
// the dims before the reduced run, R = the reduced dims, Q = the dims after it) and the output
// is P×Q. Sums accumulate in double, as the tfjs `cpu` kernels do in JS numbers.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <omp.h>

#include "common.h"

namespace g2rl {
namespace {

enum ReduceOp { kSum = 0, kMean, kMax, kMin };

inline void fold(int op, float v, double& acc) {
  if (op == kMax) {
    if (std::isnan(v) || v > acc) acc = v;
  } else if (op == kMin) {
    if (std::isnan(v) || v < acc) acc = v;
  } else {
    acc += v;
  }
}

inline void merge(int op, double v, double& acc) {
  if (op == kMax) {
    if (std::isnan(v) || v > acc) acc = v;
  } else if (op == kMin) {
    if (std::isnan(v) || v < acc) acc = v;
  } else {
    acc += v;
  }
}

// reduce(op, x, out, P, R, Q)
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int op = intArg(info, 0, "op");
  const float* x = floatArg(info, 1, "x");
  float* out = floatArg(info, 2, "out");
  const int64_t P = intArg(info, 3, "P"), R = intArg(info, 4, "R"), Q = intArg(info, 5, "Q");
  if (op < kSum || op > kMin) throw Napi::RangeError::New(env, "reduce: unknown op");
  if (R < 1 || P < 0 || Q < 0) throw Napi::RangeError::New(env, "reduce: bad P/R/Q");
  const double init = op == kMax ? -INFINITY : op == kMin ? INFINITY : 0.0;
  const double scale = op == kMean ? 1.0 / static_cast<double>(R) : 1.0;
  const bool parallel = P * R * Q > kParallelThreshold;

  if (Q == 1) {
    if (P >= 2 * omp_get_max_threads() || !parallel) {
#pragma omp parallel for schedule(static) if (parallel)
      for (int64_t p = 0; p < P; ++p) {
        double acc = init;
        const float* row = x + p * R;
        for (int64_t r = 0; r < R; ++r) fold(op, row[r], acc);
        out[p] = static_cast<float>(acc * scale);
      }
    } else {
      for (int64_t p = 0; p < P; ++p) {
        const float* row = x + p * R;
        double total = init;
        ThreadPartials partials(1, init);
#pragma omp parallel
        {
          double& acc = *partials.mine();
#pragma omp for schedule(static)
          for (int64_t r = 0; r < R; ++r) fold(op, row[r], acc);
        }
        partials.combine(&total, [op](double v, double& t) { merge(op, v, t); });
        out[p] = static_cast<float>(total * scale);
      }
    }
    return env.Undefined();
  }

  if (P >= 2 * omp_get_max_threads() || !parallel) {
    // Many independent slabs (e.g. B×N×N×F summed over one N): one slab per task.
#pragma omp parallel if (parallel)
    {
      std::vector<double> acc(Q);
#pragma omp for schedule(static)
      for (int64_t p = 0; p < P; ++p) {
        const float* slab = x + p * R * Q;
        std::fill(acc.begin(), acc.end(), init);
        for (int64_t r = 0; r < R; ++r) {
          const float* row = slab + r * Q;
          if (op == kSum || op == kMean) {
            for (int64_t q = 0; q < Q; ++q) acc[q] += row[q];
          } else {
            for (int64_t q = 0; q < Q; ++q) fold(op, row[q], acc[q]);
          }
        }
        for (int64_t q = 0; q < Q; ++q) out[p * Q + q] = static_cast<float>(acc[q] * scale);
      }
    }
    return env.Undefined();
  }

  for (int64_t p = 0; p < P; ++p) {
    const float* slab = x + p * R * Q;
    std::vector<double> total(Q, init);
    ThreadPartials partials(Q, init);
#pragma omp parallel if (parallel)
    {
      double* acc = partials.mine();
#pragma omp for schedule(static)
      for (int64_t r = 0; r < R; ++r) {
        const float* row = slab + r * Q;
        if (op == kSum || op == kMean) {
          for (int64_t q = 0; q < Q; ++q) acc[q] += row[q];
        } else {
          for (int64_t q = 0; q < Q; ++q) fold(op, row[q], acc[q]);
        }
      }
    }
    partials.combine(total.data(), [op](double v, double& t) { merge(op, v, t); });
    for (int64_t q = 0; q < Q; ++q) out[p * Q + q] = static_cast<float>(total[q] * scale);
  }
  return env.Undefined();
}


// reduceInt(op, x Int32Array, out Int32Array, P, R, Q): Sum (op 0), Max (2) or Min (3) of
// int32 data over the middle axes of a P×R×Q view (e.g. summing one-hot rows), with tfjs's
// int32 wrap-around for sums (accumulated in 64 bits, stored as int32).
Napi::Value ReduceInt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int op = intArg(info, 0, "op");
  // x: an Int32Array, or a Float32Array holding int32 values (the cpu OneHot kernel stores
  // its int32 output that way).
  const napi_typedarray_type xType =
      info[1].IsTypedArray() ? info[1].As<Napi::TypedArray>().TypedArrayType() : napi_uint8_array;
  if ((xType != napi_int32_array && xType != napi_float32_array) || !info[2].IsTypedArray() ||
      info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(env, "@g2rl/backend-native reduceInt: x must be an Int32Array or Float32Array, out an Int32Array");
  }
  const bool xFloat = xType == napi_float32_array;
  const void* xData = info[1].As<Napi::TypedArray>().ArrayBuffer().Data();
  const size_t xOffset = info[1].As<Napi::TypedArray>().ByteOffset();
  const int32_t* xi = reinterpret_cast<const int32_t*>(static_cast<const char*>(xData) + xOffset);
  const float* xf = reinterpret_cast<const float*>(xi);
  int32_t* out = info[2].As<Napi::Int32Array>().Data();
  const int64_t P = intArg(info, 3, "P"), R = intArg(info, 4, "R"), Q = intArg(info, 5, "Q");
  if (op != kSum && op != kMax && op != kMin) throw Napi::RangeError::New(env, "reduceInt: op must be sum, max or min");
  if (R < 1 || P < 0 || Q < 0 ||
      static_cast<int64_t>(info[1].As<Napi::TypedArray>().ElementLength()) != P * R * Q ||
      static_cast<int64_t>(info[2].As<Napi::Int32Array>().ElementLength()) != P * Q) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native reduceInt: lengths do not match P, R, Q");
  }
#pragma omp parallel for schedule(static) if (P * R * Q > kParallelThreshold)
  for (int64_t pq = 0; pq < P * Q; ++pq) {
    const int64_t p = pq / Q, q = pq % Q;
    const int64_t base = p * R * Q + q;
    auto at = [&](int64_t r) -> int64_t {
      return xFloat ? static_cast<int64_t>(xf[base + r * Q]) : xi[base + r * Q];
    };
    int64_t acc = op == kSum ? 0 : at(0);
    for (int64_t r = 0; r < R; ++r) {
      const int64_t v = at(r);
      if (op == kSum) acc += v;
      else if (op == kMax) acc = v > acc ? v : acc;
      else acc = v < acc ? v : acc;
    }
    out[pq] = static_cast<int32_t>(acc);
  }
  return env.Undefined();
}

// expandReduced(dy, out, P, R, Q, divisor): the gradient of a Sum (divisor 1) or Mean
// (divisor R) over the middle axes of a P×R×Q view: out[p, r, q] = dy[p, q] / divisor. One
// pass, where tfjs's own gradient fills a ones tensor, multiplies and divides (three).
Napi::Value ExpandReduced(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float* dy = floatArg(info, 0, "dy");
  float* out = floatArg(info, 1, "out");
  const int64_t P = intArg(info, 2, "P"), R = intArg(info, 3, "R"), Q = intArg(info, 4, "Q");
  const float divisor = static_cast<float>(numberArg(info, 5, "divisor"));
  if (static_cast<int64_t>(floatLength(info, 0)) != P * Q ||
      static_cast<int64_t>(floatLength(info, 1)) != P * R * Q) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native expandReduced: lengths do not match P, R, Q");
  }
#pragma omp parallel for schedule(static) if (P * R * Q > kParallelThreshold)
  for (int64_t pr = 0; pr < P * R; ++pr) {
    const float* src = dy + (pr / R) * Q;
    float* dst = out + pr * Q;
#pragma omp simd
    for (int64_t q = 0; q < Q; ++q) dst[q] = src[q] / divisor;
  }
  return env.Undefined();
}

}  // namespace

void registerReductions(Napi::Env env, Napi::Object exports) {
  exportFunction<Reduce>(env, exports, "reduce");
  exportFunction<ReduceInt>(env, exports, "reduceInt");
  exportFunction<ExpandReduced>(env, exports, "expandReduced");
}

}  // namespace g2rl
