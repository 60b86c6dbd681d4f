// <hr-lens>: the whole analyst UI as one custom element, for portals.
//
//   <script type="module" src="/hrlens/www/hr-lens.js"></script>
//   <hr-lens lang="zh" panel="scores" scorecard="cs-manager-monthly" sample></hr-lens>
//
// Attributes: lang ("zh" | "en"), panel ("data" | "segments" | "scores" |
// "trends"), scorecard (a template id or a scorecard as JSON), sample (load
// the built-in sample at once). Methods: load(file), loadSample(),
// select({ org, period }); property selection. Events (bubbling, composed,
// with the engine's results in `detail`): hrlens:ready, hrlens:load,
// hrlens:selection, hrlens:scores, hrlens:segments, hrlens:trends,
// hrlens:alerts, hrlens:explanation, hrlens:panel, hrlens:error.
//
// It mounts the same panel modules as the page, inside a shadow root styled
// by the same style.css (a <link>, so a strict `style-src 'self'` holds), with
// its own worker and wasm instance. Nothing is fetched but this package's own files.
// Under a host CSP with `require-trusted-types-for 'script'` the chart library
// needs the empty-string-only default policy (see trusted-types.js); the host
// lists it as `trusted-types hrlens default`. Without enforcement it is inert.
import "./trusted-types.js";
import { mountApp, PANELS } from "./app.js";

const STYLE = new URL("./style.css", import.meta.url).href;

export class HrLens extends HTMLElement {
  static observedAttributes = ["lang", "panel", "scorecard"];

  connectedCallback() {
    if (this.app) return;
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: "open" });
    shadow.replaceChildren();
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = STYLE;
    const mount = document.createElement("div");
    shadow.append(link, mount);
    const panel = this.getAttribute("panel");
    this.app = mountApp(mount, {
      lang: this.getAttribute("lang") ?? undefined,
      panel: PANELS.includes(panel) ? panel : undefined,
      scorecard: this.getAttribute("scorecard") ?? undefined,
      sample: this.hasAttribute("sample"),
      persist: false,
      tour: false,
      host: this,
    });
  }

  disconnectedCallback() {
    this.app?.destroy();
    this.app = null;
  }

  attributeChangedCallback(name, old, value) {
    if (!this.app || old === value) return;
    if (name === "lang") this.app.setLang(value);
    else if (name === "panel" && PANELS.includes(value)) this.app.setPanel(value);
    else if (name === "scorecard") this.app.setScorecard(value);
  }

  /** Analyse a File (or Blob with a name) the portal already has. */
  load(file) {
    return this.app?.load(file);
  }

  loadSample() {
    return this.app?.loadSample();
  }

  get selection() {
    return this.app?.selection ?? null;
  }

  select(sel) {
    this.app?.select(sel);
  }

  /** Resolves when the first data is shown. */
  get ready() {
    return this.app?.ready ?? Promise.resolve();
  }
}

if (!customElements.get("hr-lens")) customElements.define("hr-lens", HrLens);
