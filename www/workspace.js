// Workspaces and scenarios, saved as files the user keeps.
//
// A workspace (the loaded files' bytes + the settings) is one file encrypted
// with a passphrase: AES-256-GCM under a key from PBKDF2-HMAC-SHA-256
// (600,000 iterations by default, OWASP's 2023 figure), random salt and IV,
// all through WebCrypto. Layout (big-endian):
//
//   0  8  magic "HRLENSWS"
//   8  1  format version (1)
//   9  1  key derivation (1 = PBKDF2-HMAC-SHA-256)
//  10  1  cipher (1 = AES-256-GCM)
//  11  1  flags (bit 0: the payload was gzip-compressed before encryption)
//  12  4  PBKDF2 iterations
//  16 16  salt
//  32 12  IV
//  44 16  passphrase check: bytes 32..48 of the 64 derived (the key is bytes 0..32)
//  60  …  ciphertext with its 16-byte GCM tag; the 60 header bytes are its
//         additional authenticated data, so no header byte can be changed unnoticed
//
// The check value tells a wrong passphrase from a changed file; it costs an
// attacker exactly what the tag does (one PBKDF2 run per guess). The payload
// is: a 4-byte length, the manifest JSON
// { kind: "hrlens-workspace", version, created, settings, files: [{ name, type, size }] },
// then the files' bytes in that order.
//
// A scenario (scorecards, weights, alert rules, tier rules — no data) is a
// plain JSON file with a kind and a schema version (schema/scenario.schema.json).

export const WORKSPACE_VERSION = 1;
export const MIN_ITERATIONS = 600_000;
/** Files asking for more are refused (a crafted file could otherwise hang the page). */
export const MAX_ITERATIONS = 10_000_000;
export const MIN_PASSPHRASE_CHARS = 8;
export const WORKSPACE_EXTENSION = ".hrlens";

const MAGIC = new TextEncoder().encode("HRLENSWS");
const HEADER_BYTES = 60;
const KDF_PBKDF2_SHA256 = 1;
const CIPHER_AES_256_GCM = 1;
const FLAG_GZIP = 1;

/** Every failure here: `code` says which, `message`/`messageZh` say it to the user. */
export class WorkspaceError extends Error {
  constructor(code, message, messageZh) {
    super(message);
    this.name = "WorkspaceError";
    this.code = code;
    this.messageZh = messageZh;
  }
}

const fail = (code, en, zh) => {
  throw new WorkspaceError(code, en, zh);
};

function webcrypto() {
  const c = globalThis.crypto;
  if (!c?.subtle) {
    fail(
      "no-webcrypto",
      "This browser cannot encrypt here (WebCrypto needs a secure context: https, localhost or a file).",
      "此浏览器无法在此加密（WebCrypto 需要安全上下文：https、localhost 或本地文件）。",
    );
  }
  return c;
}

function checkPassphrase(passphrase) {
  if (typeof passphrase !== "string" || passphrase.length === 0) {
    fail("passphrase-required", "Enter a passphrase.", "请输入口令。");
  }
  // NFC: the same passphrase typed with another input method gives the same key.
  const p = passphrase.normalize("NFC");
  if ([...p].length < MIN_PASSPHRASE_CHARS) {
    fail(
      "weak-passphrase",
      `Use a passphrase of at least ${MIN_PASSPHRASE_CHARS} characters.`,
      `口令至少需要 ${MIN_PASSPHRASE_CHARS} 个字符。`,
    );
  }
  return new TextEncoder().encode(p);
}

async function derive(passphraseBytes, salt, iterations) {
  const subtle = webcrypto().subtle;
  const base = await subtle.importKey("raw", passphraseBytes, "PBKDF2", false, ["deriveBits"]);
  const bits = new Uint8Array(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, 512));
  const key = await subtle.importKey("raw", bits.slice(0, 32), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  return { key, check: bits.slice(32, 48) };
}

async function bytesOf(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input && typeof input.arrayBuffer === "function") return new Uint8Array(await input.arrayBuffer());
  throw new WorkspaceError("bad-input", "Expected bytes, a Blob or a File.", "应为字节、Blob 或 File。");
}

async function pipe(bytes, stream) {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());
}

/** A random secret (32 bytes as hex), e.g. the workspace's pseudonym key. */
export function newSecret() {
  const b = webcrypto().getRandomValues(new Uint8Array(32));
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * Encrypt a workspace into the bytes of one file.
 * @param {{ files?: ({ name: string, bytes: Uint8Array, type?: string } | File)[], settings?: object }} workspace
 * @param {string} passphrase at least 8 characters
 * @param {{ iterations?: number, compress?: boolean, created?: string }} [opts]
 * @returns {Promise<Uint8Array>}
 */
export async function saveWorkspace(workspace, passphrase, opts = {}) {
  const { iterations = MIN_ITERATIONS, compress = typeof CompressionStream === "function", created = new Date().toISOString() } = opts;
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    fail(
      "bad-parameters",
      `iterations must be an integer from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}.`,
      `迭代次数必须是 ${MIN_ITERATIONS} 到 ${MAX_ITERATIONS} 之间的整数。`,
    );
  }
  const pass = checkPassphrase(passphrase);
  const files = [];
  for (const f of workspace?.files ?? []) {
    // A File/Blob is read whole (its own .bytes() is a method, not the data).
    const bytes = await bytesOf(typeof f?.arrayBuffer === "function" ? f : f?.bytes);
    files.push({ name: String(f.name ?? ""), type: String(f.type ?? ""), bytes });
  }
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      kind: "hrlens-workspace",
      version: WORKSPACE_VERSION,
      created,
      settings: workspace?.settings ?? {},
      files: files.map(({ name, type, bytes }) => ({ name, type, size: bytes.length })),
    }),
  );
  const total = 4 + manifest.length + files.reduce((n, f) => n + f.bytes.length, 0);
  let payload = new Uint8Array(total);
  new DataView(payload.buffer).setUint32(0, manifest.length);
  payload.set(manifest, 4);
  let at = 4 + manifest.length;
  for (const f of files) {
    payload.set(f.bytes, at);
    at += f.bytes.length;
  }
  if (compress) payload = await pipe(payload, new CompressionStream("gzip"));

  const c = webcrypto();
  const header = new Uint8Array(HEADER_BYTES);
  header.set(MAGIC, 0);
  header[8] = WORKSPACE_VERSION;
  header[9] = KDF_PBKDF2_SHA256;
  header[10] = CIPHER_AES_256_GCM;
  header[11] = compress ? FLAG_GZIP : 0;
  new DataView(header.buffer).setUint32(12, iterations);
  const salt = c.getRandomValues(new Uint8Array(16));
  const iv = c.getRandomValues(new Uint8Array(12));
  header.set(salt, 16);
  header.set(iv, 32);
  const { key, check } = await derive(pass, salt, iterations);
  header.set(check, 44);
  const sealed = new Uint8Array(await c.subtle.encrypt({ name: "AES-GCM", iv, additionalData: header, tagLength: 128 }, key, payload));
  const out = new Uint8Array(HEADER_BYTES + sealed.length);
  out.set(header, 0);
  out.set(sealed, HEADER_BYTES);
  return out;
}

/** Whether bytes look like a workspace file (by the magic only). */
export function isWorkspace(bytes) {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Decrypt a workspace file.
 * @param {Uint8Array | ArrayBuffer | Blob} input
 * @param {string} passphrase
 * @returns {Promise<{ files: { name: string, type: string, bytes: Uint8Array }[], settings: object, created: string, version: number }>}
 * @throws {WorkspaceError} code "not-workspace", "unsupported-version", "bad-parameters",
 *   "wrong-passphrase", "tampered" or "damaged", with messages in English and Chinese.
 */
export async function loadWorkspace(input, passphrase) {
  const bytes = await bytesOf(input);
  if (!isWorkspace(bytes)) {
    fail("not-workspace", "This is not an hrlens workspace file.", "这不是 hrlens 工作区文件。");
  }
  if (bytes.length < HEADER_BYTES + 16) {
    fail("damaged", "The workspace file is truncated.", "工作区文件不完整（已被截断）。");
  }
  const header = bytes.slice(0, HEADER_BYTES);
  const version = header[8];
  if (version > WORKSPACE_VERSION) {
    fail(
      "unsupported-version",
      `This workspace was saved by a newer hrlens (format ${version}); update hrlens to open it.`,
      `此工作区由更新版本的 hrlens 保存（格式 ${version}）；请更新 hrlens 后再打开。`,
    );
  }
  const iterations = new DataView(header.buffer).getUint32(12);
  if (version < 1 || header[9] !== KDF_PBKDF2_SHA256 || header[10] !== CIPHER_AES_256_GCM || (header[11] & ~FLAG_GZIP) !== 0
      || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    fail("bad-parameters", "The workspace file's header is invalid or was changed.", "工作区文件头无效或已被修改。");
  }
  const pass = checkPassphraseForLoad(passphrase);
  const { key, check } = await derive(pass, header.slice(16, 32), iterations);
  if (!check.every((b, i) => b === header[44 + i])) {
    fail("wrong-passphrase", "Wrong passphrase (or a damaged file header).", "口令错误（或文件头已损坏）。");
  }
  let payload;
  try {
    payload = new Uint8Array(
      await webcrypto().subtle.decrypt({ name: "AES-GCM", iv: header.slice(32, 44), additionalData: header, tagLength: 128 }, key, bytes.slice(HEADER_BYTES)),
    );
  } catch {
    fail("tampered", "The workspace file was changed or damaged after it was saved; it cannot be opened.", "工作区文件在保存后被修改或损坏，无法打开。");
  }
  if (header[11] & FLAG_GZIP) {
    if (typeof DecompressionStream !== "function") {
      fail("damaged", "This browser cannot decompress the workspace.", "此浏览器无法解压该工作区。");
    }
    payload = await pipe(payload, new DecompressionStream("gzip"));
  }
  const damaged = () => fail("damaged", "The workspace file is damaged.", "工作区文件已损坏。");
  if (payload.length < 4) damaged();
  const n = new DataView(payload.buffer, payload.byteOffset).getUint32(0);
  if (4 + n > payload.length) damaged();
  let manifest;
  try {
    manifest = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload.subarray(4, 4 + n)));
  } catch {
    damaged();
  }
  if (manifest?.kind !== "hrlens-workspace" || !Array.isArray(manifest.files)) damaged();
  let at = 4 + n;
  const files = manifest.files.map((f) => {
    const size = Number(f.size);
    if (!Number.isInteger(size) || size < 0 || at + size > payload.length) damaged();
    const file = { name: String(f.name), type: String(f.type ?? ""), bytes: payload.slice(at, at + size) };
    at += size;
    return file;
  });
  return { files, settings: manifest.settings ?? {}, created: manifest.created, version: manifest.version };
}

function checkPassphraseForLoad(passphrase) {
  if (typeof passphrase !== "string" || passphrase.length === 0) {
    fail("passphrase-required", "Enter the workspace's passphrase.", "请输入工作区口令。");
  }
  return new TextEncoder().encode(passphrase.normalize("NFC"));
}

// ---- scenarios ---------------------------------------------------------------

export const SCENARIO_VERSION = 1;
/** The only top-level keys a scenario has: configuration, never data. */
export const SCENARIO_KEYS = ["kind", "version", "name", "description", "created", "scorecards", "weights", "alertRules", "tierRules", "options"];
export const MAX_SCENARIO_BYTES = 2 * 1024 * 1024;

const SHAPES = {
  name: "string",
  description: "string",
  created: "string",
  scorecards: "array",
  weights: "object",
  alertRules: "array",
  tierRules: "array",
  options: "object",
};

function shapeOf(v) {
  return Array.isArray(v) ? "array" : v === null ? "null" : typeof v;
}

function scenarioError(en, zh) {
  return new WorkspaceError("bad-scenario", en, zh);
}

function checkScenario(s) {
  if (shapeOf(s) !== "object") throw scenarioError("A scenario must be a JSON object.", "场景必须是 JSON 对象。");
  for (const k of Object.keys(s)) {
    if (!SCENARIO_KEYS.includes(k)) {
      throw scenarioError(
        `Unknown field "${k}" in the scenario (scenarios hold scorecards, weights and rules, never data).`,
        `场景中有未知字段“${k}”（场景只含评分卡、权重和规则，不含数据）。`,
      );
    }
    if (SHAPES[k] && shapeOf(s[k]) !== SHAPES[k]) {
      throw scenarioError(`Scenario field "${k}" must be ${SHAPES[k] === "array" ? "an array" : `a ${SHAPES[k]}`}.`, `场景字段“${k}”类型错误。`);
    }
  }
  for (const [k, list] of [["scorecards", s.scorecards], ["alertRules", s.alertRules], ["tierRules", s.tierRules]]) {
    if (list && !list.every((x) => shapeOf(x) === "object" || (k === "scorecards" && typeof x === "string"))) {
      throw scenarioError(`Every entry of "${k}" must be an object.`, `“${k}”的每一项都必须是对象。`);
    }
  }
}

/**
 * A scenario as JSON text (pretty-printed, with kind and schema version).
 * @param {{ name?: string, description?: string, scorecards?: unknown[], weights?: object,
 *           alertRules?: object[], tierRules?: object[], options?: object }} scenario
 */
export function saveScenario(scenario, { created = new Date().toISOString() } = {}) {
  const s = { kind: "hrlens-scenario", version: SCENARIO_VERSION, created, ...scenario };
  s.kind = "hrlens-scenario";
  s.version = SCENARIO_VERSION;
  checkScenario(s);
  const text = JSON.stringify(s, null, 2) + "\n";
  if (new TextEncoder().encode(text).length > MAX_SCENARIO_BYTES) {
    throw scenarioError("The scenario is larger than 2 MB; scenarios hold no data.", "场景超过 2 MB；场景不应包含数据。");
  }
  return text;
}

/**
 * Read a scenario file (text, bytes or a File).
 * @throws {WorkspaceError} code "bad-scenario" or "unsupported-version".
 */
export async function loadScenario(input) {
  const text = typeof input === "string" ? input : new TextDecoder().decode(await bytesOf(input));
  if (text.length > MAX_SCENARIO_BYTES) {
    throw scenarioError("The scenario is larger than 2 MB; scenarios hold no data.", "场景超过 2 MB；场景不应包含数据。");
  }
  let s;
  try {
    s = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw scenarioError(`The scenario is not valid JSON: ${e.message}`, `场景不是有效的 JSON：${e.message}`);
  }
  if (s?.kind !== "hrlens-scenario") {
    throw scenarioError("This is not an hrlens scenario file.", "这不是 hrlens 场景文件。");
  }
  if (!Number.isInteger(s.version) || s.version < 1) {
    throw scenarioError("The scenario has no valid version.", "场景缺少有效的版本号。");
  }
  if (s.version > SCENARIO_VERSION) {
    throw new WorkspaceError(
      "unsupported-version",
      `This scenario was saved by a newer hrlens (version ${s.version}); update hrlens to open it.`,
      `此场景由更新版本的 hrlens 保存（版本 ${s.version}）；请更新 hrlens 后再打开。`,
    );
  }
  checkScenario(s);
  return s;
}
