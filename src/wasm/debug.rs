//! A deliberate crash, for testing an embedder's crash recovery.
//!
//! Nothing in hrlens calls it. A page or portal that restarts the worker
//! when the wasm instance traps (see `www/rpc.js`, `onRecover`) can call
//! `debugTrap()` to check that path end to end.

use wasm_bindgen::prelude::*;

/// For testing an embedder's crash recovery: executes the wasm `unreachable`
/// instruction, so the call throws a `WebAssembly.RuntimeError` and the
/// instance must not be used again.
///
/// ```js
/// try { debugTrap(); } catch (e) { e instanceof WebAssembly.RuntimeError; } // true
/// ```
#[wasm_bindgen(js_name = debugTrap)]
pub fn debug_trap() {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
}
