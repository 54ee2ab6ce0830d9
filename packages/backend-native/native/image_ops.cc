// Nearest-neighbour resize (NHWC) and its gradient, and the bilinear resize, with tfjs's index
// rules (alignCorners, halfPixelCenters) computed in double exactly as the `cpu` kernels do.
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

// One output index's two source indices and the weight of the second, along one axis.
struct BilinearTap {
  int64_t lo, hi;
  float frac;
};

std::vector<BilinearTap> bilinearMap(int64_t oldSize, int64_t newSize, bool alignCorners,
                                     bool halfPixelCenters) {
  const double effIn = (alignCorners && newSize > 1) ? oldSize - 1 : oldSize;
  const double effOut = (alignCorners && newSize > 1) ? newSize - 1 : newSize;
  const double ratio = effIn / effOut;
  std::vector<BilinearTap> map(newSize);
  for (int64_t i = 0; i < newSize; ++i) {
    const double source = halfPixelCenters ? ratio * (i + 0.5) - 0.5 : ratio * i;
    const int64_t lo = std::max<int64_t>(0, static_cast<int64_t>(std::floor(source)));
    map[i] = {lo, std::min<int64_t>(oldSize - 1, static_cast<int64_t>(std::ceil(source))),
              static_cast<float>(source - lo)};
  }
  return map;
}

template <typename T>
void bilinearLoop(const T* x, float* out, int64_t B, int64_t H, int64_t W, int64_t C,
                  const std::vector<BilinearTap>& rows, const std::vector<BilinearTap>& cols) {
  const int64_t NH = static_cast<int64_t>(rows.size()), NW = static_cast<int64_t>(cols.size());
#pragma omp parallel for schedule(static) if (B * NH * NW * C > kParallelThreshold)
  for (int64_t br = 0; br < B * NH; ++br) {
    const int64_t b = br / NH;
    const BilinearTap& r = rows[br % NH];
    const T* top = x + (b * H + r.lo) * W * C;
    const T* bottom = x + (b * H + r.hi) * W * C;
    float* dst = out + br * NW * C;
    for (int64_t j = 0; j < NW; ++j) {
      const BilinearTap& c = cols[j];
      const T *tl = top + c.lo * C, *tr = top + c.hi * C, *bl = bottom + c.lo * C, *brr = bottom + c.hi * C;
      float* o = dst + j * C;
#pragma omp simd
      for (int64_t k = 0; k < C; ++k) {
        const float t = static_cast<float>(tl[k]) + (static_cast<float>(tr[k]) - static_cast<float>(tl[k])) * c.frac;
        const float d = static_cast<float>(bl[k]) + (static_cast<float>(brr[k]) - static_cast<float>(bl[k])) * c.frac;
        o[k] = t + (d - t) * r.frac;
      }
    }
  }
}

// resizeBilinear(x Float32Array | Int32Array, out Float32Array, dims [B, H, W, C, newH, newW],
// alignCorners, halfPixelCenters): NHWC images, float32 out (int32 images as tfjs's cpu reads them).
Napi::Value ResizeBilinear(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  float* out = floatArg(info, 1, "out");
  const int32_t* d = intArrayArg(info, 2, "dims", 6);
  const bool alignCorners = info[3].ToBoolean(), halfPixelCenters = info[4].ToBoolean();
  const int64_t B = d[0], H = d[1], W = d[2], C = d[3], NH = d[4], NW = d[5];
  if (static_cast<int64_t>(floatLength(info, 1)) != B * NH * NW * C) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native resizeBilinear: out must hold B·newH·newW·C floats");
  }
  const std::vector<BilinearTap> rows = bilinearMap(H, NH, alignCorners, halfPixelCenters);
  const std::vector<BilinearTap> cols = bilinearMap(W, NW, alignCorners, halfPixelCenters);
  Napi::Value x = info[0];
  if (x.IsTypedArray() && x.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
    Napi::Int32Array ints = x.As<Napi::Int32Array>();
    if (static_cast<int64_t>(ints.ElementLength()) != B * H * W * C) throw Napi::RangeError::New(env, "resizeBilinear: x must hold B·H·W·C values");
    bilinearLoop(ints.Data(), out, B, H, W, C, rows, cols);
  } else {
    const float* xf = floatArg(info, 0, "x");
    if (static_cast<int64_t>(floatLength(info, 0)) != B * H * W * C) throw Napi::RangeError::New(env, "resizeBilinear: x must hold B·H·W·C values");
    bilinearLoop(xf, out, B, H, W, C, rows, cols);
  }
  return env.Undefined();
}

// resizeBilinearGrad(dy B×newH×newW×C, dx B×H×W×C, dims [B, H, W, C, newH, newW], alignCorners,
// halfPixelCenters): the exact adjoint of resizeBilinear (each dy value spread onto its four
// source pixels with the forward's weights). tfjs 4.22's cpu kernel is not: it ignores
// halfPixelCenters and returns dx with H and W swapped (wrong for non-square images).
Napi::Value ResizeBilinearGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float* dy = floatArg(info, 0, "dy");
  float* dx = floatArg(info, 1, "dx");
  const int32_t* d = intArrayArg(info, 2, "dims", 6);
  const bool alignCorners = info[3].ToBoolean(), halfPixelCenters = info[4].ToBoolean();
  const int64_t B = d[0], H = d[1], W = d[2], C = d[3], NH = d[4], NW = d[5];
  if (static_cast<int64_t>(floatLength(info, 0)) != B * NH * NW * C || static_cast<int64_t>(floatLength(info, 1)) != B * H * W * C) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native resizeBilinearGrad: dy or dx does not match dims");
  }
  const std::vector<BilinearTap> rows = bilinearMap(H, NH, alignCorners, halfPixelCenters);
  const std::vector<BilinearTap> cols = bilinearMap(W, NW, alignCorners, halfPixelCenters);
  // One task per sample: no two threads add into the same dx element.
#pragma omp parallel for schedule(static) if (B > 1 && B * NH * NW * C > kParallelThreshold)
  for (int64_t b = 0; b < B; ++b) {
    float* image = dx + b * H * W * C;
    std::memset(image, 0, H * W * C * sizeof(float));
    for (int64_t i = 0; i < NH; ++i) {
      const BilinearTap& r = rows[i];
      float* top = image + r.lo * W * C;
      float* bottom = image + r.hi * W * C;
      const float* g = dy + (b * NH + i) * NW * C;
      for (int64_t j = 0; j < NW; ++j) {
        const BilinearTap& c = cols[j];
        const float wTL = (1.f - r.frac) * (1.f - c.frac), wTR = (1.f - r.frac) * c.frac;
        const float wBL = r.frac * (1.f - c.frac), wBR = r.frac * c.frac;
        const float* gj = g + j * C;
        float *tl = top + c.lo * C, *tr = top + c.hi * C, *bl = bottom + c.lo * C, *br = bottom + c.hi * C;
        for (int64_t k = 0; k < C; ++k) {
          tl[k] += gj[k] * wTL;
          tr[k] += gj[k] * wTR;
          bl[k] += gj[k] * wBL;
          br[k] += gj[k] * wBR;
        }
      }
    }
  }
  return env.Undefined();
}

}  // namespace

void registerImageOps(Napi::Env env, Napi::Object exports) {
  exportFunction<ResizeBilinearGrad>(env, exports, "resizeBilinearGrad");
  exportFunction<ResizeBilinear>(env, exports, "resizeBilinear");
  exportFunction<ResizeNearest>(env, exports, "resizeNearest");
  exportFunction<ResizeNearestGrad>(env, exports, "resizeNearestGrad");
}

}  // namespace g2rl
