//! The differentiated strategy table (seed 000's): per segment or tier,
//! 主要需求 (main needs) / 服务策略 (service strategy) / 预期效果 (expected
//! effect), pre-filled with suggestions the page lets the user edit and export.
//!
//! Suggestions come from the group's strongest traits (`|z| ≥ 0.5`, see
//! `profile`), read through the lexicon's concepts: a few combinations that
//! HR teams name (frequent but dissatisfied users, high performers who are
//! unhappy, disengaged non-users) have their own wording; otherwise each of
//! the top two traits contributes a phrase, and a group's name that says
//! 管理 / 技术 / 基层 (a tier) adds the matching role's needs. A group with no
//! marked trait gets a "keep the standard service" row.

use serde::{Deserialize, Serialize};

use super::groups::Groups;
use super::lexicon::{concept_of, english_name, Concept};
use super::profile::{group_stats, Trait};
use crate::engine::dataset::Dataset;
use crate::engine::error::{Error, Msg, Result};

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StrategyRow {
    pub group: String,
    pub size: usize,
    pub share: f64,
    /// 主要需求.
    pub need: Msg,
    /// 服务策略.
    pub strategy: Msg,
    /// 预期效果.
    pub effect: Msg,
    /// The traits the suggestion rests on ("登录次数 z = +1.4").
    pub basis: Vec<String>,
}

type Phrase = (&'static str, &'static str);

/// (need, strategy, effect), each (en, zh).
type Advice = (Phrase, Phrase, Phrase);

fn combo(a: (Concept, bool), b: (Concept, bool)) -> Option<Advice> {
    use Concept::*;
    let has = |c: Concept, h: bool| a == (c, h) || b == (c, h);
    if (has(Usage, true) || has(ModuleUse, true)) && has(Satisfaction, false) {
        return Some((
            (
                "use the system a lot but are unhappy with it: need quicker workflows and fast answers",
                "高频使用但体验不佳：需要更顺畅的操作和及时的问题响应",
            ),
            (
                "a dedicated support channel; collect their pain points and fix the most used features first",
                "开设专属支持通道；收集痛点，优先优化高频功能",
            ),
            ("higher satisfaction, fewer complaints and tickets", "满意度回升，投诉与工单减少"),
        ));
    }
    if (has(Usage, false) || has(ModuleUse, false)) && has(Satisfaction, false) {
        return Some((
            ("rarely use the system and are unhappy: may see no value in it", "很少使用且不满意：可能认为系统没有价值"),
            ("interview a few to find the blockers; simplify the core tasks; show the features that matter for their work", "访谈了解障碍；简化核心流程；推送与其工作相关的功能"),
            ("usage and satisfaction rise together", "使用率与满意度同步提升"),
        ));
    }
    if has(Performance, true) && (has(Satisfaction, false) || has(Attrition, true)) {
        return Some((
            ("strong performers at risk of leaving", "高绩效但存在流失风险"),
            (
                "career conversations, recognition and incentives; handle their requests first",
                "开展职业发展对话，加强认可与激励，优先响应诉求",
            ),
            ("key talent retained", "关键人才得以保留"),
        ));
    }
    if has(Hours, true) && has(Satisfaction, false) {
        return Some((
            ("long hours and low satisfaction: signs of overload", "工时长且满意度低：存在过劳迹象"),
            (
                "review workload and staffing; protect rest time; check in with their managers",
                "评估工作量与排班；保障休息；与其上级沟通",
            ),
            ("lower burnout and attrition risk", "降低倦怠与流失风险"),
        ));
    }
    None
}

fn single(c: Option<Concept>, high: bool, name: &str) -> (Msg, Msg, Msg) {
    use Concept::*;
    let en = english_name(name);
    let p = |a: Phrase, b: Phrase, c: Phrase| (Msg::new(a.0, a.1), Msg::new(b.0, b.1), Msg::new(c.0, c.1));
    match (c, high) {
        (Some(Usage | ModuleUse), true) => p(
            ("rely on the system every day", "日常工作高度依赖系统"),
            (
                "shortcuts and advanced training; invite them to try new features first",
                "提供快捷操作和进阶培训；邀请其优先试用新功能",
            ),
            ("even more efficient; internal champions", "效率进一步提升，成为内部推广者"),
        ),
        (Some(Usage | ModuleUse), false) => p(
            ("unfamiliar with the system or see little reason to use it", "不熟悉系统或缺少使用动力"),
            ("onboarding, task-based tutorials and timely reminders", "入门引导、场景化教程和适时提醒"),
            ("more active use and more self-service", "活跃度和自助办理比例提升"),
        ),
        (Some(Satisfaction), true) => p(
            ("satisfied; expect the service to stay as it is", "体验良好，期望服务保持稳定"),
            ("keep service levels; gather testimonials and referrals", "保持服务水平；收集好评与推荐"),
            ("satisfaction sustained; good word of mouth", "满意度保持，形成口碑"),
        ),
        (Some(Satisfaction), false) => p(
            ("dissatisfied with the current service or experience", "对现有服务或体验不满意"),
            ("follow up one-to-one, agree an improvement plan and track it", "一对一回访了解原因，制定并跟踪改进计划"),
            ("satisfaction recovers; lower attrition risk", "满意度回升，流失风险降低"),
        ),
        (Some(Pay), true) => p(
            ("senior or well-paid staff expect a premium service", "薪酬较高，期望更专业的服务"),
            ("a named HR contact; fast answers on pay and benefits", "配备专属 HR 对接人；薪酬福利问题快速响应"),
            ("higher satisfaction among key staff", "关键员工满意度提升"),
        ),
        (Some(Pay), false) => p(
            ("pay is a likely concern", "薪酬可能是主要关注点"),
            (
                "clear pay and benefits information; a review of pay fairness",
                "清晰透明地说明薪酬福利；开展薪酬公平性评估",
            ),
            ("fewer pay queries; lower attrition risk", "薪酬咨询减少，流失风险降低"),
        ),
        (Some(Performance), true) => p(
            ("strong performers who want growth", "绩效优秀，追求成长"),
            ("development plans, stretch assignments and recognition", "制定发展计划，安排挑战性任务，及时认可"),
            ("talent retained and developed", "人才得以保留和发展"),
        ),
        (Some(Performance), false) => p(
            ("performance below the rest: may need support", "绩效低于整体：可能需要支持"),
            ("coaching, clear goals and regular feedback", "辅导带教，明确目标，定期反馈"),
            ("performance improves", "绩效提升"),
        ),
        (Some(Tenure), true) | (Some(HireDate), false) => p(
            ("experienced staff who know the processes", "资深员工，熟悉流程"),
            ("involve them as mentors and in process improvement", "邀请其担任导师并参与流程改进"),
            ("knowledge shared; engagement kept", "经验得以传承，保持投入度"),
        ),
        (Some(Tenure), false) | (Some(HireDate), true) => p(
            ("new joiners who need to find their way", "新员工，需要尽快上手"),
            ("onboarding guides, a buddy and early check-ins", "入职指引、伙伴制度和早期跟进"),
            ("faster ramp-up; fewer early leavers", "更快上手，早期离职减少"),
        ),
        (Some(Complaints), true) | (Some(ResponseTime), true) | (Some(Quality), false) => p(
            ("service quality problems", "服务质量存在问题"),
            ("root-cause review, quality coaching and closer follow-up", "分析根因，开展质量辅导，加强跟进"),
            ("fewer complaints; better quality scores", "投诉减少，质量得分提升"),
        ),
        (Some(Complaints), false) | (Some(ResponseTime), false) | (Some(Quality), true) => p(
            ("reliable service quality", "服务质量稳定可靠"),
            ("share their practices with other teams", "在团队间推广其做法"),
            ("better quality across teams", "整体服务质量提升"),
        ),
        (Some(Hours), true) | (Some(Workload), true) => p(
            ("heavy workload", "工作负荷较重"),
            ("review workload and staffing; tools that save time", "评估工作量与人员配置；提供省时工具"),
            ("sustainable workload; lower burnout risk", "负荷可持续，倦怠风险降低"),
        ),
        (Some(Hours), false) | (Some(Workload), false) => p(
            ("spare capacity", "仍有余力"),
            ("more responsibility or cross-training", "增加职责或开展交叉培训"),
            ("better use of capacity", "人力得到更好利用"),
        ),
        (Some(Attrition), true) => p(
            ("teams losing people", "团队人员流失较多"),
            ("stay interviews; review management practices and workload", "开展留任访谈；审视管理方式与工作负荷"),
            ("lower attrition", "流失率下降"),
        ),
        (Some(Attrition), false) => p(
            ("stable teams", "团队稳定"),
            ("keep what works; recognise the managers", "保持有效做法；认可团队管理者"),
            ("stability kept", "保持稳定"),
        ),
        (Some(Training), true) => p(
            ("keen to learn", "学习意愿强"),
            ("advanced courses and certification paths", "提供进阶课程和认证路径"),
            ("skills grow; engagement kept", "能力提升，保持投入度"),
        ),
        (Some(Training), false) => p(
            ("little training so far", "参与培训较少"),
            ("short, relevant courses at convenient times", "安排简短、相关且时间灵活的课程"),
            ("training completion rises", "培训完成率提升"),
        ),
        (Some(Level), true) | (Some(Age), true) => p(
            ("senior staff with little time", "职级较高，时间有限"),
            ("concise reports, mobile approvals and a named contact", "提供简明报表、移动审批和专属对接人"),
            ("faster decisions and approvals", "决策与审批更快"),
        ),
        (Some(Level), false) | (Some(Age), false) => p(
            ("junior staff who need simple self-service", "职级较低，需要简单易用的自助服务"),
            ("simple mobile self-service and clear guides", "简单的移动自助服务和清晰指引"),
            ("more self-service; fewer basic questions", "自助办理增加，基础咨询减少"),
        ),
        (None, h) => {
            let dir = if h { ("high", "偏高") } else { ("low", "偏低") };
            (
                Msg::new(
                    format!("{en} is {} compared with everyone", dir.0),
                    format!("“{name}”{}于整体", if h { "高" } else { "低" }),
                ),
                Msg::new(
                    format!("look into why {en} is {} and plan accordingly", dir.0),
                    format!("分析“{name}”{}的原因并制定针对性措施", dir.1),
                ),
                Msg::new(
                    format!("{en} back in a healthy range, or the strength put to use"),
                    format!("“{name}”回到合理区间或优势得到发挥"),
                ),
            )
        }
    }
}

/// Needs of a tier named after a role (管理 / 技术 / 基层).
fn role(name: &str) -> Option<(Msg, Msg, Msg)> {
    let p = |a: Phrase, b: Phrase, c: Phrase| Some((Msg::new(a.0, a.1), Msg::new(b.0, b.1), Msg::new(c.0, c.1)));
    let lower = name.to_lowercase();
    if name.contains("管理") || lower.contains("manage") {
        p(
            ("data for decisions and fast approvals", "决策所需的数据与高效审批"),
            ("management dashboards, mobile approvals, a named account manager", "管理驾驶舱、移动审批、专属客户经理"),
            ("faster decisions; shorter approval cycles", "决策更快，审批周期缩短"),
        )
    } else if name.contains("技术") || lower.contains("tech") {
        p(
            ("integration, self-service and quick fixes", "系统集成、自助服务与快速排障"),
            ("open interfaces, advanced settings and a technical contact", "开放接口、高级设置和技术对接人"),
            ("fewer tickets; smoother integration", "工单减少，集成更顺畅"),
        )
    } else if name.contains("基层") || name.contains("一线") || lower.contains("frontline") {
        p(
            ("simple, mobile access to attendance and pay", "便捷的移动端考勤与薪资查询"),
            ("a simple mobile app, FAQs and reminders", "简洁的移动应用、常见问题和提醒"),
            ("more self-service; fewer basic questions", "自助办理增加，基础咨询减少"),
        )
    } else {
        None
    }
}

fn join(parts: &[Msg]) -> Msg {
    Msg::new(
        parts.iter().map(|m| m.en.as_str()).collect::<Vec<_>>().join("; "),
        parts.iter().map(|m| m.zh.as_str()).collect::<Vec<_>>().join("；"),
    )
}

fn advise(name: &str, traits: &[Trait]) -> (Msg, Msg, Msg, Vec<String>) {
    let top: Vec<&Trait> = traits.iter().filter(|t| t.z.is_finite() && t.z.abs() >= 0.5).take(2).collect();
    let basis = top.iter().map(|t| format!("{} z = {:+.2}", t.feature, t.z)).collect();
    let key = |t: &Trait| concept_of(&t.feature).map(|c| (c, t.z > 0.0));
    let mut needs = Vec::new();
    let mut strategies = Vec::new();
    let mut effects = Vec::new();
    if let Some((n, s, e)) = role(name) {
        needs.push(n);
        strategies.push(s);
        effects.push(e);
    }
    let paired = match (top.first().and_then(|t| key(t)), top.get(1).and_then(|t| key(t))) {
        (Some(a), Some(b)) => combo(a, b),
        _ => None,
    };
    if let Some((n, s, e)) = paired {
        needs.push(Msg::new(n.0, n.1));
        strategies.push(Msg::new(s.0, s.1));
        effects.push(Msg::new(e.0, e.1));
    } else {
        for t in &top {
            let (n, s, e) = single(concept_of(&t.feature), t.z > 0.0, &t.feature);
            if !needs.contains(&n) {
                needs.push(n);
                strategies.push(s);
                effects.push(e);
            }
        }
    }
    if needs.is_empty() {
        needs.push(Msg::new("close to the average on every trait", "各项特征接近整体平均"));
        strategies.push(Msg::new("keep the standard service; watch for changes", "保持标准服务，关注变化"));
        effects.push(Msg::new("steady satisfaction", "满意度保持稳定"));
    }
    (join(&needs), join(&strategies), join(&effects), basis)
}

/// The strategy table for `groups`, with traits from `features`.
///
/// # Errors
/// `ParamError` for an unknown or text feature, or no groups.
pub fn strategy(ds: &Dataset, groups: &Groups, features: &[String]) -> Result<Vec<StrategyRow>> {
    if groups.is_empty() {
        return Err(Error::param("strategy: there are no groups", "策略表：没有任何群体"));
    }
    let stats = group_stats(ds, &groups.labels, groups.len(), features)?;
    Ok(stats
        .into_iter()
        .zip(&groups.names)
        .map(|(g, name)| {
            let (need, strategy, effect, basis) = advise(name, &g.traits);
            StrategyRow { group: name.clone(), size: g.size, share: g.share, need, strategy, effect, basis }
        })
        .collect())
}

/// A row as the user edited it (one language), for export.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditedRow {
    pub group: String,
    #[serde(default)]
    pub size: Option<f64>,
    #[serde(default)]
    pub share: Option<f64>,
    pub need: String,
    pub strategy: String,
    pub effect: String,
}

/// The table as CSV (UTF-8 with a BOM, so Excel opens Chinese correctly),
/// headers in Chinese (`zh`) or English.
///
/// # Errors
/// Never in practice (writing to memory); kept for the CSV writer's signature.
pub fn csv(rows: &[EditedRow], zh: bool) -> Result<Vec<u8>> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let header: [&str; 6] = if zh {
            ["群体", "人数", "占比", "主要需求", "服务策略", "预期效果"]
        } else {
            ["Group", "Size", "Share", "Main needs", "Service strategy", "Expected effect"]
        };
        let fail = |e: csv::Error| Error::format(format!("CSV export failed: {e}"), format!("CSV 导出失败：{e}"));
        w.write_record(header).map_err(fail)?;
        for r in rows {
            let size = r.size.map(crate::engine::dataset::format_number).unwrap_or_default();
            let share = r.share.map(|s| format!("{:.1}%", s * 100.0)).unwrap_or_default();
            w.write_record([r.group.as_str(), &size, &share, &r.need, &r.strategy, &r.effect]).map_err(fail)?;
        }
        w.flush().map_err(|e| Error::format(format!("CSV export failed: {e}"), format!("CSV 导出失败：{e}")))?;
    }
    Ok(out)
}
