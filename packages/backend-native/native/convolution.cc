// 2-D convolution on oneDNN: forward (with bias and activation fused as post-ops), backward
// data and backward weights. Tensors stay in tfjs's layouts — activations NHWC, filters
// HWIO (fh×fw×inC×outC) — and oneDNN reads/writes them in place; only the filter is
// reordered (it is small) into whatever blocked layout the fastest implementation wants.
//
// dims (Int32Array, 18): N, H, W, C, KH, KW, OC, OH, OW, strideH, strideW, dilationH,
// dilationW (tfjs convention: 1 = dense), padTop, padLeft, padBottom, padRight, groups.
// groups = C is tfjs's depthwise convolution: its filter KH×KW×C×M (M = OC / C, out channel
// c·M + m) is oneDNN's grouped weights G×(OC/G)×1×KH×KW in the `hwigo` layout, in place.
//
// Precision (setConvPrecision, per JS thread): 'fp32', or 'bf16' — mixed precision for dense
// (groups = 1) convolutions: the inputs of each primitive (x, dy, the filter) are rounded to
// bfloat16 (8-bit mantissa), oneDNN multiplies them in bf16 with fp32 accumulation (AMX tiles
// or AVX512_BF16 where the CPU has them), and every output (y, dx, dw) is fp32; the weights
// tfjs holds stay fp32 (the "master" copy Adam updates). Depthwise convolutions stay fp32.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <omp.h>

#include "common.h"

namespace g2rl {
namespace {

enum class ConvKind { Forward, BackwardData, BackwardWeights };

// Activations fused into the forward convolution (tfjs `activation` attribute).
enum Activation { kLinear = 0, kRelu = 1, kRelu6 = 2, kLeakyRelu = 3, kElu = 4, kSigmoid = 5 };

constexpr size_t kDims = 18;

enum class Precision : char { Fp32 = 0, Bf16 = 1 };
thread_local Precision g_precision = Precision::Fp32;

struct ConvGeometry {
  dnnl_dim_t n, h, w, c, kh, kw, oc, oh, ow, groups;
  dnnl_dims_t strides, dilates, padL, padR;
};

ConvGeometry readGeometry(const int32_t* d) {
  ConvGeometry g;
  g.n = d[0]; g.h = d[1]; g.w = d[2]; g.c = d[3];
  g.kh = d[4]; g.kw = d[5]; g.oc = d[6]; g.oh = d[7]; g.ow = d[8];
  g.strides[0] = d[9]; g.strides[1] = d[10];
  g.dilates[0] = d[11] - 1; g.dilates[1] = d[12] - 1;
  g.padL[0] = d[13]; g.padL[1] = d[14];
  g.padR[0] = d[15]; g.padR[1] = d[16];
  g.groups = d[17];
  return g;
}

// A ready-to-run primitive plus the filter reorder it needs; cached per shape.
struct ConvPlan {
  dnnl_primitive_t primitive = nullptr;
  dnnl_memory_desc_t srcMd, dstMd, biasMd;  // fp32, as tfjs holds them
  // bf16: the primitive's inputs in bf16 (x for forward and backward weights, dy for both
  // backward kinds), converted from the fp32 tensors before each execution.
  bool bf16 = false;
  dnnl_memory_desc_t srcBf16Md, dstBf16Md;
  dnnl_memory_desc_t userFilterMd;  // HWIO as tfjs holds it
  dnnl_memory_desc_t primFilterMd;  // what the primitive wants
  bool reorderFilter = false;
  dnnl_primitive_t filterReorder = nullptr;  // user→prim (fwd, bwd data) or prim→user (bwd w)
  size_t filterElements = 0;  // of the primitive's filter layout (fp32-sized, + slack)
  // Plans made with a user scratchpad (run concurrently with other plans, see
  // splitBackpropFilterBf16): the bytes each execution must be given; 0 otherwise.
  dnnl_memory_desc_t scratchpadMd{};
  size_t scratchpadBytes = 0;
  ~ConvPlan() {
    if (primitive) dnnl_primitive_destroy(primitive);
    if (filterReorder) dnnl_primitive_destroy(filterReorder);
  }
};

// One plan cache per JS thread: worker_threads that load the addon (the server's inference
// workers) convolve at the same time without sharing mutable state, each with its own OpenMP
// thread count, which oneDNN reads at plan creation. Least recently used plans go first once
// there are kMaxPlans (a server sees one plan per layer and batch size; clearing them all at
// the cap, as before, rebuilt every layer's plans at once).
struct PlanCache {
  std::list<std::pair<std::string, std::unique_ptr<ConvPlan>>> order;  // most recently used first
  std::unordered_map<std::string, decltype(order)::iterator> byKey;
  size_t evicted = 0;
  ConvPlan* find(const std::string& key) {
    auto found = byKey.find(key);
    if (found == byKey.end()) return nullptr;
    order.splice(order.begin(), order, found->second);
    return found->second->second.get();
  }
  ConvPlan* add(std::string key, std::unique_ptr<ConvPlan> plan, size_t limit) {
    while (!order.empty() && order.size() >= limit) {
      byKey.erase(order.back().first);
      order.pop_back();
      ++evicted;
    }
    order.emplace_front(std::move(key), std::move(plan));
    byKey.emplace(order.front().first, order.begin());
    return order.front().second.get();
  }
  void clear() {
    byKey.clear();
    order.clear();
  }
};
thread_local PlanCache g_plans;
constexpr size_t kMaxPlans = 512;

// Filters in a primitive's layout, reordered once and kept by the caller's filter id (forward
// and backward data): inference reuses the same weights call after call, so their reorder
// (~9% of a batch-1 forward) is done once. Shared by every plan of this JS thread: the plans of
// one layer at different batch sizes usually want the same layout, and then hold one copy
// (they held one each: 52 MiB for 266 plans in the server soak). Ids are never reused by the
// caller for other contents. Bounded in bytes, least recently used first out (training makes
// new weights every step; their old copies are what goes).
struct ReorderedFilter {
  double id;
  dnnl_memory_desc_t md;
  std::vector<float> data;
};
struct FilterCache {
  std::list<ReorderedFilter> order;  // most recently used first
  std::unordered_multimap<double, std::list<ReorderedFilter>::iterator> byId;
  size_t bytes = 0;
  ReorderedFilter* find(double id, const dnnl_memory_desc_t& md) {
    auto [first, last] = byId.equal_range(id);
    for (auto it = first; it != last; ++it) {
      if (!dnnl_memory_desc_equal(&it->second->md, &md)) continue;
      order.splice(order.begin(), order, it->second);
      return &order.front();
    }
    return nullptr;
  }
  // A new entry of `elements` floats at the front, evicting from the back to stay within
  // `budget` bytes; an evicted buffer of the same size is reused (training: every step).
  ReorderedFilter* add(double id, const dnnl_memory_desc_t& md, size_t elements, size_t budget) {
    const size_t need = elements * sizeof(float);
    std::vector<float> reuse;
    while (!order.empty() && bytes + need > budget) {
      auto last = std::prev(order.end());
      auto [first, end] = byId.equal_range(last->id);
      for (auto it = first; it != end; ++it) {
        if (it->second == last) { byId.erase(it); break; }
      }
      bytes -= last->data.size() * sizeof(float);
      if (last->data.size() == elements) reuse = std::move(last->data);
      order.erase(last);
    }
    if (reuse.size() != elements) std::vector<float>(elements).swap(reuse);
    order.push_front({id, md, std::move(reuse)});
    byId.emplace(id, order.begin());
    bytes += need;
    return &order.front();
  }
  void clear() {
    byId.clear();
    order.clear();
    bytes = 0;
  }
};
thread_local FilterCache g_filters;

// Bytes of reordered filters kept per JS thread: env G2RL_NATIVE_FILTER_CACHE_MB (MiB, read
// once), default 64 (g2rl-serve held 5 MiB per worker for its two models).
size_t filterCacheBudget() {
  static const size_t budget = [] {
    const char* value = std::getenv("G2RL_NATIVE_FILTER_CACHE_MB");
    const long long mb = value ? std::atoll(value) : 64;
    return static_cast<size_t>(mb >= 0 ? mb : 64) << 20;
  }();
  return budget;
}

// A filter in the primitive's layout for one call (training's weight gradient, or a filter
// without an id): one buffer per JS thread, grown to the largest layout seen.
thread_local std::vector<float> g_filterScratch;
float* filterScratch(size_t elements) {
  if (g_filterScratch.size() < elements) g_filterScratch.resize(elements);
  return g_filterScratch.data();
}

dnnl_memory_desc_t makeMd(Napi::Env env, std::initializer_list<dnnl_dim_t> dims,
                          dnnl_format_tag_t tag, dnnl_data_type_t type = dnnl_f32) {
  dnnl_memory_desc_t md;
  dnnl_dims_t d;
  int i = 0;
  for (dnnl_dim_t v : dims) d[i++] = v;
  check(env, dnnl_memory_desc_init_by_tag(&md, i, d, type, tag), "memory_desc_init_by_tag");
  return md;
}

// The weights: OIHW logically (HWIO in tfjs's memory, `tag` any for the primitive's choice);
// grouped G×(OC/G)×(C/G)×KH×KW, tfjs's HWIO then being oneDNN's hwigo.
dnnl_memory_desc_t weightsMd(Napi::Env env, const ConvGeometry& g, bool user,
                             dnnl_data_type_t type = dnnl_f32) {
  if (g.groups == 1) return makeMd(env, {g.oc, g.c, g.kh, g.kw}, user ? dnnl_hwio : dnnl_format_tag_any, type);
  return makeMd(env, {g.groups, g.oc / g.groups, g.c / g.groups, g.kh, g.kw},
                user ? dnnl_hwigo : dnnl_format_tag_any);
}

dnnl_primitive_desc_t forwardDesc(Napi::Env env, const ConvGeometry& g, bool bias,
                                  int activation, float alpha, dnnl_data_type_t inType = dnnl_f32) {
  // NHWC activations fixed; the filter layout is left to oneDNN ('any'). The output is fp32
  // whatever the inputs' type.
  dnnl_memory_desc_t src = makeMd(env, {g.n, g.c, g.h, g.w}, dnnl_nhwc, inType);
  dnnl_memory_desc_t dst = makeMd(env, {g.n, g.oc, g.oh, g.ow}, dnnl_nhwc);
  dnnl_memory_desc_t wts = weightsMd(env, g, false, inType);
  dnnl_memory_desc_t biasMd = makeMd(env, {g.oc}, dnnl_a);
  dnnl_convolution_desc_t desc;
  check(env,
        dnnl_dilated_convolution_forward_desc_init(
            &desc, dnnl_forward_training, dnnl_convolution_direct, &src, &wts,
            bias ? &biasMd : nullptr, &dst, g.strides, g.dilates, g.padL, g.padR),
        "convolution_forward_desc_init");
  dnnl_primitive_attr_t attr;
  check(env, dnnl_primitive_attr_create(&attr), "primitive_attr_create");
  if (activation != kLinear) {
    dnnl_post_ops_t ops;
    check(env, dnnl_post_ops_create(&ops), "post_ops_create");
    dnnl_alg_kind_t alg = dnnl_eltwise_relu;
    float a = 0.f, b = 0.f;
    switch (activation) {
      case kRelu: alg = dnnl_eltwise_relu; break;
      case kRelu6: alg = dnnl_eltwise_clip_v2; a = 0.f; b = 6.f; break;
      case kLeakyRelu: alg = dnnl_eltwise_relu; a = alpha; break;
      case kElu: alg = dnnl_eltwise_elu; a = 1.f; break;
      case kSigmoid: alg = dnnl_eltwise_logistic; break;
      default: throw Napi::Error::New(env, "@g2rl/backend-native: unknown activation code");
    }
    check(env, dnnl_post_ops_append_eltwise(ops, 1.f, alg, a, b), "post_ops_append_eltwise");
    check(env, dnnl_primitive_attr_set_post_ops(attr, ops), "primitive_attr_set_post_ops");
    dnnl_post_ops_destroy(ops);
  }
  dnnl_primitive_desc_t pd;
  dnnl_status_t status = dnnl_primitive_desc_create(&pd, &desc, attr, engine(), nullptr);
  dnnl_primitive_attr_destroy(attr);
  check(env, status, "convolution forward primitive_desc_create");
  return pd;
}

// oneDNN 2.6.3's jit_1x1 backward-weights kernel corrupts the heap for strided 1×1
// convolutions (seen with batch 1, e.g. 1×32×32×8 → 12 channels, stride 2: "corrupted size vs.
// prev_size"), so for those the next implementation in oneDNN's preference order is taken.
dnnl_primitive_desc_t backwardWeightsDesc(Napi::Env env, const dnnl_convolution_desc_t& desc,
                                          dnnl_primitive_desc_t forward, const ConvGeometry& g,
                                          const_dnnl_primitive_attr_t attr = nullptr) {
  const bool avoid1x1 = g.kh == 1 && g.kw == 1 && (g.strides[0] > 1 || g.strides[1] > 1);
  dnnl_primitive_desc_iterator_t it;
  check(env, dnnl_primitive_desc_iterator_create(&it, &desc, attr, engine(), forward),
        "convolution backward weights primitive_desc_iterator_create");
  dnnl_primitive_desc_t chosen = nullptr;
  do {
    dnnl_primitive_desc_t candidate = dnnl_primitive_desc_iterator_fetch(it);
    const char* name = nullptr;
    dnnl_primitive_desc_query(candidate, dnnl_query_impl_info_str, 0, &name);
    if (!avoid1x1 || name == nullptr || std::strncmp(name, "jit_1x1", 7) != 0) {
      chosen = candidate;
      break;
    }
    dnnl_primitive_desc_destroy(candidate);
  } while (dnnl_primitive_desc_iterator_next(it) == dnnl_success);
  dnnl_primitive_desc_iterator_destroy(it);
  if (!chosen) throw Napi::Error::New(env, "@g2rl/backend-native: no usable backward-weights convolution");
  return chosen;
}

// userScratchpad (backward weights only): the plan's primitive takes its scratchpad as an
// argument instead of oneDNN's global one, which belongs to the thread that made the primitive.
ConvPlan* getPlan(Napi::Env env, ConvKind kind, const int32_t* dims, bool bias, int activation,
                  float alpha, bool userScratchpad = false) {
  std::string key(reinterpret_cast<const char*>(dims), kDims * sizeof(int32_t));
  const bool bf16 = g_precision == Precision::Bf16 && dims[17] == 1;
  const dnnl_data_type_t inType = bf16 ? dnnl_bf16 : dnnl_f32;
  key += static_cast<char>(bf16);
  key += static_cast<char>(omp_get_max_threads());  // oneDNN partitions work for the team it sees
  key += static_cast<char>(kind);
  key += static_cast<char>(bias);
  key += static_cast<char>(activation);
  key.append(reinterpret_cast<const char*>(&alpha), sizeof alpha);
  key += static_cast<char>(userScratchpad);
  if (ConvPlan* found = g_plans.find(key)) return found;

  ConvGeometry g = readGeometry(dims);
  auto plan = std::make_unique<ConvPlan>();
  plan->srcMd = makeMd(env, {g.n, g.c, g.h, g.w}, dnnl_nhwc);
  plan->dstMd = makeMd(env, {g.n, g.oc, g.oh, g.ow}, dnnl_nhwc);
  plan->biasMd = makeMd(env, {g.oc}, dnnl_a);
  plan->userFilterMd = weightsMd(env, g, true);
  plan->bf16 = bf16;
  plan->srcBf16Md = makeMd(env, {g.n, g.c, g.h, g.w}, dnnl_nhwc, dnnl_bf16);
  plan->dstBf16Md = makeMd(env, {g.n, g.oc, g.oh, g.ow}, dnnl_nhwc, dnnl_bf16);
  // Backward data takes bf16 weights; backward weights writes fp32 ones (then reordered).
  dnnl_memory_desc_t wtsAny = weightsMd(env, g, false, kind == ConvKind::BackwardWeights ? dnnl_f32 : inType);
  const dnnl_memory_desc_t& srcIn = bf16 ? plan->srcBf16Md : plan->srcMd;
  const dnnl_memory_desc_t& dstIn = bf16 ? plan->dstBf16Md : plan->dstMd;

  dnnl_primitive_desc_t forward = forwardDesc(env, g, bias, activation, alpha, inType);
  dnnl_primitive_desc_t pd = forward;
  dnnl_query_t filterQuery = dnnl_query_weights_md;
  if (kind == ConvKind::BackwardData) {
    dnnl_convolution_desc_t desc;
    check(env,
          dnnl_dilated_convolution_backward_data_desc_init(
              &desc, dnnl_convolution_direct, &plan->srcMd, &wtsAny, &dstIn, g.strides,
              g.dilates, g.padL, g.padR),
          "convolution_backward_data_desc_init");
    dnnl_status_t status = dnnl_primitive_desc_create(&pd, &desc, nullptr, engine(), forward);
    check(env, status, "convolution backward data primitive_desc_create");
  } else if (kind == ConvKind::BackwardWeights) {
    dnnl_convolution_desc_t desc;
    check(env,
          dnnl_dilated_convolution_backward_weights_desc_init(
              &desc, dnnl_convolution_direct, &srcIn, &wtsAny, nullptr, &dstIn,
              g.strides, g.dilates, g.padL, g.padR),
          "convolution_backward_weights_desc_init");
    dnnl_primitive_attr_t attr = nullptr;
    if (userScratchpad) {
      check(env, dnnl_primitive_attr_create(&attr), "primitive_attr_create");
      check(env, dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "set_scratchpad_mode");
    }
    try {
      pd = backwardWeightsDesc(env, desc, forward, g, attr);
    } catch (...) {
      if (attr) dnnl_primitive_attr_destroy(attr);
      throw;
    }
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (userScratchpad) {
      plan->scratchpadMd = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
      plan->scratchpadBytes = dnnl_memory_desc_get_size(&plan->scratchpadMd);
    }
    filterQuery = dnnl_query_diff_weights_md;
  }
  plan->primFilterMd = *dnnl_primitive_desc_query_md(pd, filterQuery, 0);
  plan->reorderFilter = !dnnl_memory_desc_equal(&plan->primFilterMd, &plan->userFilterMd);
  check(env, dnnl_primitive_create(&plan->primitive, pd), "convolution primitive_create");
  if (plan->reorderFilter) {
    const dnnl_memory_desc_t* from =
        kind == ConvKind::BackwardWeights ? &plan->primFilterMd : &plan->userFilterMd;
    const dnnl_memory_desc_t* to =
        kind == ConvKind::BackwardWeights ? &plan->userFilterMd : &plan->primFilterMd;
    dnnl_primitive_desc_t rpd;
    check(env, dnnl_reorder_primitive_desc_create(&rpd, from, engine(), to, engine(), nullptr),
          "reorder_primitive_desc_create");
    check(env, dnnl_primitive_create(&plan->filterReorder, rpd), "reorder primitive_create");
    dnnl_primitive_desc_destroy(rpd);
    // (bf16 filters take half of this: the buffers are sized for fp32 either way)
    plan->filterElements = dnnl_memory_desc_get_size(&plan->primFilterMd) / sizeof(float) + 16;
  }
  if (pd != forward) dnnl_primitive_desc_destroy(pd);
  dnnl_primitive_desc_destroy(forward);
  return g_plans.add(std::move(key), std::move(plan), kMaxPlans);
}

// Owns the dnnl_memory_t wrappers of one execution (they only point at caller memory).
struct Memories {
  std::vector<dnnl_memory_t> items;
  Napi::Env env;
  explicit Memories(Napi::Env e) : env(e) {}
  dnnl_memory_t wrap(const dnnl_memory_desc_t& md, void* data) {
    dnnl_memory_t m;
    check(env, dnnl_memory_create(&m, &md, engine(), data), "memory_create");
    items.push_back(m);
    return m;
  }
  ~Memories() {
    for (dnnl_memory_t m : items) dnnl_memory_destroy(m);
  }
};

void run(Napi::Env env, dnnl_primitive_t primitive, std::vector<dnnl_exec_arg_t> args) {
  check(env, dnnl_primitive_execute(primitive, stream(), static_cast<int>(args.size()),
                                    args.data()),
        "primitive_execute");
  check(env, dnnl_stream_wait(stream()), "stream_wait");
}

// A primitive input in the plan's type: the fp32 tensor itself, or its bf16 rounding in a
// per-thread scratch buffer (slot 0 and 1: a primitive has at most two such inputs).
thread_local std::vector<uint16_t> g_bf16Scratch[2];
dnnl_memory_t input(ConvPlan* plan, Memories& mem, const dnnl_memory_desc_t& fp32Md,
                    const dnnl_memory_desc_t& bf16Md, float* data, int slot) {
  if (!plan->bf16) return mem.wrap(fp32Md, data);
  const int64_t n = static_cast<int64_t>(dnnl_memory_desc_get_size(&fp32Md) / sizeof(float));
  auto& scratch = g_bf16Scratch[slot];
  if (scratch.size() < static_cast<size_t>(n)) scratch.resize(static_cast<size_t>(n));
  toBf16(data, scratch.data(), n);
  return mem.wrap(bf16Md, scratch.data());
}

// The filter in the primitive's layout: the user's memory when no reorder is needed, else the
// shared reorder for `filterId` (> 0; see FilterCache) or a fresh reorder into the scratch.
dnnl_memory_t preparedFilter(Napi::Env env, ConvPlan* plan, Memories& mem, float* filter,
                             double filterId) {
  dnnl_memory_t userFilter = mem.wrap(plan->userFilterMd, filter);
  if (!plan->reorderFilter) return userFilter;
  const bool cached = filterId > 0 && plan->filterElements * sizeof(float) <= filterCacheBudget();
  if (cached) {
    if (ReorderedFilter* hit = g_filters.find(filterId, plan->primFilterMd)) {
      return mem.wrap(plan->primFilterMd, hit->data.data());
    }
  }
  float* target = cached
      ? g_filters.add(filterId, plan->primFilterMd, plan->filterElements, filterCacheBudget())->data.data()
      : filterScratch(plan->filterElements);
  dnnl_memory_t primFilter = mem.wrap(plan->primFilterMd, target);
  run(env, plan->filterReorder, {{DNNL_ARG_FROM, userFilter}, {DNNL_ARG_TO, primFilter}});
  return primFilter;
}

// conv2d(x NHWC, filter HWIO, bias [OC] | null, out NHWC, dims, activation, alpha, filterId)
// filterId > 0 names the filter's contents (see preparedFilter); 0: no caching.
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  float* x = floatArg(info, 0, "x");
  float* filter = floatArg(info, 1, "filter");
  float* bias = optionalFloatArg(info, 2, "bias");
  float* out = floatArg(info, 3, "out");
  const int32_t* dims = intArrayArg(info, 4, "dims", kDims);
  int activation = intArg(info, 5, "activation");
  float alpha = static_cast<float>(numberArg(info, 6, "alpha"));
  const double filterId = info.Length() > 7 && info[7].IsNumber() ? info[7].As<Napi::Number>().DoubleValue() : 0;
  ConvPlan* plan = getPlan(env, ConvKind::Forward, dims, bias != nullptr, activation, alpha);
  Memories mem(env);
  dnnl_memory_t primFilter = preparedFilter(env, plan, mem, filter, filterId);
  std::vector<dnnl_exec_arg_t> args = {{DNNL_ARG_SRC, input(plan, mem, plan->srcMd, plan->srcBf16Md, x, 0)},
                                       {DNNL_ARG_WEIGHTS, primFilter},
                                       {DNNL_ARG_DST, mem.wrap(plan->dstMd, out)}};
  if (bias) args.push_back({DNNL_ARG_BIAS, mem.wrap(plan->biasMd, bias)});
  run(env, plan->primitive, args);
  return env.Undefined();
}

// conv2dBackpropInput(dy NHWC(out), filter HWIO, dx NHWC(in), dims, filterId)
Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  float* dy = floatArg(info, 0, "dy");
  float* filter = floatArg(info, 1, "filter");
  float* dx = floatArg(info, 2, "dx");
  const int32_t* dims = intArrayArg(info, 3, "dims", kDims);
  const double filterId = info.Length() > 4 && info[4].IsNumber() ? info[4].As<Napi::Number>().DoubleValue() : 0;
  ConvPlan* plan = getPlan(env, ConvKind::BackwardData, dims, false, kLinear, 0.f);
  Memories mem(env);
  dnnl_memory_t primFilter = preparedFilter(env, plan, mem, filter, filterId);
  run(env, plan->primitive,
      {{DNNL_ARG_DIFF_DST, input(plan, mem, plan->dstMd, plan->dstBf16Md, dy, 0)},
       {DNNL_ARG_WEIGHTS, primFilter},
       {DNNL_ARG_DIFF_SRC, mem.wrap(plan->srcMd, dx)}});
  return env.Undefined();
}

// The weight gradient of an unpadded 1×1 convolution is one matrix product over every output
// pixel: dw (C×OC) = xᵀ (C×M) · dy (M×OC), M = N·OH·OW, with x subsampled first when strided.
// oneDNN 2.6.3's backward-weights kernels run these at 10–25 GFLOP/s on 2 cores (a 1×1
// projection of the `small` preset took 3.9 ms); sgemm takes a fraction of that.
thread_local std::vector<float> g_subsampled;

bool pointwiseBackpropFilter(Napi::Env env, const ConvGeometry& g, const float* x, const float* dy,
                             float* dw) {
  if (g.groups != 1 || g.kh != 1 || g.kw != 1 || g.padL[0] || g.padL[1] || g.padR[0] || g.padR[1]) return false;
  const int64_t m = g.n * g.oh * g.ow;
  const float* a = x;
  const int64_t sh = g.strides[0], sw = g.strides[1];
  if (sh != 1 || sw != 1 || g.oh != g.h || g.ow != g.w) {
    g_subsampled.resize(static_cast<size_t>(m * g.c));
    float* packed = g_subsampled.data();
#pragma omp parallel for schedule(static) if (m * g.c > kParallelThreshold)
    for (int64_t row = 0; row < g.n * g.oh; ++row) {
      const int64_t b = row / g.oh, i = row % g.oh;
      const float* src = x + ((b * g.h + i * sh) * g.w) * g.c;
      float* dst = packed + row * g.ow * g.c;
      for (int64_t j = 0; j < g.ow; ++j) std::memcpy(dst + j * g.c, src + j * sw * g.c, g.c * sizeof(float));
    }
    a = packed;
  }
  check(env, dnnl_sgemm('T', 'N', g.c, g.oc, m, 1.f, a, g.c, dy, g.oc, 0.f, dw, g.oc), "sgemm");
  return true;
}

// How a bf16 weight gradient uses the team. oneDNN 2.6.3's bf16 backward-weights kernels
// (jit:avx512_core_amx_bf16, jit_bf16:avx512_core_bf16) split the batch over the team and
// reduce the partial weights behind a spinning barrier. On an idle machine that is faster than
// one thread (2-core EPYC without AMX, 4 Dec: the `small` preset's 14 weight gradients in 25 ms
// on 2 threads, 44 ms on one), but as soon as anything else shares the cores — another process,
// or the trainer's own image decoding — the spinning thread holds a core the other needs: the
// stride-2 and 8×8 ones then took ~130 ms each (4 Dec) and all 14 took 500–750 ms (3 Dec, AMX).
// So by default (kSplitBatch) the addon splits the batch itself: a one-thread primitive per
// thread on its share of the images, the partial weights summed in thread order after an
// OpenMP barrier, which sleeps (OMP_WAIT_POLICY=PASSIVE). Env G2RL_NATIVE_BF16_WEIGHT_THREADS
// (read once): n ≥ 1 = oneDNN's kernel on n threads (1: the previous default), 0 = on the
// caller's whole team.
constexpr int kSplitBatch = 0;
int bf16WeightThreads() {
  static const int threads = [] {
    const char* value = std::getenv("G2RL_NATIVE_BF16_WEIGHT_THREADS");
    if (!value) return kSplitBatch;
    const int n = std::atoi(value);
    return n >= 1 ? n : INT32_MAX;
  }();
  return threads;
}

// The bf16 weight gradient split by images (see bf16WeightThreads): share t of the team takes
// a contiguous block of the batch, its one-thread primitive writes an fp32 partial in tfjs's
// HWIO layout (share 0 straight into dw), and dw is the sum of the partials in share order, so
// the result is the same on every run with the same team size. x and dy are rounded to bf16
// once, for all shares. Plans, memories and the rounding are made on the calling thread; the
// OpenMP threads only execute their share's primitive, with a scratchpad of its own (oneDNN's
// global one belongs to the thread that made the primitive: sharing it gave wrong weights in
// 3 of 4 test runs), and report a status, never throw.
thread_local std::vector<float> g_partialWeights;
thread_local std::vector<float> g_partialPrimWeights;
struct alignas(64) CacheLine { char bytes[64]; };
thread_local std::vector<CacheLine> g_shareScratchpads;
void splitBackpropFilterBf16(Napi::Env env, const int32_t* dims, float* x, float* dy, float* dw, int team) {
  const ConvGeometry g = readGeometry(dims);
  const int64_t inImage = g.h * g.w * g.c, outImage = g.oh * g.ow * g.oc;
  const int64_t weights = g.kh * g.kw * g.c * g.oc;
  auto& xs = g_bf16Scratch[0];
  auto& dys = g_bf16Scratch[1];
  if (xs.size() < static_cast<size_t>(g.n * inImage)) xs.resize(static_cast<size_t>(g.n * inImage));
  if (dys.size() < static_cast<size_t>(g.n * outImage)) dys.resize(static_cast<size_t>(g.n * outImage));
  toBf16(x, xs.data(), g.n * inImage);
  toBf16(dy, dys.data(), g.n * outImage);

  struct Share {
    ConvPlan* plan = nullptr;
    std::vector<dnnl_exec_arg_t> args, reorderArgs;
  };
  std::vector<Share> shares(static_cast<size_t>(team));
  // images of share t: the batch split as evenly as it goes, the first shares one more
  const auto shareSize = [&](int t) { return g.n / team + (t < g.n % team ? 1 : 0); };
  std::vector<int32_t> shareDims(dims, dims + kDims);
  // One-thread plans: oneDNN partitions work for the team it sees when a primitive is made.
  omp_set_num_threads(1);
  std::vector<ConvPlan*> plans(static_cast<size_t>(team));
  try {
    for (int t = 0; t < team; ++t) {
      shareDims[0] = static_cast<int32_t>(shareSize(t));
      plans[t] = getPlan(env, ConvKind::BackwardWeights, shareDims.data(), false, kLinear, 0.f, true);
    }
  } catch (...) {
    omp_set_num_threads(team);
    throw;
  }
  omp_set_num_threads(team);
  size_t primElements = 0;
  for (ConvPlan* plan : plans) primElements = std::max(primElements, plan->reorderFilter ? plan->filterElements : 0);
  if (g_partialWeights.size() < static_cast<size_t>((team - 1) * weights)) g_partialWeights.resize(static_cast<size_t>((team - 1) * weights));
  if (g_partialPrimWeights.size() < team * primElements) g_partialPrimWeights.resize(team * primElements);
  size_t scratchpadBytes = 0;  // per share, 64-byte aligned offsets
  for (ConvPlan* plan : plans) scratchpadBytes = std::max(scratchpadBytes, (plan->scratchpadBytes + 63) / 64 * 64);
  if (g_shareScratchpads.size() < team * scratchpadBytes / 64) g_shareScratchpads.resize(team * scratchpadBytes / 64);

  Memories mem(env);
  int64_t first = 0;
  for (int t = 0; t < team; ++t) {
    ConvPlan* plan = plans[t];
    float* user = t == 0 ? dw : g_partialWeights.data() + (t - 1) * weights;
    dnnl_memory_t userFilter = mem.wrap(plan->userFilterMd, user);
    dnnl_memory_t primFilter =
        plan->reorderFilter ? mem.wrap(plan->primFilterMd, g_partialPrimWeights.data() + t * primElements) : userFilter;
    shares[t].plan = plan;
    shares[t].args = {{DNNL_ARG_SRC, mem.wrap(plan->srcBf16Md, xs.data() + first * inImage)},
                      {DNNL_ARG_DIFF_DST, mem.wrap(plan->dstBf16Md, dys.data() + first * outImage)},
                      {DNNL_ARG_DIFF_WEIGHTS, primFilter}};
    if (plan->scratchpadBytes > 0) {
      char* scratchpad = reinterpret_cast<char*>(g_shareScratchpads.data()) + t * scratchpadBytes;
      shares[t].args.push_back({DNNL_ARG_SCRATCHPAD, mem.wrap(plan->scratchpadMd, scratchpad)});
    }
    if (plan->reorderFilter) shares[t].reorderArgs = {{DNNL_ARG_FROM, primFilter}, {DNNL_ARG_TO, userFilter}};
    first += shareSize(t);
  }
  std::vector<dnnl_status_t> status(static_cast<size_t>(team), dnnl_success);
#pragma omp parallel num_threads(team)
  for (int t = omp_get_thread_num(); t < team; t += omp_get_num_threads()) {
    Share& share = shares[t];
    dnnl_stream_t own = stream();  // this OpenMP thread's stream
    dnnl_status_t result = own ? dnnl_success : dnnl_runtime_error;
    if (result == dnnl_success) {
      result = dnnl_primitive_execute(share.plan->primitive, own, static_cast<int>(share.args.size()), share.args.data());
    }
    if (result == dnnl_success) result = dnnl_stream_wait(own);
    status[t] = result;
  }
  for (int t = 0; t < team; ++t) check(env, status[t], "bf16 backward weights (one share of the batch)");
  // The reorders to HWIO on this thread (their primitives use its global scratchpad).
  for (Share& share : shares) {
    if (share.plan->reorderFilter) run(env, share.plan->filterReorder, share.reorderArgs);
  }
  const float* partials = g_partialWeights.data();
#pragma omp parallel for simd schedule(static) if (weights > kParallelThreshold)
  for (int64_t i = 0; i < weights; ++i) {
    float sum = dw[i];
    for (int t = 1; t < team; ++t) sum += partials[(t - 1) * weights + i];
    dw[i] = sum;
  }
}

// conv2dBackpropFilter(x NHWC, dy NHWC(out), dw HWIO, dims)
Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  float* x = floatArg(info, 0, "x");
  float* dy = floatArg(info, 1, "dy");
  float* dw = floatArg(info, 2, "dw");
  const int32_t* dims = intArrayArg(info, 3, "dims", kDims);
  static const bool noPointwise = std::getenv("G2RL_NATIVE_NO_POINTWISE") != nullptr;
  if (!noPointwise && pointwiseBackpropFilter(env, readGeometry(dims), x, dy, dw)) return env.Undefined();
  // bf16 weight gradients: split over the team by the addon, or on a team of their own
  // (created and executed with it), see bf16WeightThreads; the caller's team restored on every exit.
  const bool bf16 = g_precision == Precision::Bf16 && dims[17] == 1;
  const int team = omp_get_max_threads();
  if (bf16 && bf16WeightThreads() == kSplitBatch && team > 1 && dims[0] >= team) {
    splitBackpropFilterBf16(env, dims, x, dy, dw, team);
    return env.Undefined();
  }
  const int narrowTo = bf16WeightThreads() == kSplitBatch ? 1 : bf16WeightThreads();
  const bool narrow = bf16 && narrowTo < team;
  struct TeamScope {
    int previous = 0;
    TeamScope(bool on, int threads) {
      if (!on) return;
      previous = omp_get_max_threads();
      omp_set_num_threads(threads);
    }
    ~TeamScope() {
      if (previous) omp_set_num_threads(previous);
    }
  } scope(narrow, narrowTo);
  ConvPlan* plan = getPlan(env, ConvKind::BackwardWeights, dims, false, kLinear, 0.f);
  Memories mem(env);
  dnnl_memory_t userFilter = mem.wrap(plan->userFilterMd, dw);
  dnnl_memory_t primFilter =
      plan->reorderFilter ? mem.wrap(plan->primFilterMd, filterScratch(plan->filterElements)) : userFilter;
  run(env, plan->primitive,
      {{DNNL_ARG_SRC, input(plan, mem, plan->srcMd, plan->srcBf16Md, x, 0)},
       {DNNL_ARG_DIFF_DST, input(plan, mem, plan->dstMd, plan->dstBf16Md, dy, 1)},
       {DNNL_ARG_DIFF_WEIGHTS, primFilter}});
  if (plan->reorderFilter) {
    run(env, plan->filterReorder, {{DNNL_ARG_FROM, primFilter}, {DNNL_ARG_TO, userFilter}});
  }
  return env.Undefined();
}

// convImplementation(kind 0|1|2, dims) → oneDNN's name for the implementation it picked
// (e.g. "brg:avx512_core"); for the benchmark's report.
Napi::Value ConvImplementation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int kind = intArg(info, 0, "kind");
  const int32_t* dims = intArrayArg(info, 1, "dims", kDims);
  ConvPlan* plan = getPlan(env, static_cast<ConvKind>(kind), dims, false, kLinear, 0.f);
  const_dnnl_primitive_desc_t ppd;
  check(env, dnnl_primitive_get_primitive_desc(plan->primitive, &ppd), "get_primitive_desc");
  const char* name = nullptr;
  check(env, dnnl_primitive_desc_query(ppd, dnnl_query_impl_info_str, 0, &name), "query impl");
  return Napi::String::New(env, name ? name : "unknown");
}

// setConvPrecision('fp32' | 'bf16') for this JS thread's later convolutions; returns the
// previous one. bf16 needs a CPU with AVX512_BF16 (oneDNN has no bf16 convolutions otherwise).
Napi::Value SetConvPrecision(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string previous = g_precision == Precision::Bf16 ? "bf16" : "fp32";
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "setConvPrecision: expected 'fp32' or 'bf16'");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  if (name == "fp32") {
    g_precision = Precision::Fp32;
  } else if (name == "bf16") {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512bf16")) {
      throw Napi::Error::New(env, "setConvPrecision: bf16 convolutions need a CPU with AVX512_BF16 (or AMX); this one has neither");
    }
    g_precision = Precision::Bf16;
  } else {
    throw Napi::TypeError::New(env, "setConvPrecision: expected 'fp32' or 'bf16', got '" + name + "'");
  }
  return Napi::String::New(env, previous);
}

}  // namespace

void clearConvolutionPlans() {
  g_plans.clear();
  g_filters.clear();
}

// convolutionCacheStats() → { plans, evictedPlans, filters, filterBytes }: the calling JS
// thread's cached plans (and how many were dropped at the cap), its reordered filters and the
// bytes of filter copies it holds (those and the scratch), for memory metrics.
static Napi::Value ConvolutionCacheStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double filterBytes = static_cast<double>(g_filters.bytes + g_filterScratch.capacity() * sizeof(float));
  Napi::Object result = Napi::Object::New(env);
  result.Set("plans", Napi::Number::New(env, static_cast<double>(g_plans.order.size())));
  result.Set("evictedPlans", Napi::Number::New(env, static_cast<double>(g_plans.evicted)));
  result.Set("filters", Napi::Number::New(env, static_cast<double>(g_filters.order.size())));
  result.Set("filterBytes", Napi::Number::New(env, filterBytes));
  return result;
}

void registerConvolution(Napi::Env env, Napi::Object exports) {
  exportFunction<Conv2d>(env, exports, "conv2d");
  exportFunction<Conv2dBackpropInput>(env, exports, "conv2dBackpropInput");
  exportFunction<Conv2dBackpropFilter>(env, exports, "conv2dBackpropFilter");
  exportFunction<SetConvPrecision>(env, exports, "setConvPrecision");
  exportFunction<ConvolutionCacheStats>(env, exports, "convolutionCacheStats");
  exportFunction<ConvImplementation>(env, exports, "convImplementation");
}

}  // namespace g2rl
