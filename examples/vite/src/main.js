// hrlens in a Vite app: the wasm runs in the package's module worker, the
// page only awaits promises. `npm install && npm run dev` (after `make build`
// at the repository root, which writes ../../pkg).
import { createHrlens } from "hrlens/worker";
import { exportTable, useWorker } from "hrlens/export";
// Vite's worker import: it bundles the package's worker with its imports and
// emits the .wasm it loads as an asset.
import HrlensWorker from "hrlens/worker.js?worker";

const $ = (id) => document.getElementById(id);
// `create`: a new worker after a crash of the engine (see hrlens/worker's onRecover).
const hr = await createHrlens({ worker: new HrlensWorker(), create: () => new HrlensWorker() });
useWorker(hr.connection);
$("status").textContent = `hrlens ${await hr.version()} 就绪 ready`;

let table = null;
$("sample").addEventListener("click", async () => {
  const ds = await hr.sample({ employees: 500, months: 12 });
  const s = await ds.score("cs-manager-monthly", { period: "2023-12" });
  const best = [...s.rank.keys()].sort((a, b) => s.rank[a] - s.rank[b]).slice(0, 5);
  $("top").replaceChildren(...best.map((i) => Object.assign(document.createElement("li"), {
    textContent: `${s.ids[i]} · ${s.total[i].toFixed(1)} · ${s.band[i]}`,
  })));
  table = { columns: [{ name: "工号", values: s.ids }, { name: "总分", values: s.total }, { name: "等级", values: s.band }] };
  $("xlsx").disabled = false;
  await ds.free();
});
$("xlsx").addEventListener("click", () => exportTable("scores", table, { format: "xlsx" }));
