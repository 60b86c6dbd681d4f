// What every side of a comparison shares: the scorecard, the two weightings
// the what-if alternates between, the alert rule and the k-means start.
// benches/common/mod.rs builds the same scorecard for the native benches.

export const BANDS = [
  { label: "A", min: 80 },
  { label: "B", min: 70 },
  { label: "C", min: 60 },
  { label: "D", min: 0 },
];

/// Four dimensions over k01…k{kpis}: indicator j in dimension j % 4 with
/// weight 1 + j % 5, every third one lower-is-better, all min-max.
export function benchCard(kpis = 12) {
  const dimensions = [0, 1, 2, 3].map((d) => ({
    name: `D${d + 1}`,
    weight: 10 * (d + 1),
    indicators: [...Array(kpis).keys()]
      .filter((j) => j % 4 === d)
      .map((j) => ({
        column: `k${String(j + 1).padStart(2, "0")}`,
        weight: 1 + (j % 5),
        direction: j % 3 === 2 ? "lower" : "higher",
        normalize: "minmax",
      })),
  }));
  return { name: "bench", dimensions, bands: { thresholds: BANDS } };
}

/// Rep i uses WEIGHTS[i % 2], so every call really moves people.
export const WEIGHTS = [
  { D1: 40, D4: 10 },
  { D1: 10, D4: 40 },
];

/// Per indicator (card order), the weight of its score in the total.
export function effectiveWeights(card, over = {}) {
  const dw = card.dimensions.map((d) => over[d.name] ?? d.weight);
  const dsum = dw.reduce((a, b) => a + b, 0);
  return card.dimensions.flatMap((d, i) => {
    const isum = d.indicators.reduce((a, b) => a + b.weight, 0);
    return d.indicators.map((ind) => ((dw[i] / dsum) * ind.weight) / isum);
  });
}

export function bandOf(total) {
  for (const b of BANDS) if (total >= b.min) return b.label;
  return null;
}

/// 100·(x − min)/(max − min), mirrored for "lower"; 100 for a constant column.
export function minmaxScores(col, direction) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of col) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const out = new Float64Array(col.length);
  const span = hi - lo;
  for (let i = 0; i < col.length; i++) {
    out[i] = span === 0 ? 100 : direction === "lower" ? (100 * (hi - col[i])) / span : (100 * (col[i] - lo)) / span;
  }
  return out;
}

/// The ids of the k best ranks (rank, then id).
export function topIds(ids, rank, k) {
  const idx = [];
  for (let i = 0; i < rank.length; i++) if (rank[i] <= k) idx.push(i);
  idx.sort((a, b) => rank[a] - rank[b] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  return idx.slice(0, k).map((i) => ids[i]);
}

export const trendRule = { metric: "k01", by: "部门", below: 65, consecutiveDeclines: 3, dropPct: 5 };

/// k initial centroids (original units): rows spread evenly through the data.
export function kmeansInit(cols, k) {
  const n = cols[0].length;
  return [...Array(k).keys()].map((c) => {
    const row = Math.floor(((c + 0.5) * n) / k);
    return cols.map((col) => col[row]);
  });
}

// The alert conditions of hrlens' rule on one (dept, month) row of a peer's
// window query: below, dropPct against the previous 3 months' mean,
// 3 consecutive declines; MA3 only where 3 months are present.
export function alertFlags(r) {
  const { below, dropPct } = trendRule;
  const present = (x) => x != null && !Number.isNaN(x);
  // The mean of the previous 3 months present (from the lags: Arquero's
  // rolling frame [-3, -1] does not give that window).
  const prev = [r.l3, r.l2, r.l1].filter(present);
  const base = prev.length ? prev.reduce((a, b) => a + b, 0) / prev.length : null;
  return {
    dept: r.dept,
    month: r.month,
    v: r.v,
    ma: r.n3 === 3 ? r.ma : NaN,
    mom: present(r.l1) && r.l1 !== 0 ? r.v / r.l1 - 1 : NaN,
    isBelow: r.v < below,
    isDrop: base != null && base !== 0 && r.v <= base - (Math.abs(base) * dropPct) / 100,
    isDecl: present(r.l3) && r.v < r.l1 && r.l1 < r.l2 && r.l2 < r.l3,
  };
}

export function peerTrendInfo(rows) {
  const cells = {};
  const counts = { below: 0, dropPct: 0, consecutiveDeclines: 0 };
  for (const r of rows) {
    const month = String(r.month).slice(0, 7);
    cells[`${r.dept}|${month}`] = [Number(r.v), r.ma == null ? NaN : Number(r.ma), r.mom == null ? NaN : Number(r.mom)];
    counts.below += r.isBelow ? 1 : 0;
    counts.dropPct += r.isDrop ? 1 : 0;
    counts.consecutiveDeclines += r.isDecl ? 1 : 0;
  }
  return { rows: rows.length, cells, alerts: counts };
}

