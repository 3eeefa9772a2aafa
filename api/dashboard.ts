import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ApiError } from './errors.ts';

/** The Vite build of dashboard/ (vite.config.ts writes it here; git-ignored). */
export const DASHBOARD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'dashboard');

/**
 * Serves the dashboard at /. A file of the build when the path names one (hashed assets
 * are cached for a year: their names change with their content), else index.html so the
 * app's own URLs (/overview?range=7d, /billing...) load the app, which then reads them.
 * Paths under /api/ never fall back to the app: an unknown API path stays a JSON 404.
 */
export async function dashboardRoutes(app: FastifyInstance, opts: { root?: string } = {}): Promise<void> {
  const root = opts.root ?? DASHBOARD_DIR;
  // serve: false: files are looked up per request (below), so a rebuild is picked up without a restart.
  await app.register(fastifyStatic, { root, serve: false });

  const sendIndex = (reply: FastifyReply) => {
    if (!fs.existsSync(path.join(root, 'index.html'))) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The dashboard is not built. Run `npm run build` (npm start builds it when it is missing).\n');
    }
    // Always revalidated: it names the current build's assets.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  };

  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const urlPath = req.url.split('?')[0];
    if (urlPath === '/api' || urlPath.startsWith('/api/')) {
      throw new ApiError(404, 'not_found', `no route ${req.method} ${urlPath}`);
    }
    const file = builtFile(root, urlPath);
    if (file) {
      const immutable = file.startsWith('assets/');
      return reply.sendFile(file, immutable ? { maxAge: 365 * 86_400_000, immutable: true } : { cacheControl: false });
    }
    // A missing file with an extension (a stale asset, /favicon.ico) is a 404, not the app.
    if (path.extname(urlPath)) throw new ApiError(404, 'not_found', `no file ${urlPath}`);
    return sendIndex(reply);
  });
}

/** The build's file at a URL path, relative to root, or null (also for anything outside root). */
function builtFile(root: string, urlPath: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath).replace(/^\/+/, '');
  } catch {
    return null;
  }
  if (!rel || rel.includes('\0')) return null;
  const abs = path.resolve(root, rel);
  if (!abs.startsWith(root + path.sep)) return null;
  try {
    return fs.statSync(abs).isFile() ? path.relative(root, abs) : null;
  } catch {
    return null;
  }
}
