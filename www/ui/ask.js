// Small dialogs the workspace menu needs: a passphrase (twice when saving)
// and a file to open. Native <dialog> and <input type=file>, text only.
import { h } from "./dom.js";

/**
 * askPassphrase(ctx, container, { confirm }) → Promise<string | null>
 * Resolves with the passphrase, or null when cancelled. With confirm, the
 * passphrase is typed twice and must have at least `min` characters.
 */
export function askPassphrase(ctx, container, { confirm = false, min = 8 } = {}) {
  const { t } = ctx;
  return new Promise((resolve) => {
    const first = h("input", { type: "password", id: "pass-1", autocomplete: confirm ? "new-password" : "current-password", minLength: min, required: true });
    const second = confirm ? h("input", { type: "password", id: "pass-2", autocomplete: "new-password", minLength: min, required: true }) : null;
    const problem = h("p", { class: "error-text", attrs: { role: "alert" } });
    const ok = h("button", { type: "submit", class: "primary", text: t(confirm ? "passSave" : "passOpen") });
    const cancel = h("button", { type: "button", text: t("cancel") });
    const form = h(
      "form",
      { class: "ask-form", attrs: { method: "dialog" } },
      h("h2", { id: "ask-title", text: t(confirm ? "passTitleSave" : "passTitleOpen") }),
      h("p", { class: "muted", text: t("passHint", min) }),
      h("label", { class: "field" }, h("span", { text: t("passphrase") }), first),
      second ? h("label", { class: "field" }, h("span", { text: t("passAgain") }), second) : null,
      problem,
      h("div", { class: "row" }, cancel, ok),
    );
    const dialog = h("dialog", { class: "ask", aria: { labelledby: "ask-title" } }, form);
    container.append(dialog);
    let done = false;
    const finish = (v) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (first.value.length < min) problem.textContent = t("passShort", min);
      else if (second && second.value !== first.value) problem.textContent = t("passMismatch");
      else finish(first.value);
    });
    cancel.addEventListener("click", () => finish(null));
    dialog.addEventListener("close", () => finish(null));
    dialog.showModal();
    first.focus();
  });
}

/** Let the user pick one file; resolves with the File, or null when cancelled. */
export function pickFile(container, accept) {
  return new Promise((resolve) => {
    const input = h("input", { type: "file", accept, hidden: true });
    container.append(input);
    input.addEventListener("change", () => {
      resolve(input.files?.[0] ?? null);
      input.remove();
    });
    input.addEventListener("cancel", () => {
      resolve(null);
      input.remove();
    });
    input.click();
  });
}
