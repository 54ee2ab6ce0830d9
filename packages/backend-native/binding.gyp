{
  "variables": {
    "dnnl_include%": "/usr/include",
    "dnnl_libdir%": ""
  },
  "targets": [
    {
      "target_name": "g2rl_native",
      "sources": [
        "native/addon.cc",
        "native/convolution.cc",
        "native/matmul.cc",
        "native/elementwise.cc",
        "native/reductions.cc",
        "native/image_ops.cc",
        "native/tile.cc",
        "native/optimizer.cc",
        "native/strided_copy.cc",
        "native/topk.cc",
        "native/cast.cc",
        "native/pooling.cc",
        "native/peak.cc",
        "native/bf16.cc",
        "native/batch_norm_train.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<(dnnl_include)"
      ],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-march=x86-64-v2", "-mtune=generic", "-fopenmp", "-fexceptions"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl", "-lgomp"],
      "conditions": [
        ["dnnl_libdir!=''", { "libraries": ["-L<(dnnl_libdir)", "-Wl,-rpath,<(dnnl_libdir)"] }],
        ["target_arch=='arm64'", { "cflags_cc!": ["-march=x86-64-v2", "-mtune=generic"] }]
      ]
    }
  ]
}
