// worker.js in a Node worker_threads thread: gives it the Web Worker globals it
// uses (self, postMessage, onmessage) and a fetch that reads the wasm from disk.
// Anything but a file: URL is refused — hrlens makes no network request.
import { parentPort } from "node:worker_threads";
import { readFile } from "node:fs/promises";

globalThis.self = globalThis;
globalThis.postMessage = (message, transfer) => parentPort.postMessage(message, transfer);
globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  if (url.protocol !== "file:") throw new TypeError(`hrlens makes no network requests (asked for ${url.href})`);
  return new Response(await readFile(url), { headers: { "Content-Type": "application/wasm" } });
};

await import("./worker.js");
// Messages sent before worker.js set onmessage wait in the port until now.
parentPort.on("message", (data) => globalThis.onmessage?.({ data }));
