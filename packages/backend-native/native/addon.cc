// Module entry: argument helpers, the shared oneDNN engine/stream, and `info()`.
#include <omp.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

// The JS exception for a C++ one, when none is pending; nothing when the thread cannot run JS
// any more (napi_throw then fails, or reading the error back does: both are dropped).
static void throwToJs(napi_env env, const Napi::Error* error, const char* message) noexcept {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return;
  try {
    if (error) {
      napi_throw(env, error->Value());
    } else {
      napi_throw_error(env, nullptr, message);
    }
  } catch (...) {
    // the error object could not be read back: the thread is being stopped
  }
}

napi_value guardedCall(napi_env env, napi_callback_info cbinfo,
                       Napi::Value (*fn)(const Napi::CallbackInfo&)) noexcept {
  try {
    Napi::CallbackInfo info(env, cbinfo);
    return fn(info);
  } catch (const Napi::Error& error) {
    throwToJs(env, &error, nullptr);
  } catch (const std::exception& error) {
    char message[256];
    std::snprintf(message, sizeof message, "@g2rl/backend-native: %s", error.what());
    throwToJs(env, nullptr, message);
  } catch (...) {
    throwToJs(env, nullptr, "@g2rl/backend-native: unknown C++ exception");
  }
  return nullptr;
}

// mallocTrim() → whether memory went back to the system: glibc's malloc_trim(0), which returns
// the free pages inside every arena (not only at their tops) to the kernel. Freed buffers stay
// in the arena of the thread that freed them and count in the RSS until then. false elsewhere.
static Napi::Value MallocTrim(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) != 0);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

// mallocMmapThreshold(bytes) → whether glibc took it: allocations of at least `bytes` get their
// own mapping, unmapped when freed, instead of a place in an arena (mallopt M_MMAP_THRESHOLD,
// process-wide; it also stops glibc raising the threshold to the largest block freed so far,
// which is how buffers of up to 32 MiB ended up kept in arenas). false elsewhere.
static Napi::Value MallocMmapThreshold(const Napi::CallbackInfo& info) {
  const int bytes = intArg(info, 0, "bytes");
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), bytes > 0 && mallopt(M_MMAP_THRESHOLD, bytes) == 1);
#else
  (void)bytes;
  return Napi::Boolean::New(info.Env(), false);
#endif
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
  exportFunction<Info>(env, exports, "info");
  exportFunction<SetThreads>(env, exports, "setThreads");
  exportFunction<MallocTrim>(env, exports, "mallocTrim");
  exportFunction<MallocMmapThreshold>(env, exports, "mallocMmapThreshold");
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
