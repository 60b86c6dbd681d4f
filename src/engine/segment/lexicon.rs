//! Words for segments: what a feature *means* to an HR manager, recognised
//! from its header (Chinese or English), and the phrases that describe a
//! segment that is high or low on it.
//!
//! A header is matched by keywords ("登录", "login", "满意", "satisf", …) to a
//! [`Concept`]. Known concepts get natural phrases ("高频使用" / "frequent
//! users"); any other feature gets "高X" / "high X". English labels use the
//! sample's English alias for its Chinese headers (`登录次数` → "logins").

use crate::engine::error::Msg;
use crate::engine::sample::COLUMNS;

/// What a feature measures, as far as the words go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concept {
    /// Overall use of a system (logins, visits).
    Usage,
    /// Use of one module or feature.
    ModuleUse,
    Satisfaction,
    Pay,
    Performance,
    Tenure,
    HireDate,
    Age,
    Complaints,
    ResponseTime,
    Hours,
    Attrition,
    Training,
    Level,
    Workload,
    Quality,
}

/// Keywords per concept, checked in this order (the first match wins).
const KEYWORDS: &[(Concept, &[&str])] = &[
    (Concept::HireDate, &["入职", "hire", "join"]),
    (Concept::Attrition, &["流失", "离职", "attrition", "turnover", "left"]),
    (Concept::Complaints, &["投诉", "complain"]),
    (Concept::ResponseTime, &["响应", "response", "时长", "latency", "wait"]),
    (Concept::Satisfaction, &["满意", "satisf", "csat", "engagement", "敬业", "nps", "推荐"]),
    (Concept::ModuleUse, &["模块", "功能", "module", "feature", "uses"]),
    (Concept::Usage, &["登录", "使用", "访问", "login", "usage", "visit", "session", "frequency", "active"]),
    (Concept::Pay, &["薪", "工资", "收入", "salary", "income", "pay", "wage", "compensation"]),
    (
        Concept::Performance,
        &["绩效", "评分", "考核", "评估", "performance", "rating", "evaluation", "appraisal", "kpi"],
    ),
    (Concept::Tenure, &["司龄", "工龄", "年限", "tenure", "years", "time_spend", "seniority", "experience"]),
    (Concept::Hours, &["工时", "加班", "hours", "overtime"]),
    (Concept::Training, &["培训", "学习", "training", "course", "learning"]),
    (Concept::Level, &["职级", "级别", "层级", "level", "grade", "band"]),
    (Concept::Workload, &["项目", "工单", "解决量", "project", "ticket", "workload", "volume"]),
    (Concept::Quality, &["质检", "质量", "解决率", "quality", "resolution", "qa"]),
    (Concept::Age, &["年龄", "age"]),
];

/// Lower-case words of a header: split at non-alphanumerics and camelCase.
fn tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if !ch.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
        cur.extend(ch.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a keyword occurs: Chinese and `a_b` keywords as substrings,
/// English words as the start of a word ("satisf" in "JobSatisfaction", but
/// "age" not in "average").
fn has(name: &str, words: &[String], kw: &str) -> bool {
    if !kw.is_ascii() || kw.contains('_') {
        name.to_lowercase().contains(kw)
    } else {
        words.iter().any(|w| w.starts_with(kw))
    }
}

/// The concept a header names, if any.
pub fn concept_of(name: &str) -> Option<Concept> {
    let english = english_name(name);
    let words: Vec<String> = tokens(name).into_iter().chain(tokens(&english)).collect();
    KEYWORDS
        .iter()
        .find(|(_, kws)| kws.iter().any(|kw| has(name, &words, kw) || has(&english, &words, kw)))
        .map(|(c, _)| *c)
}

/// The English form of a header: the sample's alias for its Chinese
/// headers (underscores as spaces), else the header itself.
pub fn english_name(name: &str) -> String {
    COLUMNS
        .iter()
        .find(|(zh, _, _)| *zh == name)
        .map_or_else(|| name.replace('_', " "), |(_, en, _)| en.replace('_', " "))
}

fn cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A short label fragment for a segment high (or low) on a feature.
pub fn trait_phrase(name: &str, high: bool) -> Msg {
    let en = english_name(name);
    let (zh, e) = match (concept_of(name), high) {
        (Some(Concept::Usage), true) => ("高频使用".to_owned(), "frequent users".to_owned()),
        (Some(Concept::Usage), false) => ("低频使用".to_owned(), "infrequent users".to_owned()),
        (Some(Concept::ModuleUse), h) => {
            let en = en.strip_suffix("uses").map_or_else(|| en.clone(), |s| format!("{s}use"));
            (
                format!("{}{name}", if h { "常用" } else { "少用" }),
                format!("{} {en}", if h { "heavy" } else { "light" }),
            )
        }
        (Some(Concept::Satisfaction), true) => (format!("高{}", short(name, "满意度")), format!("high {en}")),
        (Some(Concept::Satisfaction), false) => (format!("低{}", short(name, "满意度")), format!("low {en}")),
        (Some(Concept::Pay), true) => ("高薪".to_owned(), "high pay".to_owned()),
        (Some(Concept::Pay), false) => ("低薪".to_owned(), "low pay".to_owned()),
        (Some(Concept::Performance), true) => ("高绩效".to_owned(), format!("high {en}")),
        (Some(Concept::Performance), false) => ("低绩效".to_owned(), format!("low {en}")),
        (Some(Concept::Tenure), true) => ("资深".to_owned(), "long tenure".to_owned()),
        (Some(Concept::Tenure), false) => ("资历浅".to_owned(), "short tenure".to_owned()),
        (Some(Concept::HireDate), true) => ("新入职".to_owned(), "recent joiners".to_owned()),
        (Some(Concept::HireDate), false) => ("老员工".to_owned(), "long-serving".to_owned()),
        (Some(Concept::Age), true) => ("年龄偏大".to_owned(), "older".to_owned()),
        (Some(Concept::Age), false) => ("年轻".to_owned(), "younger".to_owned()),
        (Some(Concept::Complaints), true) => ("投诉多".to_owned(), "many complaints".to_owned()),
        (Some(Concept::Complaints), false) => ("投诉少".to_owned(), "few complaints".to_owned()),
        (Some(Concept::ResponseTime), true) => ("响应慢".to_owned(), "slow response".to_owned()),
        (Some(Concept::ResponseTime), false) => ("响应快".to_owned(), "fast response".to_owned()),
        (Some(Concept::Hours), true) => ("长工时".to_owned(), "long hours".to_owned()),
        (Some(Concept::Hours), false) => ("工时短".to_owned(), "short hours".to_owned()),
        (Some(Concept::Attrition), true) => ("高流失".to_owned(), "high attrition".to_owned()),
        (Some(Concept::Attrition), false) => ("低流失".to_owned(), "low attrition".to_owned()),
        (Some(Concept::Training), true) => ("积极培训".to_owned(), "keen on training".to_owned()),
        (Some(Concept::Training), false) => ("少培训".to_owned(), "little training".to_owned()),
        (Some(Concept::Level), true) => ("高职级".to_owned(), "senior grades".to_owned()),
        (Some(Concept::Level), false) => ("低职级".to_owned(), "junior grades".to_owned()),
        (Some(Concept::Workload), true) => (format!("高{}", short(name, "工作量")), format!("high {en}")),
        (Some(Concept::Workload), false) => (format!("低{}", short(name, "工作量")), format!("low {en}")),
        (Some(Concept::Quality), true) => (format!("高{}", short(name, "质量")), format!("high {en}")),
        (Some(Concept::Quality), false) => (format!("低{}", short(name, "质量")), format!("low {en}")),
        (None, h) => {
            let sep = if cjk(name) { "" } else { " " };
            (format!("{}{sep}{name}", if h { "高" } else { "低" }), format!("{} {en}", if h { "high" } else { "low" }))
        }
    };
    Msg::new(e, zh)
}

/// A Chinese header shortened for a phrase ("HR系统满意度" stays, an English
/// header becomes `fallback`).
fn short(name: &str, fallback: &str) -> String {
    if cjk(name) {
        name.to_owned()
    } else {
        fallback.to_owned()
    }
}

/// A label fragment for a segment dominated by one category level.
pub fn category_phrase(level: &str) -> Msg {
    Msg::new(format!("mostly {level}"), format!("以{level}为主"))
}

/// Join fragments into a label: "A·B" / "A, B".
pub fn join(parts: &[Msg]) -> Msg {
    let en: Vec<&str> = parts.iter().map(|m| m.en.as_str()).collect();
    let zh: Vec<&str> = parts.iter().map(|m| m.zh.as_str()).collect();
    Msg::new(en.join(", "), zh.join("·"))
}

/// The label of a segment with no marked trait.
pub fn typical() -> Msg {
    Msg::new("typical profile", "整体均衡")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_map_to_concepts() {
        assert_eq!(concept_of("登录次数"), Some(Concept::Usage));
        assert_eq!(concept_of("满意度"), Some(Concept::Satisfaction));
        assert_eq!(concept_of("satisfaction_level"), Some(Concept::Satisfaction));
        assert_eq!(concept_of("MonthlyIncome"), Some(Concept::Pay));
        assert_eq!(concept_of("average_montly_hours"), Some(Concept::Hours));
        assert_eq!(concept_of("time_spend_company"), Some(Concept::Tenure));
        assert_eq!(concept_of("入职日期"), Some(Concept::HireDate));
        assert_eq!(concept_of("首次响应时长"), Some(Concept::ResponseTime));
        assert_eq!(concept_of("xyz"), None);
        assert_eq!(concept_of("Age"), Some(Concept::Age));
        assert_eq!(concept_of("JobSatisfaction"), Some(Concept::Satisfaction));
        assert_eq!(concept_of("payroll_uses"), Some(Concept::ModuleUse));
        assert_eq!(concept_of("薪酬模块"), Some(Concept::ModuleUse));
        assert_eq!(trait_phrase("薪酬模块", true), Msg::new("heavy payroll use", "常用薪酬模块"));
        assert_eq!(concept_of("JobLevel"), Some(Concept::Level));
        assert_eq!(concept_of("left"), Some(Concept::Attrition));
        assert_eq!(english_name("考勤模块"), "attendance uses");
    }

    #[test]
    fn labels_read_like_the_seed() {
        let l = join(&[trait_phrase("登录次数", true), trait_phrase("满意度", false)]);
        assert_eq!(l.zh, "高频使用·低满意度");
        assert_eq!(l.en, "frequent users, low satisfaction");
        assert_eq!(trait_phrase("score", true).zh, "高 score");
        assert_eq!(trait_phrase("奖金", false).zh, "低奖金");
        assert_eq!(category_phrase("技术支持").zh, "以技术支持为主");
    }
}
