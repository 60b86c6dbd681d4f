//! Built-in scorecards and import templates.

use serde::Serialize;

use super::card::{Normalize, Scorecard};
use crate::engine::error::{Error, Result};
use crate::engine::sample;

/// `客服经理月度考核`: the monthly appraisal of customer-service managers over
/// 服务质量, 工作效率, 团队管理 and 客户反馈, on the sample's columns.
const CS_MANAGER_MONTHLY: &str = r#"{
  "name": "客服经理月度考核",
  "appliesTo": { "column": "职位族", "values": ["客服经理"] },
  "dimensions": [
    { "name": "服务质量", "weight": 40, "indicators": [
      { "column": "客户满意度", "weight": 50, "direction": "higher", "normalize": "minmax" },
      { "column": "投诉率", "weight": 30, "normalize": { "target": 0.02, "floor": 0.08 } },
      { "column": "质检得分", "weight": 20, "direction": "higher", "normalize": "zscore" } ] },
    { "name": "工作效率", "weight": 25, "indicators": [
      { "column": "工单解决量", "weight": 50, "direction": "higher", "normalize": "percentile" },
      { "column": "解决率", "weight": 50, "normalize": { "target": 0.95, "floor": 0.80 } } ] },
    { "name": "团队管理", "weight": 20, "indicators": [
      { "column": "团队流失率", "weight": 60, "normalize": { "target": 0.01, "floor": 0.08 } },
      { "column": "培训完成率", "weight": 40, "direction": "higher", "normalize": "minmax" } ] },
    { "name": "客户反馈", "weight": 15, "indicators": [
      { "column": "净推荐值", "weight": 70, "direction": "higher", "normalize": "zscore" },
      { "column": "上级评分", "weight": 30, "direction": "higher", "normalize": "minmax" } ] }
  ],
  "missing": "exclude",
  "bands": { "thresholds": [ { "label": "A", "min": 85 }, { "label": "B", "min": 70 },
                             { "label": "C", "min": 55 }, { "label": "D", "min": 0 } ] }
}"#;

/// A built-in scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// The name `score` accepts instead of a card, e.g. `cs-manager-monthly`.
    pub id: &'static str,
    pub card: Scorecard,
}

const BUILT_IN: &[(&str, &str)] = &[("cs-manager-monthly", CS_MANAGER_MONTHLY)];

/// Every built-in scorecard.
///
/// # Errors
/// Never in a release (the templates are tested); a `ParamError` otherwise.
pub fn templates() -> Result<Vec<Template>> {
    BUILT_IN.iter().map(|(id, json)| Ok(Template { id, card: Scorecard::from_json(json)? })).collect()
}

/// The built-in scorecard with this id.
///
/// # Errors
/// `ParamError` listing the ids when there is none by that name.
pub fn template(id: &str) -> Result<Scorecard> {
    match BUILT_IN.iter().find(|(i, _)| *i == id) {
        Some((_, json)) => Scorecard::from_json(json),
        None => {
            let ids = BUILT_IN.iter().map(|(i, _)| *i).collect::<Vec<_>>().join(", ");
            Err(Error::param(
                format!("no built-in scorecard named \"{id}\"; available: {ids}"),
                format!("没有名为“{id}”的内置考核表；可用：{ids}"),
            ))
        }
    }
}

/// (Chinese header, English alias, meaning) of a card column name.
fn names_of(col: &str) -> (String, Option<String>, Option<&'static str>) {
    if let Some((zh, en, meaning)) = sample::COLUMNS.iter().find(|(zh, en, _)| *zh == col || *en == col) {
        return ((*zh).to_owned(), Some((*en).to_owned()), Some(meaning));
    }
    (col.to_owned(), None, None)
}

/// A CSV import template for a card: one header row naming each column in
/// Chinese and English (`客户满意度 (csat)`, which scorecards resolve), the
/// id, name and period columns, the `appliesTo` column, then one notes line
/// (first cell `#说明 notes`) with each column's unit and direction. Delete
/// the notes line before importing.
pub fn template_csv(card: &Scorecard) -> String {
    let mut headers = vec!["工号".to_owned(), "姓名".to_owned(), "月份".to_owned()];
    let mut notes = vec![
        "#说明 notes: 员工工号 employee id".to_owned(),
        "员工姓名 employee name".to_owned(),
        "YYYY-MM 月份 month".to_owned(),
    ];
    let mut seen: Vec<String> = Vec::new();
    let mut push = |col: &str, note: String, headers: &mut Vec<String>, notes: &mut Vec<String>| {
        let (zh, en, _) = names_of(col);
        if seen.contains(&zh) {
            return;
        }
        seen.push(zh.clone());
        headers.push(match en {
            Some(en) if en != zh => format!("{zh} ({en})"),
            _ => zh,
        });
        notes.push(note);
    };
    if let Some(a) = &card.applies_to {
        let (_, _, meaning) = names_of(&a.column);
        let note = format!("{}: {}", meaning.unwrap_or("filter 适用范围"), a.values.join(" / "));
        push(&a.column, note, &mut headers, &mut notes);
    }
    for d in &card.dimensions {
        for ind in &d.indicators {
            let (_, _, meaning) = names_of(&ind.column);
            let how = match ind.normalize {
                Normalize::MinMax => "minmax".to_owned(),
                Normalize::ZScore => "zscore".to_owned(),
                Normalize::Percentile => "percentile".to_owned(),
                Normalize::Target { target, floor } => format!("target {target}, floor {floor}"),
            };
            let lower = match ind.normalize {
                Normalize::Target { target, floor } => target < floor,
                _ => ind.direction == Some(super::card::Direction::Lower),
            };
            let dir = if lower { "越低越好 lower is better" } else { "越高越好 higher is better" };
            let note = format!("{}; {dir}; {how}; {}", meaning.unwrap_or("number 数值"), d.name);
            push(&ind.column, note, &mut headers, &mut notes);
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&headers);
    let _ = w.write_record(&notes);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parses_and_csv_names_columns() {
        let c = template("cs-manager-monthly").unwrap();
        assert_eq!(c.dimensions.len(), 4);
        let csv = template_csv(&c);
        let first = csv.lines().next().unwrap();
        assert!(
            first.starts_with("工号,姓名,月份,职位族 (job_family),客户满意度 (csat),投诉率 (complaint_rate)"),
            "{first}"
        );
        assert!(csv.lines().nth(1).unwrap().contains("lower is better"));
        assert!(template("nope").unwrap_err().to_string().contains("cs-manager-monthly"));
        assert_eq!(templates().unwrap().len(), 1);
    }
}
