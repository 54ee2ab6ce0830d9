// Shared helpers for the g2rl native kernels: argument unpacking (typed arrays are used in
// place — tfjs owns the memory, we never copy it) and oneDNN error reporting.
#pragma once

#include <napi.h>
#include <oneapi/dnnl/dnnl.h>

#include <omp.h>

#include <cstdint>
#include <string>
#include <vector>

namespace g2rl {

// The one CPU engine and stream for the process; created on first use.
dnnl_engine_t engine();
dnnl_stream_t stream();

// Throws a JS Error naming the oneDNN call that failed and its status.
void check(Napi::Env env, dnnl_status_t status, const char* what);

// float* into a Float32Array argument (byteOffset respected); throws a TypeError naming the
// argument when it is not a Float32Array.
float* floatArg(const Napi::CallbackInfo& info, size_t index, const char* name);
// Same, but `null`/`undefined` → nullptr.
float* optionalFloatArg(const Napi::CallbackInfo& info, size_t index, const char* name);
// Length (in elements) of a Float32Array argument.
size_t floatLength(const Napi::CallbackInfo& info, size_t index);
// int32* into an Int32Array argument of at least `minLength` elements.
const int32_t* intArrayArg(const Napi::CallbackInfo& info, size_t index, const char* name,
                           size_t minLength);
int intArg(const Napi::CallbackInfo& info, size_t index, const char* name);
double numberArg(const Napi::CallbackInfo& info, size_t index, const char* name);

// Below this many elements an element-wise loop (memory-bound) runs on one thread: waking the
// OpenMP team costs more than the second core saves. A training step issues ~1500 kernels, each
// parallel region ending in a barrier that waits for every thread to be scheduled; with
// OMP_WAIT_POLICY=PASSIVE (see src/addon.ts) that is cheap enough that splitting tensors from
// 64K elements up measured faster than single-threaded element-wise kernels (train step
// 488–708 ms vs 755–796 ms on 2 shared cores); spinning waits were far worse.
// Overridable with env G2RL_NATIVE_PARALLEL_MIN (elements), read once when the addon loads.
extern int64_t kParallelThreshold;

// out[i] = x[i] rounded to bfloat16 (nearest even; NaN stays NaN), threaded above
// kParallelThreshold elements.
void toBf16(const float* x, uint16_t* out, int64_t n);

// Per-thread partial results of an OpenMP region, combined in thread order after it — not in
// the order the threads finish, as `omp critical` did, which made a sum over 3 or more threads
// differ between runs in its last bits (floating-point addition is not associative). With
// schedule(static) loops each thread's share is fixed, so the result is the same on every run
// with the same team size. Make it before the region (it sizes itself for the current team);
// each thread writes only mine(); slots of threads the region did not use keep `init`.
class ThreadPartials {
 public:
  ThreadPartials(int64_t width, double init)
      : width_(width), values_(static_cast<size_t>(omp_get_max_threads() * width), init) {}
  double* mine() { return values_.data() + static_cast<int64_t>(omp_get_thread_num()) * width_; }
  // merge(value, result[i]) for each thread's slot i, threads 0, 1, … in order.
  template <typename Merge>
  void combine(double* result, Merge merge) const {
    for (size_t t = 0; t * width_ < values_.size(); ++t) {
      for (int64_t i = 0; i < width_; ++i) merge(values_[t * width_ + i], result[i]);
    }
  }

 private:
  int64_t width_;
  std::vector<double> values_;
};
inline void addTo(double value, double& total) { total += value; }

// Drops the cached convolution primitives (they are built for the current thread count).
void clearConvolutionPlans();

// Runs one exported function (every export goes through exportFunction). A Napi::Error (a bad
// argument, a failed oneDNN call) or any other C++ exception becomes the JS exception, unless
// one is already pending. When the JS thread is being stopped (worker.terminate() while a kernel
// runs) nothing can be thrown into JS any more: node-addon-api's own wrapper then threw again
// from its catch handler, out through V8's frames, so std::terminate aborted the whole process,
// the server's HTTP thread with it. Here the exception is dropped then; the thread is ending.
napi_value guardedCall(napi_env env, napi_callback_info info,
                       Napi::Value (*fn)(const Napi::CallbackInfo&)) noexcept;

template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
napi_value guarded(napi_env env, napi_callback_info info) noexcept {
  return guardedCall(env, info, Fn);
}

// exports[name] = Fn, called through guardedCall.
template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
void exportFunction(Napi::Env env, Napi::Object exports, const char* name) {
  napi_value fn = nullptr;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, guarded<Fn>, nullptr, &fn));
  exports.Set(name, Napi::Value(env, fn));
}

// Registration of each kernel family's functions on the module's exports.
void registerConvolution(Napi::Env env, Napi::Object exports);
void registerMatMul(Napi::Env env, Napi::Object exports);
void registerElementwise(Napi::Env env, Napi::Object exports);
void registerReductions(Napi::Env env, Napi::Object exports);
void registerImageOps(Napi::Env env, Napi::Object exports);
void registerTile(Napi::Env env, Napi::Object exports);
void registerOptimizer(Napi::Env env, Napi::Object exports);
void registerStridedCopy(Napi::Env env, Napi::Object exports);
void registerTopK(Napi::Env env, Napi::Object exports);
void registerCast(Napi::Env env, Napi::Object exports);
void registerPooling(Napi::Env env, Napi::Object exports);
void registerPeak(Napi::Env env, Napi::Object exports);
void registerBatchNormTrain(Napi::Env env, Napi::Object exports);

}  // namespace g2rl
