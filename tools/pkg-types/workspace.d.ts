// Types of `hrlens/workspace` (workspace.js): encrypted workspaces and scenario files.

export type WorkspaceErrorCode =
  | "no-webcrypto" | "passphrase-required" | "weak-passphrase" | "bad-parameters" | "bad-input"
  | "not-workspace" | "unsupported-version" | "wrong-passphrase" | "tampered" | "damaged" | "bad-scenario";

export class WorkspaceError extends Error {
  readonly name: "WorkspaceError";
  readonly code: WorkspaceErrorCode;
  readonly messageZh: string;
}

export interface WorkspaceFile { name: string; type: string; bytes: Uint8Array }
export interface Workspace<S = Record<string, unknown>> {
  files?: (WorkspaceFile | { name: string; bytes: Uint8Array; type?: string } | File)[];
  settings?: S;
}
export interface LoadedWorkspace<S = Record<string, unknown>> { files: WorkspaceFile[]; settings: S; created: string; version: number }

export const WORKSPACE_VERSION: number;
export const MIN_ITERATIONS: number;
export const MAX_ITERATIONS: number;
export const MIN_PASSPHRASE_CHARS: number;
export const WORKSPACE_EXTENSION: string;

/** 32 random bytes as hex: e.g. the workspace's pseudonym secret. */
export function newSecret(): string;
export function saveWorkspace(
  workspace: Workspace,
  passphrase: string,
  opts?: { iterations?: number; compress?: boolean; created?: string },
): Promise<Uint8Array>;
export function loadWorkspace<S = Record<string, unknown>>(input: Uint8Array | ArrayBuffer | Blob, passphrase: string): Promise<LoadedWorkspace<S>>;
export function isWorkspace(bytes: Uint8Array): boolean;

export interface Scenario {
  kind?: "hrlens-scenario";
  version?: number;
  name?: string;
  description?: string;
  created?: string;
  scorecards?: (object | string)[];
  weights?: Record<string, unknown>;
  alertRules?: object[];
  tierRules?: object[];
  options?: Record<string, unknown>;
}
export const SCENARIO_VERSION: number;
export const SCENARIO_KEYS: string[];
export const MAX_SCENARIO_BYTES: number;
export function saveScenario(scenario: Scenario, opts?: { created?: string }): string;
export function loadScenario(input: string | Uint8Array | ArrayBuffer | Blob): Promise<Scenario & { kind: "hrlens-scenario"; version: number }>;
