import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import express from 'express';
import { IMAGE_KEY_PATTERN, IMAGE_TYPES, type ImageContentType, type UploadUrlResponse } from '@chat/protocol';
import type { ClaimOutcome, ImageResponse, UploadStore } from '../../ports';
import { imageTypeOfKey, looksLike, SIGNATURE_BYTES } from '../image-signature';

const UPLOAD_EXPIRES_S = 300;

/** Where uploads wait, under the uploads directory, until a message claims them. */
const PENDING_DIR = 'pending';
/** Which message claimed each image (its imageOwner), one small file per key. */
const OWNERS_DIR = 'owners';

export interface FileUploadLimits {
  /** A pending upload older than this is deleted. */
  pendingMs: number;
  /** The most bytes the uploads directory may hold; an upload past it is refused. */
  quotaBytes: number;
}

class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: 'invalid' | 'too_large' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Uploads as files under `dir`, written through a signed PUT that this server checks itself. It plays the part of
 * S3's presigned POST, including the size cap, which an in-process S3 emulator such as s3rver does not enforce.
 */
export class FileUploads implements UploadStore {
  /** Signing key for upload URLs; per process, since URLs live five minutes. */
  private readonly secret = crypto.randomBytes(32);
  /** Bytes of every image file under `dir`, pending or claimed: counted once at start, then kept up to date. */
  private used: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly dir: string,
    private readonly limits: FileUploadLimits = { pendingMs: 24 * 3600 * 1000, quotaBytes: Number.MAX_SAFE_INTEGER },
  ) {
    fs.mkdirSync(path.join(dir, PENDING_DIR), { recursive: true });
    // Images only: the owner records are a few bytes each, outside the quota.
    const owners = path.join(dir, OWNERS_DIR) + path.sep;
    this.used = filesUnder(dir)
      .filter((f) => !f.path.startsWith(owners))
      .reduce((sum, f) => sum + f.size, 0);
    // The embedded counterpart of the bucket's lifecycle rule: at start, then a few times per expiry period.
    this.sweepPending();
    this.sweeper = setInterval(() => this.sweepPending(), Math.min(limits.pendingMs / 4, 3600 * 1000));
    this.sweeper.unref();
  }

  /** Deletes pending uploads older than `pendingMs` (uploaded, never sent in a message). */
  sweepPending(now = Date.now()): number {
    let removed = 0;
    for (const f of filesUnder(path.join(this.dir, PENDING_DIR))) {
      if (now - f.mtimeMs < this.limits.pendingMs) continue;
      try {
        fs.rmSync(f.path);
        this.used -= f.size;
        removed++;
      } catch {
        // Claimed or removed meanwhile.
      }
    }
    return removed;
  }

  async createUpload(key: string, contentType: ImageContentType, maxBytes: number): Promise<UploadUrlResponse> {
    const expires = Math.floor(Date.now() / 1000) + UPLOAD_EXPIRES_S;
    const sig = this.sign(key, contentType, maxBytes, expires);
    const query = new URLSearchParams({ max: String(maxBytes), expires: String(expires), sig });
    return {
      method: 'PUT',
      url: `/uploads/${key}?${query}`,
      headers: { 'Content-Type': contentType },
      key,
      expiresIn: UPLOAD_EXPIRES_S,
      maxBytes,
    };
  }

  async exists(key: string): Promise<boolean> {
    return isFile(this.filePath(key));
  }

  async claim(key: string, owner: string): Promise<ClaimOutcome> {
    const ownedBy = async () => ((await this.ownerOf(key)) === owner ? ('claimed' as const) : ('taken' as const));
    if (await this.exists(key)) return ownedBy();
    if (!(await isFile(this.pendingPath(key)))) return 'missing';
    // The owner record is created exclusively: of two messages racing for one key, exactly one writes it.
    const record = this.ownerPath(key);
    await fs.promises.mkdir(path.dirname(record), { recursive: true });
    const created = await fs.promises.writeFile(record, owner, { flag: 'wx' }).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') return false;
        throw err;
      },
    );
    if (!created && (await this.ownerOf(key)) !== owner) return 'taken';
    const target = this.filePath(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    return fs.promises.rename(this.pendingPath(key), target).then(
      () => 'claimed' as const,
      async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        // Claimed just now by a retry of the same message; or swept, and a record without its image is nothing.
        if (await this.exists(key)) return ownedBy();
        if (created) await fs.promises.rm(record, { force: true });
        return 'missing' as const;
      },
    );
  }

  /** The message that claimed `key`; undefined for none (or an image claimed before owners were recorded). */
  private ownerOf(key: string): Promise<string | undefined> {
    return fs.promises.readFile(this.ownerPath(key), 'utf8').catch(() => undefined);
  }

  async image(key: string): Promise<ImageResponse> {
    const contentType = imageTypeOfKey(key);
    if (!contentType || !(await this.exists(key))) return { kind: 'missing' };
    return { kind: 'file', path: this.filePath(key), contentType };
  }

  async remove(key: string, owner: string): Promise<void> {
    if (!IMAGE_KEY_PATTERN.test(key)) return;
    const recorded = await this.ownerOf(key);
    if (recorded !== undefined && recorded !== owner) return;
    const size = await fs.promises.stat(this.filePath(key)).then(
      (st) => st.size,
      () => 0,
    );
    await fs.promises.rm(this.filePath(key), { force: true });
    this.used -= size;
    // The record stays: a removed key is never claimed again (an upload under it is refused as already used).
  }

  origins(): string[] {
    return [];
  }

  async ping(): Promise<void> {
    await fs.promises.access(this.dir, fs.constants.W_OK);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  /** `PUT /uploads/<key>?max&expires&sig`: the signed, capped write. */
  routes(): express.Router {
    const router = express.Router();
    router.put('/uploads/*key', async (req, res) => {
      const key = req.params.key.join('/');
      try {
        await this.receive(key, req);
        res.status(201).json({ key });
      } catch (err) {
        if (err instanceof UploadRefused) {
          res.status(err.status).json({ error: { code: err.code, message: err.message } });
          // Stop reading a body we have refused, but let the answer reach the client first.
          req.unpipe();
          req.resume();
          return;
        }
        throw err;
      }
    });
    return router;
  }

  private async receive(key: string, req: express.Request): Promise<void> {
    const q = req.query as Record<string, unknown>;
    const max = Number(q['max']);
    const expires = Number(q['expires']);
    const sig = typeof q['sig'] === 'string' ? q['sig'] : '';
    const contentType = req.headers['content-type'] as ImageContentType | undefined;
    if (!IMAGE_KEY_PATTERN.test(key) || !contentType || !Object.hasOwn(IMAGE_TYPES, contentType)) {
      throw new UploadRefused(400, 'invalid', 'not an upload URL this server issued');
    }
    const given = Buffer.from(sig);
    const expected = Buffer.from(this.sign(key, contentType, max, expires));
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      throw new UploadRefused(403, 'invalid', 'upload signature does not match (wrong URL, key or Content-Type)');
    }
    if (expires < Date.now() / 1000) throw new UploadRefused(403, 'invalid', 'upload URL has expired');
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > max) {
      throw new UploadRefused(413, 'too_large', `upload is ${declared} bytes; the limit is ${max}`);
    }
    if ((await this.exists(key)) || (await isFile(this.pendingPath(key))) || (await isFile(this.ownerPath(key))))
      throw new UploadRefused(409, 'invalid', 'this key was already uploaded');
    const quota = this.limits.quotaBytes;
    if (this.used + (Number.isFinite(declared) ? declared : 1) > quota) {
      throw new UploadRefused(507, 'unavailable', 'upload storage is full; try again later');
    }

    const target = this.pendingPath(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${crypto.randomBytes(6).toString('hex')}.part`;
    let size = 0;
    let head = Buffer.alloc(0);
    const used = () => this.used;
    const guard = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (head.length < SIGNATURE_BYTES) head = Buffer.concat([head, chunk.subarray(0, SIGNATURE_BYTES - head.length)]);
        if (size > max) return done(new UploadRefused(413, 'too_large', `upload is over the limit of ${max} bytes`));
        if (used() + size > quota) return done(new UploadRefused(507, 'unavailable', 'upload storage is full; try again later'));
        done(null, chunk);
      },
    });
    try {
      await pipeline(req, guard, fs.createWriteStream(temp, { flags: 'wx' }));
      if (size === 0) throw new UploadRefused(400, 'invalid', 'upload is empty');
      if (!looksLike(contentType, head)) throw new UploadRefused(400, 'invalid', `upload is not a ${contentType} image`);
      // link, not rename: two uploads racing on one URL must not replace an image that is served as immutable.
      await fs.promises.link(temp, target).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') throw new UploadRefused(409, 'invalid', 'this key was already uploaded');
        throw err;
      });
      this.used += size;
    } finally {
      await fs.promises.rm(temp, { force: true });
    }
  }

  private sign(key: string, contentType: string, max: number, expires: number): string {
    return crypto.createHmac('sha256', this.secret).update(`${key}\n${contentType}\n${max}\n${expires}`).digest('base64url');
  }

  private filePath(key: string): string {
    // Keys match IMAGE_KEY_PATTERN before they get here, so they cannot climb out of `dir`.
    return path.join(this.dir, ...key.split('/'));
  }

  private ownerPath(key: string): string {
    return path.join(this.dir, OWNERS_DIR, ...key.split('/'));
  }

  private pendingPath(key: string): string {
    return path.join(this.dir, PENDING_DIR, ...key.split('/'));
  }
}

const isFile = (p: string) =>
  fs.promises.stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

/** Every regular file under `dir`, recursively (the `.part` files of uploads in progress included). */
function filesUnder(dir: string): { path: string; size: number; mtimeMs: number }[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    if (!e.isFile()) return [];
    const p = path.join(e.parentPath, e.name);
    try {
      const st = fs.statSync(p);
      return [{ path: p, size: st.size, mtimeMs: st.mtimeMs }];
    } catch {
      return [];
    }
  });
}
