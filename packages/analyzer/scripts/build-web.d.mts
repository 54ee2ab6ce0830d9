// Types of build-web.mjs (a plain script, so that the build needs no TypeScript step of its own).
import type { Plugin, Message } from 'esbuild';

export declare function buildWeb(outDir?: string, plugins?: Plugin[]): Promise<{ outDir: string; warnings: Message[] }>;
