// Encrypted workspaces and scenario files (www/workspace.js) in Node's WebCrypto.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import {
  saveWorkspace, loadWorkspace, isWorkspace, newSecret, WorkspaceError, MIN_ITERATIONS,
  saveScenario, loadScenario, SCENARIO_KEYS, SCENARIO_VERSION,
} from "../../www/workspace.js";

const PASS = "正确的口令 correct horse";
const csv = new TextEncoder().encode("工号,姓名\nE001,张伟\n");
const xlsx = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251);
const workspace = {
  files: [{ name: "考核.csv", type: "text/csv", bytes: csv }, new File([xlsx], "hr.xlsx", { type: "application/octet-stream" })],
  settings: { lang: "zh", panel: "scores", secret: newSecret(), weights: { 服务质量: 40 } },
};

// One save shared by the tests below: each PBKDF2 run at 600,000 iterations takes a moment.
const saved = await saveWorkspace(workspace, PASS, { created: "2024-05-01T00:00:00.000Z" });

const rejects = (p, code, zh) =>
  assert.rejects(p, (e) => {
    assert.ok(e instanceof WorkspaceError, String(e));
    assert.equal(e.name, "WorkspaceError");
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.length > 0);
    if (zh) assert.match(e.messageZh, zh);
    return true;
  });

test("a workspace round-trips: files byte for byte, settings, header fields", async () => {
  assert.ok(isWorkspace(saved));
  assert.equal(new TextDecoder().decode(saved.slice(0, 8)), "HRLENSWS");
  assert.equal(saved[8], 1, "format version");
  assert.equal(saved[9], 1, "PBKDF2-SHA-256");
  assert.equal(saved[10], 1, "AES-256-GCM");
  assert.equal(new DataView(saved.buffer).getUint32(12), 600_000);
  assert.ok(MIN_ITERATIONS >= 600_000);
  const text = Buffer.from(saved).toString("latin1");
  assert.ok(!text.includes("E001") && !text.includes("lang"), "nothing readable in the file");
  const back = await loadWorkspace(new Blob([saved]), PASS);
  assert.equal(back.created, "2024-05-01T00:00:00.000Z");
  assert.deepEqual(back.settings, workspace.settings);
  assert.deepEqual(back.files.map((f) => [f.name, f.type]), [["考核.csv", "text/csv"], ["hr.xlsx", "application/octet-stream"]]);
  assert.deepEqual(back.files[0].bytes, csv);
  assert.deepEqual(back.files[1].bytes, xlsx);
});

test("the same passphrase typed in another Unicode form opens it (NFC)", async () => {
  const composed = "café-口令-1234";
  const bytes = await saveWorkspace({ files: [], settings: { a: 1 } }, composed, { compress: false });
  assert.equal(bytes[11], 0, "not compressed");
  const back = await loadWorkspace(bytes, composed.normalize("NFD"));
  assert.deepEqual(back.settings, { a: 1 });
});

test("a wrong passphrase and a changed file give clear bilingual errors", async () => {
  await rejects(loadWorkspace(saved, "wrong passphrase"), "wrong-passphrase", /口令错误/);
  // Any changed byte of the ciphertext or tag, or of the authenticated header, is caught.
  for (const at of [saved.length - 1, 70, 11, 33]) {
    const bad = saved.slice();
    bad[at] ^= 0x01;
    await rejects(loadWorkspace(bad, PASS), "tampered", /修改或损坏/);
  }
  const flagged = saved.slice();
  flagged[11] |= 0x80;
  await rejects(loadWorkspace(flagged, PASS), "bad-parameters", /文件头无效/);
  const salted = saved.slice();
  salted[20] ^= 0x80;
  await rejects(loadWorkspace(salted, PASS), "wrong-passphrase");
  await rejects(loadWorkspace(saved.slice(0, 90), PASS), "tampered");
  await rejects(loadWorkspace(saved.slice(0, 40), PASS), "damaged", /截断/);
  await rejects(loadWorkspace(csv, PASS), "not-workspace", /不是 hrlens 工作区文件/);
  const newer = saved.slice();
  newer[8] = 9;
  await rejects(loadWorkspace(newer, PASS), "unsupported-version", /更新版本/);
  const slow = saved.slice();
  new DataView(slow.buffer).setUint32(12, 4_000_000_000);
  await rejects(loadWorkspace(slow, PASS), "bad-parameters");
});

test("weak passphrases and parameters are refused when saving", async () => {
  await rejects(saveWorkspace(workspace, ""), "passphrase-required", /请输入口令/);
  await rejects(saveWorkspace(workspace, "short"), "weak-passphrase", /至少需要 8 个字符/);
  await rejects(saveWorkspace(workspace, PASS, { iterations: 1000 }), "bad-parameters");
  await rejects(loadWorkspace(saved, ""), "passphrase-required");
});

test("salt and IV are fresh each time; secrets are random hex", async () => {
  const again = await saveWorkspace({ files: [], settings: {} }, PASS, { compress: false });
  const other = await saveWorkspace({ files: [], settings: {} }, PASS, { compress: false });
  assert.notDeepEqual(again.slice(16, 44), other.slice(16, 44));
  const s = newSecret();
  assert.match(s, /^[0-9a-f]{64}$/);
  assert.notEqual(s, newSecret());
});

test("scenarios save and load as versioned JSON without data", async () => {
  const scenario = {
    name: "客服经理 2024 Q2",
    scorecards: ["cs-manager-monthly", { name: "自定义", dimensions: [] }],
    weights: { 服务质量: 40, 工作效率: 30 },
    alertRules: [{ metric: "客户满意度", by: "团队", consecutiveDeclines: 3 }],
    tierRules: [{ label: "高频", when: { column: "登录次数", min: 20 } }],
    options: { minGroupSize: 5 },
  };
  const text = saveScenario(scenario, { created: "2024-06-30T00:00:00.000Z" });
  const parsed = JSON.parse(text);
  assert.equal(parsed.kind, "hrlens-scenario");
  assert.equal(parsed.version, SCENARIO_VERSION);
  const back = await loadScenario(text);
  assert.deepEqual(back, parsed);
  assert.deepEqual((await loadScenario(new TextEncoder().encode("\uFEFF" + text))).weights, scenario.weights);

  const bad = (obj) => loadScenario(JSON.stringify({ kind: "hrlens-scenario", version: 1, ...obj }));
  await rejects(bad({ rows: [[1, 2]] }), "bad-scenario", /未知字段“rows”/);
  await rejects(bad({ scorecards: {} }), "bad-scenario");
  await rejects(bad({ alertRules: [1] }), "bad-scenario");
  await rejects(bad({ version: 2 }), "unsupported-version", /更新版本/);
  await rejects(loadScenario("{ not json"), "bad-scenario", /不是有效的 JSON/);
  await rejects(loadScenario(JSON.stringify({ kind: "other", version: 1 })), "bad-scenario");
  assert.throws(() => saveScenario({ data: [1] }), WorkspaceError);
});

test("the scenario JSON Schema lists exactly the keys the loader accepts", async () => {
  const schema = JSON.parse(await readFile(new URL("../../schema/scenario.schema.json", import.meta.url), "utf8"));
  assert.deepEqual(Object.keys(schema.properties).sort(), [...SCENARIO_KEYS].sort());
  assert.equal(schema.additionalProperties, false);
  assert.equal(schema.properties.version.maximum, SCENARIO_VERSION);
});
