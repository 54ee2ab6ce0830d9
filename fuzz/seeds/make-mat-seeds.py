#!/usr/bin/python3
"""Seeds for the MAT v5 fuzz target, written by SciPy (an independent MAT writer), so the
fuzzer starts from files laid out the way real tools lay them out. Run once; the outputs are
checked in under fuzz/corpus/mat-v5/ (python3-scipy is not needed to fuzz or to test)."""
import os, sys
import numpy as np
import scipy.io

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'corpus', 'mat-v5')
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(1)
pts66 = rng.uniform(0, 96, size=(66, 2))
seeds = {
    'scipy-pts66.mat': ({'pts': pts66}, False),
    'scipy-pts66-compressed.mat': ({'pts': pts66}, True),
    'scipy-pts68-single.mat': ({'pts': rng.uniform(0, 96, size=(68, 2)).astype(np.float32)}, False),
    'scipy-int-classes.mat': ({'a': np.arange(6, dtype=np.int8).reshape(2, 3), 'b': np.arange(4, dtype=np.uint16),
                               'c': np.array([[-1, 2]], dtype=np.int32), 'd': np.array([7], dtype=np.uint64),
                               'e': np.array([[1.5]], dtype=np.int64)}, False),
    'scipy-mixed.mat': ({'name': 'SN001', 'cell': np.array([[1.0], 'x'], dtype=object),
                         'st': {'f': np.eye(2)}, 'pts': pts66, 'z': np.zeros((0, 2))}, True),
    'scipy-complex-3d.mat': ({'c': np.array([[1 + 2j, 3 - 1j]]), 'cube': np.arange(24.0).reshape(2, 3, 4),
                              'pts': pts66.T}, False),
    'scipy-sparse-logical.mat': ({'s': __import__('scipy.sparse', fromlist=['eye']).eye(3).tocsc(),
                                  'b': np.array([[True, False]])}, False),
}
for name, (variables, compress) in seeds.items():
    scipy.io.savemat(os.path.join(out, name), variables, do_compression=compress, format='5')
print('wrote', len(seeds), 'seeds to', out)
