// Entry point bundled by esbuild (bench/run.mjs) into vendor/peers.js, so the
// benchmark workers can import the JS peers without a bundler at run time.
export { default as Papa } from "papaparse";
export { kmeans } from "ml-kmeans";
export * as aq from "arquero";
export * as duckdb from "@duckdb/duckdb-wasm";
