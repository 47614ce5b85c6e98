/**
 * The HTTP plumbing the HttpAdapter shares with its live-event feed: authenticated JSON requests, the
 * mapping of every failure to an `AdapterError`, and blob transfers with progress and cancellation.
 */
import { AdapterError, type AdapterErrorCode, type TransferOptions } from './types.js';

export type HttpAuth = { token: string } | { nonce: string; credentials?: 'include' | 'same-origin' };

export interface HttpContext {
  /** Base URL without a trailing slash, e.g. `https://chat.example/v1`. */
  base: string;
  auth: HttpAuth;
  fetch: typeof fetch;
}

const CODES: ReadonlySet<string> = new Set<AdapterErrorCode>([
  'unauthorized',
  'forbidden',
  'not-found',
  'conflict',
  'invalid',
  'too-large',
  'rate-limited',
  'encryption-required',
  'encryption-disabled',
  'network',
  'aborted',
  'server',
]);

function codeForStatus(status: number): AdapterErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'too-large';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server';
  return 'invalid';
}

/** The error a response carries: `{error:{code, reason, message}}` when the server sent one, else by status. */
export function errorFromResponse(status: number, body: unknown): AdapterError {
  const error = (body as { error?: { code?: unknown; reason?: unknown; message?: unknown } } | null)?.error;
  const code =
    typeof error?.code === 'string' && CODES.has(error.code)
      ? (error.code as AdapterErrorCode)
      : codeForStatus(status);
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  const reason = typeof error?.reason === 'string' ? error.reason : undefined;
  return new AdapterError(code, message, status, reason);
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Whatever fetch threw: an abort stays an abort, anything else is the network. */
export function errorFromThrown(error: unknown): AdapterError {
  if (error instanceof AdapterError) return error;
  if (isAbort(error)) return new AdapterError('aborted', 'Cancelled');
  return new AdapterError('network', error instanceof Error ? error.message : 'Network failure');
}

export function authHeaders(auth: HttpAuth): Record<string, string> {
  return 'token' in auth ? { authorization: `Bearer ${auth.token}` } : { 'x-bm-nonce': auth.nonce };
}

export function credentialsOf(auth: HttpAuth): RequestCredentials {
  return 'token' in auth ? 'omit' : (auth.credentials ?? 'same-origin');
}

export async function readJson(response: Response): Promise<unknown> {
  const textBody = await response.text();
  if (!textBody) return null;
  try {
    return JSON.parse(textBody);
  } catch {
    throw new AdapterError('server', 'The server sent a body that is not JSON', response.status, 'bad-json');
  }
}

/** A JSON request; resolves to the parsed body (null for an empty one) and throws AdapterError otherwise. */
export async function requestJson<T>(
  ctx: HttpContext,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  let response: Response;
  try {
    response = await ctx.fetch(ctx.base + path, {
      method,
      headers: {
        ...authHeaders(ctx.auth),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: credentialsOf(ctx.auth),
      signal,
    });
  } catch (error) {
    throw errorFromThrown(error);
  }
  const parsed = await readJson(response).catch((error: unknown) => {
    if (response.ok) throw errorFromThrown(error);
    return null;
  });
  if (!response.ok) throw errorFromResponse(response.status, parsed);
  return parsed as T;
}

/** Uploads bytes with XMLHttpRequest, the one browser API that reports upload progress. */
export function uploadWithProgress<T>(
  ctx: HttpContext,
  path: string,
  data: Blob,
  options: TransferOptions = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new AdapterError('aborted', 'Upload cancelled'));
    const xhr = new XMLHttpRequest();
    xhr.open('POST', ctx.base + path);
    for (const [name, value] of Object.entries(authHeaders(ctx.auth))) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.withCredentials = credentialsOf(ctx.auth) === 'include';
    xhr.responseType = 'text';
    const onAbort = () => xhr.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => options.signal?.removeEventListener('abort', onAbort);
    xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.lengthComputable ? e.total : data.size);
    xhr.onabort = () => (done(), reject(new AdapterError('aborted', 'Upload cancelled')));
    xhr.onerror = () => (done(), reject(new AdapterError('network', 'Upload failed')));
    xhr.onload = () => {
      done();
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        if (xhr.status < 300) return reject(new AdapterError('server', 'Not JSON', xhr.status, 'bad-json'));
      }
      if (xhr.status < 200 || xhr.status >= 300) return reject(errorFromResponse(xhr.status, body));
      options.onProgress?.(data.size, data.size);
      resolve(body as T);
    };
    xhr.send(data);
  });
}

/** Downloads bytes with fetch, counting the stream for progress. */
export async function downloadWithProgress(
  ctx: HttpContext,
  path: string,
  options: TransferOptions = {},
): Promise<Blob> {
  try {
    const response = await ctx.fetch(ctx.base + path, {
      headers: authHeaders(ctx.auth),
      credentials: credentialsOf(ctx.auth),
      signal: options.signal,
    });
    if (!response.ok) throw errorFromResponse(response.status, await readJson(response).catch(() => null));
    const total = Number(response.headers.get('content-length') ?? 0);
    const type = response.headers.get('content-type') ?? 'application/octet-stream';
    if (!response.body) return new Blob([await response.arrayBuffer()], { type });
    const reader = response.body.getReader();
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      options.onProgress?.(loaded, total || loaded);
    }
    if (loaded === 0) options.onProgress?.(0, 0);
    return new Blob(chunks, { type });
  } catch (error) {
    throw errorFromThrown(error);
  }
}
