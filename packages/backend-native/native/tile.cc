// Tile: out = x repeated reps[d] times along each axis d (rank <= 8). The first replica of
// each axis is written recursively, then copied whole for the other reps[d] − 1, so the work
// is memcpy of ever larger blocks (e.g. a per-channel vector 1×1×1×C → B×H×W×C).
#include <cstdint>
#include <cstring>

#include "common.h"

namespace g2rl {
namespace {

struct TileShape {
  int rank;
  int64_t in[8], reps[8], inStride[8], outStride[8];
};

// Strides are in elements of `bytes` bytes each.
void fill(const TileShape& s, int d, const char* src, char* dst, int64_t bytes) {
  const int64_t outBlock = s.in[d] * s.outStride[d] * bytes;  // one replica along axis d
  if (d == s.rank - 1) {
    std::memcpy(dst, src, s.in[d] * bytes);
  } else {
    for (int64_t i = 0; i < s.in[d]; ++i) {
      fill(s, d + 1, src + i * s.inStride[d] * bytes, dst + i * s.outStride[d] * bytes, bytes);
    }
  }
  for (int64_t r = 1; r < s.reps[d]; ++r) std::memcpy(dst + r * outBlock, dst, outBlock);
}

// tile(x, out, shape Int32Array(rank), reps Int32Array(rank)): x and out typed arrays of one
// element size (float32, int32, or the bytes of a bool tensor), copied as bytes.
Napi::Value Tile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || !info[1].IsTypedArray()) {
    throw Napi::TypeError::New(env, "@g2rl/backend-native tile: x and out must be typed arrays");
  }
  Napi::TypedArray xArray = info[0].As<Napi::TypedArray>(), outArray = info[1].As<Napi::TypedArray>();
  const int64_t bytes = static_cast<int64_t>(xArray.ElementSize());
  if (static_cast<int64_t>(outArray.ElementSize()) != bytes) {
    throw Napi::TypeError::New(env, "@g2rl/backend-native tile: x and out must have one element size");
  }
  const char* x = static_cast<const char*>(xArray.ArrayBuffer().Data()) + xArray.ByteOffset();
  char* out = static_cast<char*>(outArray.ArrayBuffer().Data()) + outArray.ByteOffset();
  Napi::Int32Array shapeArray = info[2].As<Napi::Int32Array>();
  const int rank = static_cast<int>(shapeArray.ElementLength());
  if (rank < 1 || rank > 8) throw Napi::RangeError::New(env, "@g2rl/backend-native tile: rank must be 1..8");
  const int32_t* shape = intArrayArg(info, 2, "shape", rank);
  const int32_t* reps = intArrayArg(info, 3, "reps", rank);
  TileShape s;
  s.rank = rank;
  for (int d = 0; d < rank; ++d) {
    s.in[d] = shape[d];
    s.reps[d] = reps[d];
  }
  s.inStride[rank - 1] = 1;
  s.outStride[rank - 1] = 1;
  for (int d = rank - 2; d >= 0; --d) {
    s.inStride[d] = s.inStride[d + 1] * s.in[d + 1];
    s.outStride[d] = s.outStride[d + 1] * s.in[d + 1] * s.reps[d + 1];
  }
  int64_t total = 1, inTotal = 1;
  for (int d = 0; d < rank; ++d) {
    total *= s.in[d] * s.reps[d];
    inTotal *= s.in[d];
  }
  if (static_cast<int64_t>(outArray.ElementLength()) != total ||
      static_cast<int64_t>(xArray.ElementLength()) != inTotal) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native tile: x or out has the wrong length");
  }
  if (total > 0) fill(s, 0, x, out, bytes);
  return env.Undefined();
}

}  // namespace

void registerTile(Napi::Env env, Napi::Object exports) {
  exportFunction<Tile>(env, exports, "tile");
}

}  // namespace g2rl
