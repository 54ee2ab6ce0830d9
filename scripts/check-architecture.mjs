#!/usr/bin/env node
// Holds the tree to ARCHITECTURE.md's dependency table and to the repository's conventions.
// Run first by `pnpm test` (and alone: `node scripts/check-architecture.mjs`); exits 1 and
// names the file and the rule for every violation.
//
// Checks, for every workspace package (packages/*, apps/*):
//  1. its runtime @g2rl/* dependencies (dependencies + optionalDependencies) equal its row of
//     the table between `<!-- dependency-table:start -->` and `<!-- dependency-table:end -->`
//     (optional ones marked "(optional)"), and every package has a row;
//  2. every runtime dependency is imported by a runtime source file (src/, not tests), and
//     every devDependency by some file of the package (tests, benches, scripts);
//  3. every @g2rl/* import is declared: a runtime file's in dependencies/optional/peer, a test
//     or bench file's there or in devDependencies;
//  4. no file reaches into another package by a relative path or a `src/` subpath;
//  5. the pure packages (common's root and /random, heatmaps, graph, metrics) import neither
//     tfjs nor Node modules nor sharp at run time;
//  6. source file names are kebab-case and relative imports carry `.js`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
const problem = (file, message) => problems.push(`${relative(root, file) || file}: ${message}`);

/** Every workspace package: `{ dir, json, short }` (short = name without the scope). */
function workspacePackages() {
  const out = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const dir = join(root, group, name);
      let json;
      try {
        json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      out.push({ dir, json, short: json.name.replace(/^@g2rl\//, '') });
    }
  }
  return out;
}

const IGNORED_DIRS = new Set(['node_modules', 'dist', 'build', 'model', 'fixtures', 'coverage', '.turbo']);
function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (IGNORED_DIRS.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|mts|cts|mjs|cjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** A file that only tests, benches or builds use (its imports may come from devDependencies). */
function isDevFile(pkgDir, file) {
  const rel = relative(pkgDir, file).split(sep);
  if (rel[0] !== 'src') return true; // test/, bench/, scripts/, config files
  const name = basename(file);
  return /\.test\.[cm]?[jt]s$/.test(name) || /^test-(helpers|support)\./.test(name) || rel.includes('testing') || /\.bench\./.test(name);
}

/** Import specifiers of a source text: static, side-effect, dynamic, re-export and require. */
function importsOf(text) {
  const specs = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of code.matchAll(pattern)) specs.push(m[1]);
  return specs;
}

const packageOf = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/** The table of ARCHITECTURE.md: name → { deps: Set, optional: Set }. */
function readTable() {
  const file = join(root, 'ARCHITECTURE.md');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- dependency-table:start -->');
  const end = text.indexOf('<!-- dependency-table:end -->');
  if (start < 0 || end < start) {
    problem(file, 'no dependency table between <!-- dependency-table:start --> and <!-- dependency-table:end -->');
    return new Map();
  }
  const table = new Map();
  for (const line of text.slice(start, end).split('\n')) {
    const m = /^\|\s*(@g2rl\/[\w-]+)\s*\|\s*(.*?)\s*\|$/.exec(line.trim());
    if (!m) continue;
    const deps = new Set();
    const optional = new Set();
    for (const item of m[2].split(',').map((s) => s.trim()).filter((s) => s && s !== '—')) {
      const opt = /\(optional\)$/.test(item);
      const name = `@g2rl/${item.replace(/\s*\(optional\)$/, '')}`;
      (opt ? optional : deps).add(name);
    }
    table.set(m[1], { deps, optional });
  }
  return table;
}

const PURE = { common: ['src/index.ts', 'src/random.ts'], heatmaps: null, graph: null, metrics: null };
const NOT_PURE = /^(node:|@tensorflow\/|sharp$|fs$|path$|os$|crypto$|child_process$|worker_threads$)/;
const setEq = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
const show = (s) => ([...s].sort().join(', ') || '—');

const packages = workspacePackages();
const names = new Set(packages.map((p) => p.json.name));
const table = readTable();

for (const { dir, json, short } of packages) {
  if (json.name === '@g2rl/config') continue; // build settings only: tsup and vitest configs
  const scoped = (o) => new Set(Object.keys(o ?? {}).filter((k) => names.has(k) && k !== '@g2rl/config'));
  const deps = scoped(json.dependencies);
  const optional = scoped(json.optionalDependencies);
  const peer = scoped(json.peerDependencies);
  const dev = scoped(json.devDependencies);
  const pkgJson = join(dir, 'package.json');

  // 1. the table
  const row = table.get(json.name);
  if (!row) problem(join(root, 'ARCHITECTURE.md'), `the dependency table has no row for ${json.name}`);
  else {
    if (!setEq(row.deps, deps)) problem(pkgJson, `dependencies ${show(deps)} ≠ ARCHITECTURE.md's ${show(row.deps)}`);
    if (!setEq(row.optional, optional)) problem(pkgJson, `optionalDependencies ${show(optional)} ≠ ARCHITECTURE.md's ${show(row.optional)}`);
  }

  // 2.–6. the files
  const usedAtRuntime = new Set();
  const usedAnywhere = new Set();
  for (const file of walk(dir)) {
    const rel = relative(dir, file);
    const devFile = isDevFile(dir, file);
    if (rel.startsWith(`src${sep}`) && !/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9-]+)*\.[cm]?[jt]s$/.test(basename(file))) {
      problem(file, 'file names are kebab-case');
    }
    const text = readFileSync(file, 'utf8');
    for (const spec of importsOf(text)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(dir + sep)) problem(file, `relative import '${spec}' leaves the package: import its published entry instead`);
        if (/\.ts$/.test(file) && !/\.(js|json|mjs|cjs|node|wasm)$/.test(spec)) problem(file, `relative import '${spec}' has no .js extension`);
        continue;
      }
      const pkg = packageOf(spec);
      if (/\/src(\/|$)/.test(spec.slice(pkg.length))) problem(file, `'${spec}' reaches into a package's src/`);
      if (!names.has(pkg) || pkg === '@g2rl/config') continue;
      if (pkg === json.name) continue;
      usedAnywhere.add(pkg);
      if (!devFile) usedAtRuntime.add(pkg);
      if (!(deps.has(pkg) || optional.has(pkg) || peer.has(pkg) || (devFile && dev.has(pkg)))) {
        problem(file, `imports ${pkg}, which package.json does not declare${devFile ? '' : ' as a runtime dependency'}`);
      }
    }
    if (short in PURE && !devFile && (PURE[short] === null || PURE[short].includes(rel.split(sep).join('/')))) {
      for (const spec of importsOf(text)) if (NOT_PURE.test(spec)) problem(file, `a pure package imports '${spec}'`);
    }
  }
  for (const d of [...deps, ...optional]) if (!usedAtRuntime.has(d)) problem(pkgJson, `declares ${d} but no runtime file of src/ imports it`);
  for (const d of dev) if (!usedAnywhere.has(d)) problem(pkgJson, `declares devDependency ${d} but nothing imports it`);
}

if (problems.length) {
  console.error(`check-architecture: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-architecture: ${packages.length} packages match ARCHITECTURE.md and the conventions`);
