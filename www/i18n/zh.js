// 简体中文界面文案。键与 en.js 一一对应。
export default {
  title: "hrlens 人力分析",
  tagline: "数据只在本机处理，不上传、不联网",
  lang: "English",
  langLabel: "界面语言",
  open: "打开文件",
  drop: "把 CSV 文件拖到这里，或点击“打开文件”",
  sample: "示例数据",
  loading: "正在计算…",
  loadedSample: (n, c) => `示例数据：${n.toLocaleString("zh-CN")} 行，${c} 列`,
  loadedFile: (name, n, c) => `${name}：${n.toLocaleString("zh-CN")} 行，${c} 列`,
  source: "来源",
  format: "格式",
  encoding: "编码",
  delimiter: "分隔符",
  columnsTitle: "字段概览",
  colName: "列名",
  colKind: "类型",
  colRole: "角色",
  colMissing: "缺失",
  colDistinct: "不同值",
  kinds: { number: "数值", category: "类别", date: "日期", text: "文本" },
  roles: {
    employeeId: "工号", name: "姓名", department: "部门", managerId: "上级工号", period: "月份", jobLevel: "职级",
  },
  warningsTitle: "数据检查",
  noWarnings: "未发现问题",
  warningRow: (r) => `第 ${r} 行`,
  chartTitle: "分布",
  chartColumn: "指标",
  count: "人次",
  stats: (s) =>
    `均值 ${fmt(s.mean)}，中位数 ${fmt(s.median)}，范围 ${fmt(s.min)} – ${fmt(s.max)}，缺失 ${s.missing}`,
  error: "出错了",
  privacy: "隐私：所有计算在浏览器内完成，页面加载后不会发出任何网络请求。",
};

function fmt(x) {
  return Number.isFinite(x) ? x.toLocaleString("zh-CN", { maximumFractionDigits: 3 }) : "—";
}
