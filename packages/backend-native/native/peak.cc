// fmaPeak(iterations, threads) → { gflops, isa }: the CPU's measured fp32 multiply-add peak,
// for benchmarks to state achieved GFLOP/s against (nominal peaks mislead: some CPUs run a
// 512-bit FMA as two 256-bit halves). Each thread runs `iterations` rounds of 12 independent
// FMA chains (enough to cover the FMA latency on two ports) in the widest ISA the CPU has.
#include <immintrin.h>
#include <omp.h>

#include <chrono>
#include <cstdint>

#include "common.h"

namespace g2rl {
namespace {

constexpr int kChains = 12;

__attribute__((target("avx512f"))) float loop512(int64_t iterations) {
  __m512 acc[kChains];
  for (int k = 0; k < kChains; ++k) acc[k] = _mm512_set1_ps(0.001f * k);
  const __m512 a = _mm512_set1_ps(0.9999999f), b = _mm512_set1_ps(1e-7f);
  for (int64_t i = 0; i < iterations; ++i) {
    for (int k = 0; k < kChains; ++k) acc[k] = _mm512_fmadd_ps(acc[k], a, b);
  }
  __m512 sum = acc[0];
  for (int k = 1; k < kChains; ++k) sum = _mm512_add_ps(sum, acc[k]);
  return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma"))) float loop256(int64_t iterations) {
  __m256 acc[kChains];
  for (int k = 0; k < kChains; ++k) acc[k] = _mm256_set1_ps(0.001f * k);
  const __m256 a = _mm256_set1_ps(0.9999999f), b = _mm256_set1_ps(1e-7f);
  for (int64_t i = 0; i < iterations; ++i) {
    for (int k = 0; k < kChains; ++k) acc[k] = _mm256_fmadd_ps(acc[k], a, b);
  }
  __m256 sum = acc[0];
  for (int k = 1; k < kChains; ++k) sum = _mm256_add_ps(sum, acc[k]);
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
}

Napi::Value FmaPeak(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t iterations = static_cast<int64_t>(numberArg(info, 0, "iterations"));
  const int threads = intArg(info, 1, "threads");
  if (iterations < 1 || threads < 1) throw Napi::RangeError::New(env, "fmaPeak: iterations and threads must be >= 1");
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (!avx512 && !avx2) throw Napi::Error::New(env, "fmaPeak: needs AVX2+FMA or AVX-512");
  const int lanes = avx512 ? 16 : 8;
  volatile float sink = 0.f;
  const auto start = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
  {
    const float r = avx512 ? loop512(iterations) : loop256(iterations);
#pragma omp atomic
    sink += r;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double flops = 2.0 * lanes * kChains * static_cast<double>(iterations) * threads;
  Napi::Object result = Napi::Object::New(env);
  result.Set("gflops", Napi::Number::New(env, flops / seconds / 1e9));
  result.Set("isa", Napi::String::New(env, avx512 ? "avx512f" : "avx2+fma"));
  result.Set("seconds", Napi::Number::New(env, seconds));
  return result;
}

}  // namespace

void registerPeak(Napi::Env env, Napi::Object exports) {
  exports.Set("fmaPeak", Napi::Function::New(env, FmaPeak, "fmaPeak"));
}

}  // namespace g2rl
