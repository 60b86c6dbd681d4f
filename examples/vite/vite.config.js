// hrlens ships ES modules, a .wasm file and a module worker that finds them
// with `new URL(..., import.meta.url)`. Keep Vite's dependency pre-bundling
// away from it so those URLs stay valid, and build the worker as a module.
import { defineConfig } from "vite";

export default defineConfig({
  optimizeDeps: { exclude: ["hrlens"] },
  worker: { format: "es" },
  build: { target: "es2022" },
});
