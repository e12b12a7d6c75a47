import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const backend = 'http://localhost:3000';
const clientRoot = import.meta.dirname;

const gzipped = promisify(gzip);
const brotlied = promisify(brotliCompress);

/**
 * Writes a `.br` and a `.gz` beside every built text file, so the server sends a phone on a slow
 * connection the compressed bytes without compressing on each request.
 */
function precompress(): Plugin {
  return {
    name: 'hearth:precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? path.join(clientRoot, 'dist');
      const texts = Object.values(bundle).filter((file) => /\.(js|css|html|svg)$/.test(file.fileName));
      await Promise.all(
        texts.map(async (file) => {
          const bytes = Buffer.from(file.type === 'chunk' ? file.code : file.source);
          const target = path.join(dir, file.fileName);
          await writeFile(`${target}.gz`, await gzipped(bytes, { level: 9 }));
          await writeFile(
            `${target}.br`,
            await brotlied(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
          );
        }),
      );
    },
  };
}

/**
 * Records which source modules went into which chunk, and how chunks load each other, in
 * `dist/.vite/chunks.json` (a dot folder, which the server does not serve). The bundle budget
 * (scripts/bundle-budget.ts) reads it to tell what the participant's room route loads.
 */
function chunkReport(): Plugin {
  return {
    name: 'hearth:chunk-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).flatMap((file) =>
        file.type === 'chunk'
          ? [
              {
                fileName: file.fileName,
                isEntry: file.isEntry,
                isDynamicEntry: file.isDynamicEntry,
                imports: file.imports,
                dynamicImports: file.dynamicImports,
                modules: Object.fromEntries(
                  Object.entries(file.modules).map(([id, module]) => [
                    path.relative(clientRoot, id.replace(/\0/g, '')),
                    module.renderedLength,
                  ]),
                ),
              },
            ]
          : [],
      );
      this.emitFile({ type: 'asset', fileName: '.vite/chunks.json', source: JSON.stringify(chunks, null, 1) });
    },
  };
}

export default defineConfig({
  plugins: [react(), chunkReport(), precompress()],
  server: {
    proxy: {
      '/api': { target: backend },
      '/socket.io': { target: backend, ws: true },
    },
  },
  build: {
    outDir: 'dist',
  },
});
