// The shared state of one mounted app: the dataset (a worker handle plus
// its description) and the one selection every panel follows.
//
//   store.get().dataset   { handle, rowCount, columns, warnings, source, caps, label } | null
//   store.get().selection { org: node id | null, period: "YYYY-MM" | null }
//   store.get().periods   ["2023-01", …] (from the engine's trend of the data)
//
// store.set(patch) merges and notifies listeners with the keys that changed.
export function createStore(initial) {
  let state = { ...initial };
  const listeners = new Set();
  return {
    get: () => state,
    set(patch) {
      const changed = Object.keys(patch).filter((k) => state[k] !== patch[k]);
      if (changed.length === 0) return;
      state = { ...state, ...patch };
      for (const fn of listeners) fn(state, changed);
    },
    select(patch) {
      const sel = { ...state.selection, ...patch };
      if (sel.org === state.selection.org && sel.period === state.selection.period) return;
      this.set({ selection: sel });
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
