// Strided copies of 4-byte elements (float32 or int32, copied as bits): Transpose, Slice and
// SplitV, which the JS cpu kernels do one element at a time through index arithmetic; and
// Concat and PadV2 (any element size), copies of whole rows.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common.h"

namespace g2rl {
namespace {

// copyStrided(x, out, shape Int32Array(rank), strides Int32Array(rank), offset):
// out (row-major over shape)[i] = x[offset + Σ index_d(i)·strides[d]].
Napi::Value CopyStrided(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint32_t* x = reinterpret_cast<const uint32_t*>(floatArg(info, 0, "x"));
  uint32_t* out = reinterpret_cast<uint32_t*>(floatArg(info, 1, "out"));
  const int rank = static_cast<int>(info[2].As<Napi::Int32Array>().ElementLength());
  if (rank < 1 || rank > 8) throw Napi::RangeError::New(env, "@g2rl/backend-native copyStrided: rank must be 1..8");
  const int32_t* shape32 = intArrayArg(info, 2, "shape", rank);
  const int32_t* strides32 = intArrayArg(info, 3, "strides", rank);
  const int64_t offset = static_cast<int64_t>(numberArg(info, 4, "offset"));
  int64_t shape[8], strides[8], size = 1, last = offset;
  for (int d = 0; d < rank; ++d) {
    shape[d] = shape32[d];
    strides[d] = strides32[d];
    if (shape[d] < 0 || strides[d] < 0) throw Napi::RangeError::New(env, "copyStrided: negative dim or stride");
    size *= shape[d];
    last += (shape[d] - 1) * strides[d];
  }
  if (static_cast<int64_t>(floatLength(info, 1)) != size || offset < 0 ||
      (size > 0 && last >= static_cast<int64_t>(floatLength(info, 0)))) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native copyStrided: shape, strides and offset do not fit the arrays");
  }
  if (size == 0) return env.Undefined();
  const int64_t inner = shape[rank - 1], innerStride = strides[rank - 1];
  const int64_t rows = size / inner;
#pragma omp parallel for schedule(static) if (size > kParallelThreshold)
  for (int64_t row = 0; row < rows; ++row) {
    int64_t rest = row, from = offset;
    for (int d = rank - 2; d >= 0; --d) {
      from += (rest % shape[d]) * strides[d];
      rest /= shape[d];
    }
    uint32_t* o = out + row * inner;
    if (innerStride == 1) {
      std::memcpy(o, x + from, inner * sizeof(uint32_t));
    } else {
      for (int64_t j = 0; j < inner; ++j) o[j] = x[from + j * innerStride];
    }
  }
  return env.Undefined();
}

// The bytes behind any typed array argument, and how many.
uint8_t* bytesArg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t* length) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray()) {
    throw Napi::TypeError::New(info.Env(), std::string("@g2rl/backend-native: ") + name + " must be a typed array");
  }
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  *length = array.ByteLength();
  return static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
}

// concat(inputs: typed array[], out, outer, rowBytes Int32Array): every input viewed as
// outer × rowBytes[i] bytes; out row r = input 0 row r, input 1 row r, … (tfjs Concat along
// an axis, with outer = the product of the dims before it).
Napi::Value Concat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "@g2rl/backend-native concat: inputs must be an array");
  Napi::Array inputs = info[0].As<Napi::Array>();
  size_t outLength = 0;
  uint8_t* out = bytesArg(info, 1, "out", &outLength);
  const int64_t outer = static_cast<int64_t>(numberArg(info, 2, "outer"));
  const uint32_t count = inputs.Length();
  const int32_t* rowBytes = intArrayArg(info, 3, "rowBytes", count);
  std::vector<const uint8_t*> sources(count);
  int64_t outRow = 0;
  for (uint32_t i = 0; i < count; ++i) {
    Napi::Value item = inputs.Get(i);
    if (!item.IsTypedArray()) throw Napi::TypeError::New(env, "@g2rl/backend-native concat: every input must be a typed array");
    Napi::TypedArray array = item.As<Napi::TypedArray>();
    if (static_cast<int64_t>(array.ByteLength()) != outer * rowBytes[i]) {
      throw Napi::RangeError::New(env, "@g2rl/backend-native concat: an input does not hold outer × rowBytes bytes");
    }
    sources[i] = static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
    outRow += rowBytes[i];
  }
  if (static_cast<int64_t>(outLength) != outer * outRow) throw Napi::RangeError::New(env, "@g2rl/backend-native concat: out does not hold outer × Σ rowBytes bytes");
#pragma omp parallel for schedule(static) if (outer * outRow / 4 > kParallelThreshold)
  for (int64_t r = 0; r < outer; ++r) {
    uint8_t* dst = out + r * outRow;
    for (uint32_t i = 0; i < count; ++i) {
      std::memcpy(dst, sources[i] + r * rowBytes[i], rowBytes[i]);
      dst += rowBytes[i];
    }
  }
  return env.Undefined();
}

// pad(x, out, shape Int32Array(rank), before Int32Array(rank), after Int32Array(rank),
// fill typed array of one element): out (shape + before + after, row-major) holds x at offset
// `before` and `fill`'s element everywhere else; element size from the typed arrays.
Napi::Value Pad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t xBytes = 0, outBytes = 0, fillBytes = 0;
  const uint8_t* x = bytesArg(info, 0, "x", &xBytes);
  uint8_t* out = bytesArg(info, 1, "out", &outBytes);
  const int rank = static_cast<int>(info[2].As<Napi::Int32Array>().ElementLength());
  if (rank < 1 || rank > 8) throw Napi::RangeError::New(env, "@g2rl/backend-native pad: rank must be 1..8");
  const int32_t* shape = intArrayArg(info, 2, "shape", rank);
  const int32_t* before = intArrayArg(info, 3, "before", rank);
  const int32_t* after = intArrayArg(info, 4, "after", rank);
  const uint8_t* fill = bytesArg(info, 5, "fill", &fillBytes);
  const int64_t element = static_cast<int64_t>(fillBytes);
  if (element != 1 && element != 4) throw Napi::RangeError::New(env, "@g2rl/backend-native pad: elements must be 1 or 4 bytes");
  int64_t xSize = 1, outSize = 1, outShape[8];
  for (int d = 0; d < rank; ++d) {
    if (shape[d] < 0 || before[d] < 0 || after[d] < 0) throw Napi::RangeError::New(env, "@g2rl/backend-native pad: negative size");
    outShape[d] = int64_t{shape[d]} + before[d] + after[d];
    xSize *= shape[d];
    outSize *= outShape[d];
  }
  if (static_cast<int64_t>(xBytes) != xSize * element || static_cast<int64_t>(outBytes) != outSize * element) {
    throw Napi::RangeError::New(env, "@g2rl/backend-native pad: x or out does not match the shapes");
  }
  if (element == 1) {
    std::memset(out, fill[0], outSize);
  } else {
    uint32_t value;
    std::memcpy(&value, fill, 4);
    uint32_t* o = reinterpret_cast<uint32_t*>(out);
#pragma omp parallel for simd schedule(static) if (outSize > kParallelThreshold)
    for (int64_t i = 0; i < outSize; ++i) o[i] = value;
  }
  if (xSize == 0) return env.Undefined();
  // Each innermost row of x lands contiguously in out.
  const int64_t inner = shape[rank - 1];
  const int64_t rows = xSize / inner;
  int64_t outStrides[8];
  outStrides[rank - 1] = 1;
  for (int d = rank - 2; d >= 0; --d) outStrides[d] = outStrides[d + 1] * outShape[d + 1];
#pragma omp parallel for schedule(static) if (xSize > kParallelThreshold)
  for (int64_t row = 0; row < rows; ++row) {
    int64_t rest = row, to = before[rank - 1];
    for (int d = rank - 2; d >= 0; --d) {
      to += (rest % shape[d] + before[d]) * outStrides[d];
      rest /= shape[d];
    }
    std::memcpy(out + to * element, x + row * inner * element, inner * element);
  }
  return env.Undefined();
}

}  // namespace

void registerStridedCopy(Napi::Env env, Napi::Object exports) {
  exportFunction<CopyStrided>(env, exports, "copyStrided");
  exportFunction<Concat>(env, exports, "concat");
  exportFunction<Pad>(env, exports, "pad");
}

}  // namespace g2rl
