// Types of `hrlens/worker` (remote.js): the Dataset / WhatIf API, each call a promise.
import type * as H from "./hrlens.js";

/** Anything rpc.js can talk to: a Web Worker, or an adapter with the same surface. */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: unknown[]): void;
  onmessage: ((event: { data: any }) => void) | null;
  onerror: ((event: any) => void) | null;
  terminate(): void;
}

/** The page's worker protocol (rpc.js), for what the wrapper does not cover. */
export interface Connection {
  sample(opts?: H.SampleOptions): Promise<unknown>;
  load(data: unknown, opts?: H.LoadOptions): Promise<unknown>;
  call(handle: number, method: string, ...args: unknown[]): Promise<unknown>;
  module(fn: string, ...args: unknown[]): Promise<unknown>;
  free(handle: number): Promise<null>;
  /** After each crash of the engine: the worker was replaced and its state rebuilt (or not, `ok: false`). */
  onRecover(fn: (event: RecoverEvent) => void): () => void;
  terminate(): void;
}

/** What a restart after a crash (a wasm trap or a failed worker) restored. */
export interface RecoverEvent {
  /** false: it gave up (too many crashes, or no way to make a new worker); every call now rejects. */
  ok: boolean;
  /** The crash (name "WasmTrap" or "WorkerError"; `during`: the call that trapped), or the RecoveryFailed error. */
  error: Error & { name: string; messageZh?: string; during?: string | null };
  /** Live handles rebuilt in the new worker: all of them, the datasets, the datasets from loaded files. */
  restored: { handles: number; datasets: number; files: number };
  /** Journal entries that could not be replayed, with why. */
  failed: { op: string; what: string; handle?: number; handles?: number[]; filename?: string | null;
            error: { name: string; message: string; messageZh?: string } }[];
}

/** A wasm result object seen from the main thread. */
export type RemoteOf<R> = R extends H.WhatIf ? RemoteWhatIf : R extends H.Dataset ? RemoteDataset : R;

/** Every method of T, returning a promise of its (remote) result. */
export type Methods<T> = {
  [K in keyof T as K extends "free" ? never : K extends string ? (T[K] extends (...args: any[]) => any ? K : never) : never]:
    T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<RemoteOf<R>> : never;
};

export interface RemoteObject {
  /** The object's handle in the worker. */
  readonly handle: number;
  /** Release the wasm object (also done when this object is garbage-collected). */
  free(): Promise<void>;
}

export type RemoteDataset = Methods<H.Dataset> & RemoteObject & {
  readonly type: "Dataset";
  readonly rowCount: number;
  /** What loading found, as of load time. */
  readonly info: { columns: H.ColumnInfo[]; warnings: H.DataWarning[]; source: H.SourceInfo };
};

export type RemoteWhatIf = Methods<H.WhatIf> & RemoteObject & { readonly type: "WhatIf" };

type Module = typeof H;
/** The package's functions (version, ahpWeights, exportCsv, exportXlsx, pseudonymize, …). */
export type RemoteFunctions = {
  [K in keyof Module as K extends "default" | "initSync" ? never : Module[K] extends (...args: any[]) => any ? K : never]:
    Module[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<RemoteOf<R>> : never;
};

export type Hrlens = RemoteFunctions & {
  /** The built-in sample panel. */
  sample(opts?: H.SampleOptions): Promise<RemoteDataset>;
  /** Load a File, Blob or bytes (name bytes with `opts.filename`). */
  load(data: Blob | ArrayBuffer | Uint8Array, opts?: H.LoadOptions): Promise<RemoteDataset>;
  /** Stop the worker. */
  terminate(): void;
  /** The engine crashed and its worker was replaced; remote objects stay valid. */
  onRecover(fn: (event: RecoverEvent) => void): () => void;
  readonly connection: Connection;
};

/**
 * Spawn the worker (the package's worker.js unless you pass your own) and wait
 * until its wasm is ready.
 */
export function createHrlens(opts?: {
  worker?: WorkerLike | URL | string;
  /** With a Worker object: make another after a crash (else a crash cannot be recovered from). */
  create?: () => WorkerLike;
}): Promise<Hrlens>;

/** The promise API over an existing connection. */
export function wrap(conn: Connection, opts?: { sendBytes?: boolean }): Hrlens;
