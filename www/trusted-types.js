// Trusted Types for the full page (CSP: require-trusted-types-for 'script';
// trusted-types hrlens default). Our own code never assigns HTML strings or
// script URLs except the worker's (rpc.js, policy "hrlens"). The charting
// library clears its containers with `innerHTML = ""`; this default policy lets
// exactly the empty string through and refuses every other HTML string,
// script text and foreign script URL — so no data can become markup or code.
// Imported first by main.js, before any library runs.
if (globalThis.trustedTypes?.createPolicy) {
  try {
    globalThis.trustedTypes.createPolicy("default", {
      createHTML: (s) => (s === "" ? "" : null),
      createScript: () => null,
      createScriptURL: (u) => {
        const x = new URL(u, location.href);
        return x.origin === location.origin ? x.href : null;
      },
    });
  } catch {
    // A default policy already exists (the host page made one): keep it.
  }
}
