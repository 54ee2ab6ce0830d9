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

void fill(const TileShape& s, int d, const float* src, float* dst) {
  const int64_t outBlock = s.in[d] * s.outStride[d];  // one replica along axis d
  if (d == s.rank - 1) {
    std::memcpy(dst, src, s.in[d] * sizeof(float));
  } else {
    for (int64_t i = 0; i < s.in[d]; ++i) {
      fill(s, d + 1, src + i * s.inStride[d], dst + i * s.outStride[d]);
    }
  }
  for (int64_t r = 1; r < s.reps[d]; ++r) std::memcpy(dst + r * outBlock, dst, outBlock * sizeof(float));
}

// tile(x, out, shape Int32Array(rank), reps Int32Array(rank))
Napi::Value Tile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float* x = floatArg(info, 0, "x");
  float* out = floatArg(info, 1, "out");
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
  int64_t total = 1;
  for (int d = 0; d < rank; ++d) total *= s.in[d] * s.reps[d];
  if (static_cast<int64_t>(floatLength(info, 1)) != total) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native tile: out has the wrong length");
  }
  if (total > 0) fill(s, 0, x, out);
  return env.Undefined();
}

}  // namespace

void registerTile(Napi::Env env, Napi::Object exports) {
  exports.Set("tile", Napi::Function::New(env, Tile, "tile"));
}

}  // namespace g2rl
