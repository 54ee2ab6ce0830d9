// Max and average pooling (tfjs MaxPool, AvgPool; NHWC) on oneDNN. The average excludes the
// padding from each window's count, as tfjs's kernels do; max ignores padding.
//
// dims (Int32Array, 15): N, H, W, C, KH, KW, OH, OW, strideH, strideW, padTop, padLeft,
// padBottom, padRight, dilation − 1 along both axes (tfjs pools are undilated: 0).
#include <memory>
#include <string>
#include <unordered_map>

#include "common.h"

namespace g2rl {
namespace {

constexpr size_t kPoolDims = 15;

struct PoolPlan {
  dnnl_primitive_t primitive = nullptr;
  dnnl_memory_desc_t srcMd, dstMd;
  ~PoolPlan() {
    if (primitive) dnnl_primitive_destroy(primitive);
  }
};

// Per JS thread, like the convolution plans (convolution.cc).
thread_local std::unordered_map<std::string, std::unique_ptr<PoolPlan>> g_poolPlans;

PoolPlan* poolPlan(Napi::Env env, const int32_t* d, bool average) {
  std::string key(reinterpret_cast<const char*>(d), kPoolDims * sizeof(int32_t));
  key += average ? 'a' : 'm';
  auto found = g_poolPlans.find(key);
  if (found != g_poolPlans.end()) return found->second.get();
  auto plan = std::make_unique<PoolPlan>();
  dnnl_dims_t src = {d[0], d[3], d[1], d[2]}, dst = {d[0], d[3], d[6], d[7]};
  check(env, dnnl_memory_desc_init_by_tag(&plan->srcMd, 4, src, dnnl_f32, dnnl_nhwc), "memory_desc_init_by_tag");
  check(env, dnnl_memory_desc_init_by_tag(&plan->dstMd, 4, dst, dnnl_f32, dnnl_nhwc), "memory_desc_init_by_tag");
  dnnl_dims_t kernel = {d[4], d[5]}, strides = {d[8], d[9]}, padL = {d[10], d[11]}, padR = {d[12], d[13]};
  dnnl_dims_t dilation = {d[14], d[14]};
  dnnl_pooling_v2_desc_t desc;
  check(env,
        dnnl_pooling_v2_forward_desc_init(&desc, dnnl_forward_inference,
                                          average ? dnnl_pooling_avg_exclude_padding : dnnl_pooling_max,
                                          &plan->srcMd, &plan->dstMd, strides, kernel, dilation, padL, padR),
        "pooling_v2_forward_desc_init");
  dnnl_primitive_desc_t pd;
  check(env, dnnl_primitive_desc_create(&pd, &desc, nullptr, engine(), nullptr), "pooling primitive_desc_create");
  dnnl_status_t status = dnnl_primitive_create(&plan->primitive, pd);
  dnnl_primitive_desc_destroy(pd);
  check(env, status, "pooling primitive_create");
  PoolPlan* raw = plan.get();
  if (g_poolPlans.size() >= 256) g_poolPlans.clear();
  g_poolPlans.emplace(std::move(key), std::move(plan));
  return raw;
}

// pool2d(x NHWC, out NHWC, dims, average)
Napi::Value Pool2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  float* x = floatArg(info, 0, "x");
  float* out = floatArg(info, 1, "out");
  const int32_t* d = intArrayArg(info, 2, "dims", kPoolDims);
  const bool average = info[3].ToBoolean();
  if (static_cast<int64_t>(floatLength(info, 0)) != int64_t{d[0]} * d[1] * d[2] * d[3] ||
      static_cast<int64_t>(floatLength(info, 1)) != int64_t{d[0]} * d[6] * d[7] * d[3]) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native pool2d: x or out does not match dims");
  }
  PoolPlan* plan = poolPlan(env, d, average);
  dnnl_memory_t src, dst;
  check(env, dnnl_memory_create(&src, &plan->srcMd, engine(), x), "memory_create");
  check(env, dnnl_memory_create(&dst, &plan->dstMd, engine(), out), "memory_create");
  dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}};
  dnnl_status_t status = dnnl_primitive_execute(plan->primitive, stream(), 2, args);
  if (status == dnnl_success) status = dnnl_stream_wait(stream());
  dnnl_memory_destroy(src);
  dnnl_memory_destroy(dst);
  check(env, status, "pooling execute");
  return env.Undefined();
}

}  // namespace

void registerPooling(Napi::Env env, Napi::Object exports) {
  exportFunction<Pool2d>(env, exports, "pool2d");
}

}  // namespace g2rl
