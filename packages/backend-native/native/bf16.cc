// fp32 → bfloat16 conversion (round to nearest even, NaN kept NaN) for the bf16 convolutions:
// AVX512_BF16's vcvtneps2bf16 where the CPU has it, else the same rounding in scalar code.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "common.h"

namespace g2rl {
namespace {

uint16_t roundToBf16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 0x40u);  // quiet NaN
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

__attribute__((target("avx512f,avx512bf16,avx512vl"))) void convertAvx512(const float* x, uint16_t* out, int64_t begin, int64_t end) {
  int64_t i = begin;
  for (; i + 16 <= end; i += 16) {
    __m256bh packed = _mm512_cvtneps_pbh(_mm512_loadu_ps(x + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), reinterpret_cast<__m256i&>(packed));
  }
  for (; i < end; ++i) out[i] = roundToBf16(x[i]);
}

void convertScalar(const float* x, uint16_t* out, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) out[i] = roundToBf16(x[i]);
}

}  // namespace

void toBf16(const float* x, uint16_t* out, int64_t n) {
  static const bool hasBf16 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512vl");
  }();
  const int64_t chunk = 1 << 14;
  const int64_t chunks = (n + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) if (n > kParallelThreshold)
  for (int64_t c = 0; c < chunks; ++c) {
    const int64_t begin = c * chunk, end = begin + chunk < n ? begin + chunk : n;
    if (hasBf16) convertAvx512(x, out, begin, end);
    else convertScalar(x, out, begin, end);
  }
}

}  // namespace g2rl
