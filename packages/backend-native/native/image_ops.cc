// Nearest-neighbour resize (NHWC) and its gradient, with tfjs's index rules (alignCorners,
// halfPixelCenters) computed in double exactly as the `cpu` kernels do.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common.h"

namespace g2rl {
namespace {

// Source index for each output index along one axis of the forward resize.
std::vector<int64_t> forwardMap(int64_t oldSize, int64_t newSize, bool alignCorners,
                                bool halfPixelCenters) {
  const double effIn = (alignCorners && newSize > 1) ? oldSize - 1 : oldSize;
  const double effOut = (alignCorners && newSize > 1) ? newSize - 1 : newSize;
  const double ratio = effIn / effOut;
  std::vector<int64_t> map(newSize);
  for (int64_t i = 0; i < newSize; ++i) {
    const double frac = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
    // JS Math.round rounds .5 up: floor(v + 0.5).
    int64_t s = static_cast<int64_t>(alignCorners ? std::floor(frac + 0.5) : std::floor(frac));
    s = std::min<int64_t>(oldSize - 1, s);
    if (halfPixelCenters) s = std::max<int64_t>(0, s);
    map[i] = s;
  }
  return map;
}

// resizeNearest(x, out, dims [B, H, W, C, newH, newW], alignCorners, halfPixelCenters)
Napi::Value ResizeNearest(const Napi::CallbackInfo& info) {
  const float* x = floatArg(info, 0, "x");
  float* out = floatArg(info, 1, "out");
  const int32_t* d = intArrayArg(info, 2, "dims", 6);
  const bool alignCorners = info[3].ToBoolean(), halfPixelCenters = info[4].ToBoolean();
  const int64_t B = d[0], H = d[1], W = d[2], C = d[3], NH = d[4], NW = d[5];
  const std::vector<int64_t> rows = forwardMap(H, NH, alignCorners, halfPixelCenters);
  const std::vector<int64_t> cols = forwardMap(W, NW, alignCorners, halfPixelCenters);
#pragma omp parallel for schedule(static) if (B * NH * NW * C > kParallelThreshold)
  for (int64_t br = 0; br < B * NH; ++br) {
    const int64_t b = br / NH, r = br % NH;
    const float* src = x + (b * H + rows[r]) * W * C;
    float* dst = out + br * NW * C;
    for (int64_t c = 0; c < NW; ++c) std::memcpy(dst + c * C, src + cols[c] * C, C * sizeof(float));
  }
  return info.Env().Undefined();
}

// Source index for each dy index along one axis, as the cpu gradient kernel computes it
// (it ignores halfPixelCenters).
std::vector<int64_t> gradientMap(int64_t xSize, int64_t ySize, bool alignCorners) {
  const double effX = (alignCorners && ySize > 1) ? xSize - 1 : xSize;
  const double effY = (alignCorners && ySize > 1) ? ySize - 1 : ySize;
  const double scale = effX / effY;
  std::vector<int64_t> map(ySize);
  for (int64_t i = 0; i < ySize; ++i) {
    const double frac = i * scale;
    map[i] = std::min<int64_t>(
        xSize - 1, static_cast<int64_t>(alignCorners ? std::floor(frac + 0.5) : std::floor(frac)));
  }
  return map;
}

// resizeNearestGrad(dy, dx, dims [B, xH, xW, C, yH, yW], alignCorners): dx[source] += dy.
Napi::Value ResizeNearestGrad(const Napi::CallbackInfo& info) {
  const float* dy = floatArg(info, 0, "dy");
  float* dx = floatArg(info, 1, "dx");
  const int32_t* d = intArrayArg(info, 2, "dims", 6);
  const bool alignCorners = info[3].ToBoolean();
  const int64_t B = d[0], XH = d[1], XW = d[2], C = d[3], YH = d[4], YW = d[5];
  const std::vector<int64_t> rows = gradientMap(XH, YH, alignCorners);
  const std::vector<int64_t> cols = gradientMap(XW, YW, alignCorners);
  // Each task owns one dx row, so no two threads write the same element.
#pragma omp parallel for schedule(static) if (B * YH * YW * C > kParallelThreshold)
  for (int64_t bx = 0; bx < B * XH; ++bx) {
    const int64_t b = bx / XH, xr = bx % XH;
    float* dst = dx + bx * XW * C;
    std::memset(dst, 0, XW * C * sizeof(float));
    for (int64_t yr = 0; yr < YH; ++yr) {
      if (rows[yr] != xr) continue;
      const float* src = dy + (b * YH + yr) * YW * C;
      for (int64_t yc = 0; yc < YW; ++yc) {
        float* t = dst + cols[yc] * C;
        const float* s = src + yc * C;
#pragma omp simd
        for (int64_t c = 0; c < C; ++c) t[c] += s[c];
      }
    }
  }
  return info.Env().Undefined();
}

}  // namespace

void registerImageOps(Napi::Env env, Napi::Object exports) {
  exports.Set("resizeNearest", Napi::Function::New(env, ResizeNearest, "resizeNearest"));
  exports.Set("resizeNearestGrad", Napi::Function::New(env, ResizeNearestGrad, "resizeNearestGrad"));
}

}  // namespace g2rl
