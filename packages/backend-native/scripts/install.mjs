#!/usr/bin/env node
// Install step of @g2rl/backend-native: builds the optional Node-API addon with node-gyp
// against the local Node headers and Debian's oneDNN (libdnnl-dev). The addon is optional:
// whenever something it needs is missing, this prints ONE line saying what and how to get
// it, and exits 0 so that `pnpm install` / `npm install` never fail because of it.
//
// Environment:
//   G2RL_NATIVE_SKIP=1          do not build (print why, exit 0)
//   G2RL_NATIVE_INCLUDE=<dir>   where oneapi/dnnl/dnnl.h lives (default /usr/include)
//   G2RL_NATIVE_LIBDIR=<dir>    where libdnnl.so lives (default: the linker's search path)
//   G2RL_NATIVE_VERBOSE=1       show the compiler output even when the build succeeds
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(packageDir, 'package.json'));
const prefix = '@g2rl/backend-native:';

/** Prints the one line, records why (for isNativeAvailable()), and exits 0. */
function skip(reason) {
  console.log(`${prefix} native kernels not built (${reason}); tfjs will use wasm/cpu instead.`);
  try {
    // A binary from an earlier build would no longer match what this machine has.
    rmSync(join(packageDir, 'build', 'Release'), { recursive: true, force: true });
    mkdirSync(join(packageDir, 'build'), { recursive: true });
    writeFileSync(join(packageDir, 'build', 'skipped.txt'), `${reason}\n`);
  } catch {
    // a read-only install directory only loses the recorded reason
  }
  process.exit(0);
}

if (process.env.G2RL_NATIVE_SKIP === '1') skip('G2RL_NATIVE_SKIP=1');
if (process.platform !== 'linux') skip(`platform ${process.platform} is not supported yet`);

const include = process.env.G2RL_NATIVE_INCLUDE || '/usr/include';
if (!existsSync(join(include, 'oneapi', 'dnnl', 'dnnl.h'))) {
  skip(`oneDNN header ${join(include, 'oneapi/dnnl/dnnl.h')} not found: apt-get install libdnnl-dev, then npm rebuild @g2rl/backend-native`);
}

/** Node's own headers, so node-gyp never downloads them. */
function findNodeDir() {
  const candidates = [
    process.env.npm_config_nodedir,
    join(dirname(process.execPath), '..'),
    '/usr',
    '/usr/local',
  ].filter(Boolean);
  return candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node_api.h')));
}
const nodeDir = findNodeDir();
if (!nodeDir) skip('Node headers (include/node/node_api.h) not found next to the node binary');

/** node-gyp: our own dependency if present, else the copy npm or pnpm ships with. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a dependency
  }
  const lib = join(dirname(process.execPath), '..', 'lib', 'node_modules');
  candidates.push(
    join(lib, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(lib, 'pnpm', 'dist', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  return candidates.find((file) => file && existsSync(file));
}
const nodeGyp = findNodeGyp();
if (!nodeGyp) skip('node-gyp not found (install npm, or add node-gyp)');

const compiler = process.env.CXX || 'c++';
if (spawnSync(compiler, ['--version'], { stdio: 'ignore' }).status !== 0) {
  skip(`no C++ compiler (${compiler}): apt-get install g++ make`);
}

const args = [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`, `-Ddnnl_include=${include}`];
if (process.env.G2RL_NATIVE_LIBDIR) args.push(`-Ddnnl_libdir=${process.env.G2RL_NATIVE_LIBDIR}`);
const build = spawnSync(process.execPath, args, {
  cwd: packageDir,
  encoding: 'utf8',
  env: { ...process.env, npm_config_nodedir: nodeDir },
});
const output = `${build.stdout ?? ''}${build.stderr ?? ''}`;
if (build.status !== 0) {
  const firstError = output.split('\n').find((line) => /error/i.test(line)) ?? 'see node-gyp output';
  if (process.env.G2RL_NATIVE_VERBOSE === '1') console.log(output);
  skip(`node-gyp build failed: ${firstError.trim().slice(0, 200)}`);
}
if (process.env.G2RL_NATIVE_VERBOSE === '1') console.log(output);
// A reason recorded by an earlier, skipped install would contradict the binary now built.
rmSync(join(packageDir, 'build', 'skipped.txt'), { force: true });
console.log(`${prefix} built native kernels (oneDNN) in build/Release/g2rl_native.node`);
