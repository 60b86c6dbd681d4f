// hrlens embedded in a plain page, no bundler: the wasm runs in a Web Worker
// (the package's worker.js), so this page's main thread never blocks.
//
// In your site, copy node_modules/hrlens/ to a folder you serve (here the
// repository's pkg/) and import from there, e.g. "/vendor/hrlens/remote.js".
import { createHrlens } from "../../pkg/remote.js";
import { exportTable, useWorker } from "../../pkg/export.js";

const $ = (id) => document.getElementById(id);
const hr = await createHrlens();
useWorker(hr.connection);
let last = null;

async function show(ds, label) {
  $("status").textContent = `${label}: ${ds.rowCount} 行 rows · hrlens ${await hr.version()}`;
  const period = (await ds.column("月份")).at(-1);
  const s = await ds.score("cs-manager-monthly", { period });
  const order = [...s.rank.keys()].sort((a, b) => s.rank[a] - s.rank[b]).slice(0, 10);
  const cell = (text, cls) => Object.assign(document.createElement("td"), { textContent: text, className: cls ?? "" });
  $("top").tBodies[0].replaceChildren(
    ...order.map((i) => {
      const tr = document.createElement("tr");
      tr.append(cell(s.ids[i]), cell(s.total[i].toFixed(1), "num"), cell(String(s.rank[i]), "num"), cell(s.band[i]));
      return tr;
    }),
  );
  $("top").hidden = false;
  last = {
    name: `scores-${period}`,
    columns: [
      { name: "工号", values: s.ids },
      { name: "总分", values: s.total },
      { name: "排名", values: s.rank },
      { name: "等级", values: s.band },
    ],
  };
  $("csv").disabled = $("xlsx").disabled = false;
}

async function run(work) {
  try {
    await work();
  } catch (e) {
    $("status").textContent = `${e.name}: ${e.messageZh ?? ""} ${e.message}`;
  }
}

$("sample").addEventListener("click", () => run(async () => show(await hr.sample({ employees: 300, months: 6 }), "示例 sample")));
$("file").addEventListener("change", () => run(async () => {
  const file = $("file").files[0];
  if (file) await show(await hr.load(file), file.name);
}));
$("csv").addEventListener("click", () => run(() => exportTable(last.name, last, { format: "csv" })));
$("xlsx").addEventListener("click", () => run(() => exportTable(last.name, last, { format: "xlsx" })));
$("status").textContent = "就绪 Ready";
document.body.dataset.ready = "true";
