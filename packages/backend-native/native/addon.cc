// Module entry: argument helpers, the shared oneDNN engine/stream, and `info()`.
#include <omp.h>

#include <cstdio>
#include <cstdlib>

#include "common.h"

namespace g2rl {

int64_t kParallelThreshold = [] {
  const char* value = std::getenv("G2RL_NATIVE_PARALLEL_MIN");
  const long long parsed = value ? std::atoll(value) : 0;
  return parsed > 0 ? static_cast<int64_t>(parsed) : static_cast<int64_t>(1) << 16;
}();

// The engine is shared (oneDNN engines are thread-safe); each JS thread (the main thread and
// every worker_thread that loads the addon) gets its own stream, since streams are not.
dnnl_engine_t engine() {
  static dnnl_engine_t shared = [] {
    dnnl_engine_t created = nullptr;
    if (dnnl_engine_create(&created, dnnl_cpu, 0) != dnnl_success) created = nullptr;
    return created;
  }();
  return shared;
}

namespace {
struct ThreadStream {
  dnnl_stream_t handle = nullptr;
  ~ThreadStream() {
    if (handle) dnnl_stream_destroy(handle);
  }
};
}  // namespace

dnnl_stream_t stream() {
  thread_local ThreadStream local;
  if (!local.handle && engine()) {
    if (dnnl_stream_create(&local.handle, engine(), dnnl_stream_default_flags) != dnnl_success) local.handle = nullptr;
  }
  return local.handle;
}

void check(Napi::Env env, dnnl_status_t status, const char* what) {
  if (status == dnnl_success) return;
  char message[256];
  std::snprintf(message, sizeof message, "@g2rl/backend-native: oneDNN %s failed (status %d)",
                what, static_cast<int>(status));
  throw Napi::Error::New(env, message);
}

static Napi::TypeError argError(const Napi::CallbackInfo& info, size_t index, const char* name,
                                const char* expected) {
  char message[256];
  std::snprintf(message, sizeof message,
                "@g2rl/backend-native: argument %zu (%s) must be %s", index, name, expected);
  return Napi::TypeError::New(info.Env(), message);
}

float* floatArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw argError(info, index, name, "a Float32Array");
  }
  return value.As<Napi::Float32Array>().Data();
}

float* optionalFloatArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (value.IsNull() || value.IsUndefined()) return nullptr;
  return floatArg(info, index, name);
}

size_t floatLength(const Napi::CallbackInfo& info, size_t index) {
  return info[index].As<Napi::Float32Array>().ElementLength();
}

const int32_t* intArrayArg(const Napi::CallbackInfo& info, size_t index, const char* name,
                           size_t minLength) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      value.As<Napi::Int32Array>().ElementLength() < minLength) {
    char expected[64];
    std::snprintf(expected, sizeof expected, "an Int32Array of length >= %zu", minLength);
    throw argError(info, index, name, expected);
  }
  return value.As<Napi::Int32Array>().Data();
}

int intArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsNumber()) throw argError(info, index, name, "a number");
  return info[index].As<Napi::Number>().Int32Value();
}

double numberArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsNumber()) throw argError(info, index, name, "a number");
  return info[index].As<Napi::Number>().DoubleValue();
}

// info() → { onednn: "2.6.3", threads: 2 }: what the addon was built against and will use.
static Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const dnnl_version_t* version = dnnl_version();
  char text[64];
  std::snprintf(text, sizeof text, "%d.%d.%d", version->major, version->minor, version->patch);
  Napi::Object result = Napi::Object::New(env);
  result.Set("onednn", Napi::String::New(env, text));
  result.Set("threads", Napi::Number::New(env, omp_get_max_threads()));
  result.Set("engine", Napi::Boolean::New(env, engine() != nullptr));
  return result;
}

// setThreads(n): the number of OpenMP threads for every later kernel of the calling JS thread
// (OpenMP's thread count is per host thread: each worker_thread sets its own).
static Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int threads = intArg(info, 0, "threads");
  if (threads < 1) throw Napi::RangeError::New(info.Env(), "setThreads: threads must be >= 1");
  clearConvolutionPlans();
  omp_set_num_threads(threads);
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  registerConvolution(env, exports);
  registerMatMul(env, exports);
  registerElementwise(env, exports);
  registerReductions(env, exports);
  registerImageOps(env, exports);
  registerTile(env, exports);
  registerOptimizer(env, exports);
  registerStridedCopy(env, exports);
  registerTopK(env, exports);
  registerCast(env, exports);
  registerPooling(env, exports);
  registerPeak(env, exports);
  registerBatchNormTrain(env, exports);
  return exports;
}

}  // namespace g2rl

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return g2rl::Init(env, exports);
}

NODE_API_MODULE(g2rl_native, InitModule)
