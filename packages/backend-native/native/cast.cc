// Cast between float32, int32 and bool with the `cpu` kernel's rules: to int32 truncates
// toward zero (JS Int32Array.from: NaN and ±Infinity → 0, others wrap modulo 2³²), to bool is
// x ≠ 0 (NaN → 1). Unlike the cpu kernel, int32 → float32 and bool → int32/float32 make a real
// array of the new type (the cpu kernel keeps the old array under the new dtype, which every
// float kernel after it would have to convert again).
#include <cmath>
#include <cstdint>

#include "common.h"

namespace g2rl {
namespace {

enum DType { kFloat32 = 0, kInt32 = 1, kBool = 2 };

inline int32_t toInt32(float v) {
  if (!std::isfinite(v)) return 0;
  const double t = std::trunc(static_cast<double>(v));
  // ECMAScript ToInt32: modulo 2^32 into [-2^31, 2^31).
  const double m = std::fmod(t, 4294967296.0);
  const int64_t wrapped = static_cast<int64_t>(m < 0 ? m + 4294967296.0 : m);
  return static_cast<int32_t>(static_cast<uint32_t>(wrapped));
}

template <typename From, typename To>
void castLoop(const From* x, To* out, int64_t size) {
#pragma omp parallel for simd schedule(static) if (size > kParallelThreshold)
  for (int64_t i = 0; i < size; ++i) out[i] = static_cast<To>(x[i]);
}

template <typename From>
void toBoolLoop(const From* x, uint8_t* out, int64_t size) {
#pragma omp parallel for simd schedule(static) if (size > kParallelThreshold)
  for (int64_t i = 0; i < size; ++i) out[i] = x[i] != From(0) ? 1 : 0;
}

// cast(x, out, from, to): dtype codes 0 float32 (Float32Array), 1 int32 (Int32Array),
// 2 bool (Uint8Array); x and out of one length.
Napi::Value Cast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int from = intArg(info, 2, "from"), to = intArg(info, 3, "to");
  const napi_typedarray_type types[] = {napi_float32_array, napi_int32_array, napi_uint8_array};
  if (from < 0 || from > 2 || to < 0 || to > 2 || from == to) throw Napi::RangeError::New(env, "@g2rl/backend-native cast: bad dtype codes");
  for (size_t i = 0; i < 2; ++i) {
    const int code = i == 0 ? from : to;
    if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != types[code]) {
      throw Napi::TypeError::New(env, i == 0 ? "@g2rl/backend-native cast: x's array does not match `from`" : "@g2rl/backend-native cast: out's array does not match `to`");
    }
  }
  Napi::TypedArray xa = info[0].As<Napi::TypedArray>(), oa = info[1].As<Napi::TypedArray>();
  const int64_t size = static_cast<int64_t>(xa.ElementLength());
  if (static_cast<int64_t>(oa.ElementLength()) != size) throw Napi::RangeError::New(env, "@g2rl/backend-native cast: x and out differ in length");
  void* xp = static_cast<uint8_t*>(xa.ArrayBuffer().Data()) + xa.ByteOffset();
  void* op = static_cast<uint8_t*>(oa.ArrayBuffer().Data()) + oa.ByteOffset();
  if (from == kFloat32 && to == kInt32) {
    const float* x = static_cast<const float*>(xp);
    int32_t* out = static_cast<int32_t*>(op);
#pragma omp parallel for schedule(static) if (size > kParallelThreshold)
    for (int64_t i = 0; i < size; ++i) out[i] = toInt32(x[i]);
  } else if (from == kFloat32 && to == kBool) {
    toBoolLoop(static_cast<const float*>(xp), static_cast<uint8_t*>(op), size);
  } else if (from == kInt32 && to == kFloat32) {
    castLoop(static_cast<const int32_t*>(xp), static_cast<float*>(op), size);
  } else if (from == kInt32 && to == kBool) {
    toBoolLoop(static_cast<const int32_t*>(xp), static_cast<uint8_t*>(op), size);
  } else if (from == kBool && to == kFloat32) {
    castLoop(static_cast<const uint8_t*>(xp), static_cast<float*>(op), size);
  } else {
    castLoop(static_cast<const uint8_t*>(xp), static_cast<int32_t*>(op), size);
  }
  return env.Undefined();
}

}  // namespace

void registerCast(Napi::Env env, Napi::Object exports) {
  exportFunction<Cast>(env, exports, "cast");
}

}  // namespace g2rl
