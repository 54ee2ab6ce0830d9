// Measured multiply-add peaks, for benchmarks to state achieved GFLOP/s against (nominal
// peaks mislead: some CPUs run a 512-bit FMA as two 256-bit halves, clocks drift from the
// reported GHz).
//   fmaPeak(iterations, threads, kind = 'fp32') → { gflops, isa, seconds }
//   kind 'fp32': 12 independent FMA chains per thread (enough to cover the FMA latency on two
//     ports) in the widest ISA the CPU has (avx512f, else avx2+fma); 2 FLOPs per lane.
//   kind 'bf16': 12 chains of vdpbf16ps (AVX512_BF16: 32 bf16 products summed pairwise into
//     16 fp32 lanes = 64 FLOPs per instruction), the instruction oneDNN's avx512_core_bf16
//     kernels are built on.
//   kind 'amx-bf16': AMX tdpbf16ps on 4 independent 16×16 fp32 accumulator tiles (each
//     instruction 16×16×32 multiply-adds = 16 384 FLOPs); the tiles are loaded once from
//     registers' worth of memory so the loop measures the matrix unit, not the caches. Linux
//     hands out AMX state only on request (arch_prctl ARCH_REQ_XCOMP_PERM), made here.
// A kind the CPU (or kernel) does not support throws an Error saying so.
#include <immintrin.h>
#include <omp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>

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

__attribute__((target("avx512f,avx512bf16"))) float loopBf16(int64_t iterations) {
  __m512 acc[kChains];
  for (int k = 0; k < kChains; ++k) acc[k] = _mm512_set1_ps(0.001f * k);
  // bf16 pairs of small values: the sums stay finite however long the loop runs.
  const __m512bh a = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-7f), _mm512_set1_ps(1e-7f));
  const __m512bh b = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-3f), _mm512_set1_ps(1e-3f));
  for (int64_t i = 0; i < iterations; ++i) {
    for (int k = 0; k < kChains; ++k) acc[k] = _mm512_dpbf16_ps(acc[k], a, b);
  }
  __m512 sum = acc[0];
  for (int k = 1; k < kChains; ++k) sum = _mm512_add_ps(sum, acc[k]);
  return _mm512_reduce_add_ps(sum);
}

// Linux: AMX tile data is an XSAVE feature a process must ask for before its first use.
constexpr int kArchReqXcompPerm = 0x1023;
constexpr int kXfeatureXtiledata = 18;
bool requestAmx() {
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
}

struct alignas(64) TileConfig {
  uint8_t palette = 1;
  uint8_t startRow = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

__attribute__((target("amx-tile,amx-bf16,avx512f"))) float loopAmx(int64_t iterations) {
  TileConfig config;
  for (int t = 0; t < 8; ++t) {
    config.rows[t] = 16;
    config.colsb[t] = 64;  // 16 fp32 or 32 bf16 per row
  }
  _tile_loadconfig(&config);
  alignas(64) uint16_t operand[16 * 32];
  for (auto& v : operand) v = 0x3380;  // bf16 ≈ 6e-8: sums stay tiny
  alignas(64) float zeros[16 * 16] = {};
  _tile_loadd(0, zeros, 64);
  _tile_loadd(1, zeros, 64);
  _tile_loadd(2, zeros, 64);
  _tile_loadd(3, zeros, 64);
  _tile_loadd(4, operand, 64);
  _tile_loadd(5, operand, 64);
  _tile_loadd(6, operand, 64);
  _tile_loadd(7, operand, 64);
  for (int64_t i = 0; i < iterations; ++i) {
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  alignas(64) float out[16 * 16];
  _tile_stored(0, out, 64);
  _tile_release();
  return out[0];
}

enum class Kind { Fp32, Bf16, Amx };

Napi::Value FmaPeak(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t iterations = static_cast<int64_t>(numberArg(info, 0, "iterations"));
  const int threads = intArg(info, 1, "threads");
  const std::string kindName = info.Length() > 2 && info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "fp32";
  if (iterations < 1 || threads < 1) throw Napi::RangeError::New(env, "fmaPeak: iterations and threads must be >= 1");
  Kind kind;
  if (kindName == "fp32") kind = Kind::Fp32;
  else if (kindName == "bf16") kind = Kind::Bf16;
  else if (kindName == "amx-bf16") kind = Kind::Amx;
  else throw Napi::TypeError::New(env, "fmaPeak: kind must be 'fp32', 'bf16' or 'amx-bf16', got '" + kindName + "'");
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  std::string isa;
  double flopsPerIteration = 0;
  if (kind == Kind::Fp32) {
    if (!avx512 && !avx2) throw Napi::Error::New(env, "fmaPeak: needs AVX2+FMA or AVX-512");
    isa = avx512 ? "avx512f" : "avx2+fma";
    flopsPerIteration = 2.0 * (avx512 ? 16 : 8) * kChains;
  } else if (kind == Kind::Bf16) {
    if (!avx512 || !__builtin_cpu_supports("avx512bf16")) throw Napi::Error::New(env, "fmaPeak: this CPU has no AVX512_BF16");
    isa = "avx512_bf16 (vdpbf16ps)";
    flopsPerIteration = 64.0 * kChains;
  } else {
    if (!__builtin_cpu_supports("amx-bf16") || !__builtin_cpu_supports("amx-tile")) throw Napi::Error::New(env, "fmaPeak: this CPU has no AMX-BF16");
    if (!requestAmx()) throw Napi::Error::New(env, "fmaPeak: the kernel refused AMX tile state (arch_prctl ARCH_REQ_XCOMP_PERM)");
    isa = "amx_bf16 (tdpbf16ps)";
    flopsPerIteration = 4.0 * 2 * 16 * 16 * 32;
  }
  volatile float sink = 0.f;
  const auto start = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
  {
    float r = 0.f;
    switch (kind) {
      case Kind::Fp32: r = avx512 ? loop512(iterations) : loop256(iterations); break;
      case Kind::Bf16: r = loopBf16(iterations); break;
      case Kind::Amx: r = loopAmx(iterations); break;
    }
#pragma omp atomic
    sink += r;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double flops = flopsPerIteration * static_cast<double>(iterations) * threads;
  Napi::Object result = Napi::Object::New(env);
  result.Set("gflops", Napi::Number::New(env, flops / seconds / 1e9));
  result.Set("isa", Napi::String::New(env, isa));
  result.Set("seconds", Napi::Number::New(env, seconds));
  return result;
}

}  // namespace

void registerPeak(Napi::Env env, Napi::Object exports) {
  exportFunction<FmaPeak>(env, exports, "fmaPeak");
}

}  // namespace g2rl
