//! The built-in sample: a seeded, realistic HR panel (`Dataset.sample`).
//!
//! One row per employee per month of a customer-service group with a 4-level
//! org (company → region → department → team), HR-system usage, satisfaction
//! and the KPI indicators of the four appraisal dimensions 服务质量, 工作效率,
//! 团队管理, 客户反馈. The data is built to have stories worth finding:
//!
//! - **declining teams**: about one team in twelve loses performance over the
//!   last six months (CSAT, QA and resolution fall, complaints and attrition rise);
//! - **seasonality**: a Spring-Festival dip in February and a Double-11 ticket
//!   peak in November (slower first responses);
//! - **usage archetypes**: power users, frustrated frequent users (high logins,
//!   low satisfaction), regular, payroll-only light users, and managers who
//!   live in the appraisal module;
//! - **lenient and severe managers**: a few managers' ratings (上级评分) sit well
//!   above or below what their team's KPIs justify;
//! - **data quality**: about 1% missing CSAT, some missing satisfaction, a few
//!   data-entry outliers; `团队流失率` exists only for people who manage a team.
//!
//! Headers are Chinese; [`COLUMNS`] documents the English alias of each.

use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::Deserialize;

use super::budget;
use super::dataset::{Column, ColumnKind, Dataset, DateUnit, Interned, Role, Source};
use super::dates;
use super::error::{Error, Result};

/// (Chinese header, English alias, meaning) of every sample column, in order.
pub const COLUMNS: &[(&str, &str, &str)] = &[
    ("工号", "employee_id", "employee id, E00001…"),
    ("姓名", "name", "employee name"),
    ("月份", "month", "calendar month, YYYY-MM"),
    ("区域", "region", "region (华东, 华北, 华南, 西南, 华中)"),
    ("部门", "department", "department, unique across regions"),
    ("团队", "team", "team within the department"),
    ("上级工号", "manager_id", "the direct manager's employee id (empty for the CEO)"),
    ("上级姓名", "manager_name", "the direct manager's name"),
    ("职位族", "job_family", "管理层 / 客服经理 / 客服专员 / 技术支持"),
    ("职级", "job_level", "job level 1–8"),
    ("入职日期", "hire_date", "hire date"),
    ("月薪", "monthly_salary", "monthly salary, CNY"),
    ("登录次数", "logins", "HR-system logins in the month"),
    ("考勤模块", "attendance_uses", "uses of the attendance module"),
    ("薪酬模块", "payroll_uses", "uses of the payroll module"),
    ("培训模块", "training_uses", "uses of the training module"),
    ("绩效模块", "performance_uses", "uses of the appraisal module"),
    ("满意度", "satisfaction", "satisfaction with the HR system, 1–5"),
    ("客户满意度", "csat", "customer satisfaction, 0–100"),
    ("投诉率", "complaint_rate", "complaints per ticket (fraction)"),
    ("首次响应时长", "first_response_min", "median first response, minutes (lower is better)"),
    ("工单解决量", "tickets_resolved", "tickets resolved in the month"),
    ("解决率", "resolution_rate", "share of tickets resolved (fraction)"),
    ("质检得分", "qa_score", "quality-assurance score, 0–100"),
    ("团队流失率", "team_attrition", "monthly attrition of the team managed (fraction; managers only)"),
    ("培训完成率", "training_rate", "share of assigned training completed (fraction)"),
    ("净推荐值", "nps", "net promoter score of the employee's customers, −100…100"),
    ("上级评分", "manager_rating", "the manager's own rating, 1–5 in steps of 0.5"),
];

/// English alias → Chinese header of the sample columns.
pub fn header_for_alias(alias: &str) -> Option<&'static str> {
    COLUMNS.iter().find(|(_, en, _)| *en == alias).map(|(zh, _, _)| *zh)
}

/// Options of `Dataset.sample`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SampleOptions {
    pub employees: usize,
    pub months: usize,
    pub seed: u64,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions { employees: 2000, months: 24, seed: 42 }
    }
}

/// The most rows a sample may have (the largest employer's year, 2.1M × 12, fits).
pub const MAX_SAMPLE_ROWS: usize = 30_000_000;
/// The first month of every sample.
pub const FIRST_MONTH: (i32, u32) = (2023, 1);

impl SampleOptions {
    /// # Errors
    /// `ParamError` for zero employees or months, `LimitError` past [`MAX_SAMPLE_ROWS`].
    pub fn validate(&self) -> Result<()> {
        if self.employees == 0 || self.months == 0 {
            return Err(Error::param("employees and months must be at least 1", "员工数和月份数至少为 1"));
        }
        if self.months > 240 {
            return Err(Error::param(
                format!("months = {} is more than 240 (20 years)", self.months),
                format!("月份数 {} 超过 240（20 年）", self.months),
            ));
        }
        match self.employees.checked_mul(self.months) {
            // About 30 columns of 8 bytes (numbers, dates, category codes) per row.
            Some(r) if r <= MAX_SAMPLE_ROWS => budget::check(
                &format!("a sample of {} employees × {} months", self.employees, self.months),
                &format!("{} 名员工 × {} 个月的示例数据", self.employees, self.months),
                budget::bytes(r, 30 * 8),
            ),
            _ => Err(Error::limit(
                format!("{} employees × {} months is more than {MAX_SAMPLE_ROWS} rows", self.employees, self.months),
                format!("{} 名员工 × {} 个月超过 {MAX_SAMPLE_ROWS} 行上限", self.employees, self.months),
            )),
        }
    }
}

/// Uniform, normal and choice draws over one seeded PCG stream.
struct Draw(Pcg64Mcg);

impl Draw {
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }
    /// Standard normal by Box–Muller, with libm so native and wasm agree.
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// A Poisson-like count: a rounded, non-negative normal with variance ≈ mean.
    fn count(&mut self, mean: f64) -> f64 {
        let m = mean.max(0.0);
        (m + libm::sqrt(m) * self.normal()).round().max(0.0)
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "华", "玉", "萍", "红", "玲", "芬", "燕", "彬", "鹏", "辉", "晨", "宇", "欣", "怡", "涵", "浩", "然",
    "佳", "琪", "萱", "雨", "轩", "博", "文", "婷", "颖", "凯", "思", "嘉",
];
const REGIONS: &[&str] = &["华东", "华北", "华南", "西南", "华中"];
const DEPARTMENTS: &[&str] = &["客服一部", "客服二部", "技术支持部"];

#[derive(Clone, Copy, PartialEq)]
enum Family {
    Executive,
    Manager,
    Agent,
    Support,
}

impl Family {
    fn label(self) -> &'static str {
        match self {
            Family::Executive => "管理层",
            Family::Manager => "客服经理",
            Family::Agent => "客服专员",
            Family::Support => "技术支持",
        }
    }
}

struct Person {
    id: String,
    name: String,
    manager: Option<usize>,
    region: usize,
    dept: Option<usize>,
    team: Option<usize>,
    family: Family,
    level: f64,
    hire_days: f64,
    base_salary: f64,
    skill: f64,
    engagement: f64,
    /// Usage archetype 0..5 (see the module docs).
    usage: usize,
    /// A manager's rating bias (lenient > 0, severe < 0).
    rating_bias: f64,
}

/// Generate the sample.
///
/// # Errors
/// As [`SampleOptions::validate`].
///
/// # Example
/// ```
/// use hrlens::engine::sample::{sample, SampleOptions};
/// let ds = sample(&SampleOptions { employees: 50, months: 12, seed: 7 }).unwrap();
/// assert_eq!(ds.row_count(), 600);
/// assert!(ds == sample(&SampleOptions { employees: 50, months: 12, seed: 7 }).unwrap());
/// ```
pub fn sample(opts: &SampleOptions) -> Result<Dataset> {
    opts.validate()?;
    let mut rng = Draw(Pcg64Mcg::seed_from_u64(opts.seed));
    let people = build_org(opts.employees, &mut rng);
    let n_teams = people.iter().filter_map(|p| p.team).max().map_or(0, |t| t + 1);

    // Team-level stories: effects, declines, attrition baselines.
    let team_effect: Vec<f64> = (0..n_teams).map(|_| 0.35 * rng.normal()).collect();
    let mut declining = vec![false; n_teams];
    if n_teams > 0 {
        let n_decl = (n_teams / 12).max(1);
        for _ in 0..n_decl {
            let t = rng.below(n_teams);
            if let Some(d) = declining.get_mut(t) {
                *d = true;
            }
        }
    }
    let team_of_manager: Vec<Option<usize>> =
        people.iter().map(|p| if p.family == Family::Manager { p.team } else { None }).collect();

    let rows = opts.employees * opts.months;
    let mut months = Vec::with_capacity(rows);
    let mut c_num: Vec<Vec<f64>> = (0..17).map(|_| Vec::with_capacity(rows)).collect();
    let mut ids = Interned::with_capacity(rows);
    let mut names = Interned::with_capacity(rows);
    let mut regions = Interned::with_capacity(rows);
    let mut depts = Interned::with_capacity(rows);
    let mut teams = Interned::with_capacity(rows);
    let mut mgr_ids = Interned::with_capacity(rows);
    let mut mgr_names = Interned::with_capacity(rows);
    let mut families = Interned::with_capacity(rows);
    let mut levels = Vec::with_capacity(rows);
    let mut hires = Vec::with_capacity(rows);

    let first = FIRST_MONTH.0 * 12 + FIRST_MONTH.1 as i32 - 1;
    let last_t = opts.months as f64 - 1.0;
    for p in &people {
        let dept_name =
            p.dept.map(|d| format!("{}{}", REGIONS.get(p.region).unwrap_or(&""), DEPARTMENTS.get(d).unwrap_or(&"")));
        let team_name = match (&dept_name, p.team) {
            (Some(d), Some(t)) => Some(format!("{d}-{}组", t % 97 + 1)),
            _ => None,
        };
        let mgr = p.manager.and_then(|m| people.get(m));
        let team = p.team.or_else(|| team_of_manager.get(p.manager.unwrap_or(usize::MAX)).copied().flatten());
        let te = team.and_then(|t| team_effect.get(t)).copied().unwrap_or(0.0);
        let decl = team.and_then(|t| declining.get(t)).copied().unwrap_or(false);
        let mut salary = p.base_salary;
        for t in 0..opts.months {
            let mi = first + t as i32;
            let month_of_year = mi.rem_euclid(12) + 1;
            if t > 0 && month_of_year == 3 {
                salary = (salary * (1.03 + 0.02 * p.skill.clamp(-1.0, 2.0))).round();
            }
            // Seasonality: Spring Festival dip in February, Double-11 peak in November.
            let season = match month_of_year {
                2 => -0.35,
                11 => -0.25,
                12 => 0.1,
                _ => 0.0,
            };
            let volume = match month_of_year {
                11 => 1.45,
                12 => 1.15,
                2 => 0.7,
                _ => 1.0,
            };
            // Declines start six months before the end and deepen linearly.
            let drop = if decl { ((t as f64 - (last_t - 6.0)) / 6.0).clamp(0.0, 1.0) * 1.6 } else { 0.0 };
            let perf = p.skill + te + season - drop + 0.35 * rng.normal();

            months.push(dates::month_start(mi));
            ids.push(Some(&p.id));
            names.push(Some(&p.name));
            regions.push(REGIONS.get(p.region).copied());
            depts.push(dept_name.as_deref());
            teams.push(team_name.as_deref());
            mgr_ids.push(mgr.map(|m| m.id.as_str()));
            mgr_names.push(mgr.map(|m| m.name.as_str()));
            families.push(Some(p.family.label()));
            levels.push(p.level);
            hires.push(p.hire_days);

            let frontline = matches!(p.family, Family::Agent | Family::Support);
            let ticket_base = match p.family {
                Family::Agent => 320.0,
                Family::Support => 180.0,
                Family::Manager => 90.0,
                Family::Executive => 0.0,
            };
            // Usage archetypes: logins and module mix.
            let (login_mean, mix, sat_base): (f64, [f64; 4], f64) = match p.usage {
                0 => (22.0, [0.3, 0.2, 0.3, 0.2], 4.3),
                1 => (20.0, [0.5, 0.4, 0.05, 0.05], 2.1),
                2 => (10.0, [0.4, 0.3, 0.15, 0.15], 3.6),
                3 => (3.0, [0.1, 0.85, 0.0, 0.05], 3.2),
                _ => (16.0, [0.15, 0.1, 0.15, 0.6], 3.9),
            };
            let logins = rng.count(login_mean * (1.0 + 0.1 * p.engagement).max(0.2));
            let csat =
                if rng.chance(0.01) { f64::NAN } else { (85.0 + 4.0 * perf + 2.0 * rng.normal()).clamp(40.0, 100.0) };
            let complaint = (0.04 - 0.012 * perf + 0.006 * rng.normal()).clamp(0.0, 0.3);
            let mut response =
                (8.0 - 1.5 * perf + 1.2 * rng.normal() + if month_of_year == 11 { 3.0 } else { 0.0 }).max(0.5);
            let mut tickets = if ticket_base > 0.0 {
                (ticket_base * volume + 40.0 * perf + 25.0 * rng.normal()).round().max(0.0)
            } else {
                f64::NAN
            };
            if frontline && rng.chance(0.0008) {
                tickets *= 10.0; // an extra zero typed in
            }
            if frontline && rng.chance(0.0008) {
                response = 120.0 + 60.0 * rng.unit(); // a system outage logged against one person
            }
            let resolution = (0.88 + 0.04 * perf + 0.015 * rng.normal()).clamp(0.3, 1.0);
            let qa =
                if rng.chance(0.005) { f64::NAN } else { (85.0 + 5.0 * perf + 3.0 * rng.normal()).clamp(0.0, 100.0) };
            let attrition = if p.family == Family::Manager {
                (0.03 - 0.01 * perf + if decl { 0.04 * drop } else { 0.0 } + 0.01 * rng.normal()).clamp(0.0, 0.5)
            } else {
                f64::NAN
            };
            let training = (0.85 + 0.05 * p.engagement + 0.05 * rng.normal()).clamp(0.0, 1.0);
            let nps = (30.0 + 15.0 * perf + 8.0 * rng.normal()).clamp(-100.0, 100.0).round();
            let satisfaction = if rng.chance(0.02) {
                f64::NAN
            } else {
                (sat_base + 0.3 * p.engagement + 0.5 * rng.normal()).round().clamp(1.0, 5.0)
            };
            let bias = mgr.map_or(0.0, |m| m.rating_bias);
            let rating = ((3.2 + 0.6 * perf + bias + 0.3 * rng.normal()) * 2.0).round().clamp(2.0, 10.0) / 2.0;

            let values = [
                salary,
                logins,
                (logins * mix[0]).round(),
                (logins * mix[1]).round(),
                (logins * mix[2]).round(),
                (logins * mix[3]).round(),
                satisfaction,
                if frontline || p.family == Family::Manager { csat } else { f64::NAN },
                if frontline || p.family == Family::Manager { complaint } else { f64::NAN },
                if frontline { response } else { f64::NAN },
                tickets,
                if ticket_base > 0.0 { resolution } else { f64::NAN },
                if frontline || p.family == Family::Manager { qa } else { f64::NAN },
                attrition,
                training,
                if frontline || p.family == Family::Manager { nps } else { f64::NAN },
                rating,
            ];
            for (col, v) in c_num.iter_mut().zip(values) {
                col.push(v);
            }
        }
    }

    let num_names = [
        "月薪",
        "登录次数",
        "考勤模块",
        "薪酬模块",
        "培训模块",
        "绩效模块",
        "满意度",
        "客户满意度",
        "投诉率",
        "首次响应时长",
        "工单解决量",
        "解决率",
        "质检得分",
        "团队流失率",
        "培训完成率",
        "净推荐值",
        "上级评分",
    ];
    let mut columns = vec![
        Column::strings("工号", ids, ColumnKind::Text).with_role(Some(Role::EmployeeId)),
        Column::strings("姓名", names, ColumnKind::Text).with_role(Some(Role::Name)),
        Column::date("月份", months, DateUnit::Month).with_role(Some(Role::Period)),
        Column::strings("区域", regions, ColumnKind::Category),
        Column::strings("部门", depts, ColumnKind::Category).with_role(Some(Role::Department)),
        Column::strings("团队", teams, ColumnKind::Category),
        Column::strings("上级工号", mgr_ids, ColumnKind::Text).with_role(Some(Role::ManagerId)),
        Column::strings("上级姓名", mgr_names, ColumnKind::Text),
        Column::strings("职位族", families, ColumnKind::Category),
        Column::number("职级", levels).with_role(Some(Role::JobLevel)),
        Column::date("入职日期", hires, DateUnit::Day),
    ];
    for (name, values) in num_names.iter().zip(c_num) {
        let mut c = Column::number(*name, values);
        c.meta.percent = matches!(*name, "投诉率" | "解决率" | "团队流失率" | "培训完成率");
        columns.push(c);
    }
    let source = Source { format: "sample".into(), ..Source::default() };
    Dataset::new(columns, source)
}

/// Lay out the org: CEO → region heads → department heads → team managers → staff.
fn build_org(n: usize, rng: &mut Draw) -> Vec<Person> {
    let n_regions = (n / 300).clamp(1, REGIONS.len());
    let n_depts = if n >= 60 { DEPARTMENTS.len() } else { 1 };
    let id_width = if n > 99_999 { 7 } else { 5 };
    let mut people: Vec<Person> = Vec::with_capacity(n);
    let add = |people: &mut Vec<Person>, rng: &mut Draw, family, level: f64, manager, region, dept, team| {
        if people.len() >= n {
            return None;
        }
        let i = people.len();
        let surname = SURNAMES.get(rng.below(SURNAMES.len())).copied().unwrap_or("王");
        let g1 = GIVEN.get(rng.below(GIVEN.len())).copied().unwrap_or("伟");
        let name = if rng.chance(0.6) {
            format!("{surname}{g1}{}", GIVEN.get(rng.below(GIVEN.len())).copied().unwrap_or("明"))
        } else {
            format!("{surname}{g1}")
        };
        let skill = rng.normal() * 0.8 + if family == Family::Manager { 0.2 } else { 0.0 };
        let usage = if family == Family::Manager || family == Family::Executive {
            if rng.chance(0.7) {
                4
            } else {
                rng.below(3)
            }
        } else {
            let u = rng.unit();
            if u < 0.2 {
                0
            } else if u < 0.35 {
                1
            } else if u < 0.7 {
                2
            } else {
                3
            }
        };
        let rating_bias = if family == Family::Manager && rng.chance(0.12) {
            if rng.chance(0.6) {
                0.9
            } else {
                -0.8
            }
        } else {
            0.0
        };
        let hire = dates::days_from_civil(2010, 1, 1) as f64 + (rng.unit() * 4748.0).floor();
        people.push(Person {
            id: format!("E{:0width$}", i + 1, width = id_width),
            name,
            manager,
            region,
            dept,
            team,
            family,
            level,
            hire_days: hire,
            base_salary: (6000.0 * libm::pow(1.32, level - 1.0) * (1.0 + 0.08 * rng.normal())).round(),
            skill,
            engagement: rng.normal(),
            usage,
            rating_bias,
        });
        Some(i)
    };

    let Some(ceo) = add(&mut people, rng, Family::Executive, 8.0, None, 0, None, None) else { return people };
    let mut region_heads = Vec::new();
    for r in 0..n_regions {
        if let Some(i) = add(&mut people, rng, Family::Executive, 7.0, Some(ceo), r, None, None) {
            region_heads.push((r, i));
        }
    }
    let mut dept_heads = Vec::new();
    for &(r, head) in &region_heads {
        for d in 0..n_depts {
            if let Some(i) = add(&mut people, rng, Family::Executive, 6.0, Some(head), r, Some(d), None) {
                dept_heads.push((r, d, i));
            }
        }
    }
    // Teams of about twelve, dealt round the departments.
    let mut team = 0;
    while people.len() < n {
        let Some(&(r, d, head)) = dept_heads.get(team % dept_heads.len().max(1)) else {
            // Too few people for departments: everyone reports to the top.
            let top = region_heads.first().map_or(ceo, |x| x.1);
            add(&mut people, rng, Family::Agent, 2.0, Some(top), 0, None, None);
            continue;
        };
        let lvl = 4.0 + f64::from(u8::from(rng.chance(0.4)));
        let Some(mgr) = add(&mut people, rng, Family::Manager, lvl, Some(head), r, Some(d), Some(team)) else { break };
        let size = 9 + rng.below(7);
        for _ in 0..size {
            let family = if d == 2 { Family::Support } else { Family::Agent };
            let lvl = 1.0 + rng.below(3) as f64 + if family == Family::Support { 1.0 } else { 0.0 };
            if add(&mut people, rng, family, lvl, Some(mgr), r, Some(d), Some(team)).is_none() {
                break;
            }
        }
        team += 1;
    }
    people
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_determinism() {
        let o = SampleOptions { employees: 300, months: 24, seed: 1 };
        let a = sample(&o).unwrap();
        assert_eq!(a.row_count(), 7200);
        assert_eq!(a.columns().len(), COLUMNS.len());
        for (c, (zh, _, _)) in a.columns().iter().zip(COLUMNS) {
            assert_eq!(&c.name, zh);
        }
        assert!(a == sample(&o).unwrap(), "same seed, different data");
        let b = sample(&SampleOptions { seed: 2, ..o }).unwrap();
        assert_ne!(a.numbers("客户满意度").unwrap(), b.numbers("客户满意度").unwrap());
    }

    #[test]
    fn default_has_a_four_level_org_and_24_months() {
        let d = sample(&SampleOptions::default()).unwrap();
        assert_eq!(d.row_count(), 48_000);
        let months = d.require("月份").unwrap();
        assert_eq!(months.distinct(), 24);
        assert_eq!(months.display(0).as_deref(), Some("2023-01"));
        assert_eq!(d.require("区域").unwrap().distinct(), 5);
        assert_eq!(d.require("部门").unwrap().distinct(), 15);
        assert!(d.require("团队").unwrap().distinct() > 100);
        // Exactly one person (the CEO) has no manager, on every month.
        assert_eq!(d.require("上级工号").unwrap().missing(), 24);
        // Managers only have team attrition; CSAT has about 1% gaps.
        let attr = d.require("团队流失率").unwrap();
        assert!(attr.missing() > d.row_count() * 3 / 4);
        let csat = d.numbers("客户满意度").unwrap();
        assert!(csat.iter().all(|x| x.is_nan() || (40.0..=100.0).contains(x)));
    }

    #[test]
    fn declining_teams_decline() {
        // Mean CSAT of the worst team over the last 3 months is far below its first 12.
        let d = sample(&SampleOptions::default()).unwrap();
        let team = d.require("团队").unwrap().as_strings().unwrap();
        let csat = d.numbers("客户满意度").unwrap();
        let month = d.numbers("月份").unwrap();
        let last = month.iter().cloned().fold(f64::MIN, f64::max);
        let early_cut = dates::month_start(FIRST_MONTH.0 * 12 + 11);
        let late_cut = dates::month_start(dates::month_index(last).unwrap() - 2);
        let mut worst = 0.0f64;
        for code in 0..team.dict.len() as u32 {
            let (mut e, mut ne, mut l, mut nl) = (0.0, 0.0, 0.0, 0.0);
            for i in 0..d.row_count() {
                if team.codes[i] != code || csat[i].is_nan() {
                    continue;
                }
                if month[i] <= early_cut {
                    e += csat[i];
                    ne += 1.0;
                } else if month[i] >= late_cut {
                    l += csat[i];
                    nl += 1.0;
                }
            }
            worst = worst.max(e / ne - l / nl);
        }
        assert!(worst > 4.0, "largest CSAT drop was only {worst}");
    }

    #[test]
    fn tiny_and_invalid_sizes() {
        for n in 1..8 {
            let d = sample(&SampleOptions { employees: n, months: 2, seed: 3 }).unwrap();
            assert_eq!(d.row_count(), n * 2);
        }
        assert_eq!(
            sample(&SampleOptions { employees: 0, months: 2, seed: 3 }).unwrap_err().kind.js_name(),
            "ParamError"
        );
        let e = sample(&SampleOptions { employees: 10_000_000, months: 24, seed: 3 }).unwrap_err();
        assert_eq!(e.kind.js_name(), "LimitError");
        assert_eq!(header_for_alias("csat"), Some("客户满意度"));
    }
}

/// [`bench_panel`] with 12 months per employee.
///
/// # Errors
/// As [`bench_panel`].
pub fn bench_table(rows: usize, features: usize, kpis: usize, seed: u64) -> Result<Dataset> {
    bench_panel(rows, features, kpis, 12, seed)
}

/// A wide, HR-shaped table for benchmarks: `rows` rows of employee-months
/// (`months` months per employee, from 2023-01) with an id, one of 40
/// departments, a job level, the month, `features` numeric features drawn
/// around 8 seeded centres (so k-means has structure to find) and `kpis` KPI
/// indicators in 0..100 (one decimal).
///
/// The KPIs carry the shapes trends and alerts look for: each employee has
/// their own level, each department a slow drift, one department in eight
/// declines over the last four months, and every department dips in the
/// second month (Spring Festival). Rows are employee-major (employee 1's
/// months, then employee 2's, …).
///
/// # Errors
/// `ParamError` for zero rows or months, `LimitError` past [`MAX_SAMPLE_ROWS`]
/// or 64 features/KPIs or 240 months.
pub fn bench_panel(rows: usize, features: usize, kpis: usize, months: usize, seed: u64) -> Result<Dataset> {
    if rows == 0 || months == 0 {
        return Err(Error::param("rows and months must be at least 1", "行数与月份数至少为 1"));
    }
    if rows > MAX_SAMPLE_ROWS || features > 64 || kpis > 64 || months > 240 {
        return Err(Error::limit(
            format!("at most {MAX_SAMPLE_ROWS} rows, 64 features and KPIs, 240 months"),
            format!("最多 {MAX_SAMPLE_ROWS} 行、64 个特征和指标、240 个月"),
        ));
    }
    let mut rng = Draw(Pcg64Mcg::seed_from_u64(seed));
    let centres: Vec<Vec<f64>> = (0..8).map(|_| (0..features).map(|_| 10.0 * rng.normal()).collect()).collect();
    let depts: Vec<String> = (0..40).map(|i| format!("{}{}部", REGIONS.get(i % 5).unwrap_or(&""), i / 5 + 1)).collect();
    // Department × month effect on every KPI, in points.
    let dept_effect: Vec<Vec<f64>> = (0..depts.len())
        .map(|d| {
            let drift = 0.4 * rng.normal();
            let declining = d % 8 == 3;
            (0..months)
                .map(|m| {
                    let mut e = drift * m as f64 + 0.8 * rng.normal();
                    if m % 12 == 1 {
                        e -= 3.0;
                    }
                    if declining && m + 4 >= months {
                        e -= 2.5 * (m + 5 - months) as f64;
                    }
                    e
                })
                .collect()
        })
        .collect();
    let employees = rows.div_ceil(months);
    let id_width = employees.to_string().len().max(5);
    let emp_dept: Vec<usize> = (0..employees).map(|_| rng.below(depts.len())).collect();
    let emp_level: Vec<f64> = (0..employees).map(|_| 1.0 + rng.below(8) as f64).collect();
    let emp_centre: Vec<usize> = (0..employees).map(|_| rng.below(centres.len())).collect();
    let first = FIRST_MONTH.0 * 12 + FIRST_MONTH.1 as i32 - 1;

    let mut ids = Interned::with_capacity(rows);
    let mut dept = Interned::with_capacity(rows);
    let mut level = Vec::with_capacity(rows);
    let mut month = Vec::with_capacity(rows);
    let mut feats: Vec<Vec<f64>> = (0..features).map(|_| Vec::with_capacity(rows)).collect();
    let mut kpi: Vec<Vec<f64>> = (0..kpis).map(|_| Vec::with_capacity(rows)).collect();
    let mut own = vec![0.0; kpis];
    let mut id = String::new();
    for r in 0..rows {
        let (e, m) = (r / months, r % months);
        if m == 0 || r == 0 {
            id = format!("E{:0id_width$}", e + 1);
            for o in own.iter_mut() {
                *o = 70.0 + 8.0 * rng.normal();
            }
        }
        ids.push(Some(&id));
        let d = emp_dept.get(e).copied().unwrap_or(0);
        dept.push(depts.get(d).map(String::as_str));
        level.push(emp_level.get(e).copied().unwrap_or(1.0));
        month.push(dates::month_start(first + m as i32));
        let centre = emp_centre.get(e).and_then(|&c| centres.get(c));
        for (j, col) in feats.iter_mut().enumerate() {
            let c = centre.and_then(|c| c.get(j)).copied().unwrap_or(0.0);
            col.push(((c + 2.0 * rng.normal()) * 100.0).round() / 100.0);
        }
        let effect = dept_effect.get(d).and_then(|v| v.get(m)).copied().unwrap_or(0.0);
        for (col, &base) in kpi.iter_mut().zip(&own) {
            col.push(((base + effect + 6.0 * rng.normal()).clamp(0.0, 100.0) * 10.0).round() / 10.0);
        }
    }
    let mut columns = vec![
        Column::strings("工号", ids, ColumnKind::Text).with_role(Some(Role::EmployeeId)),
        Column::strings("部门", dept, ColumnKind::Category).with_role(Some(Role::Department)),
        Column::number("职级", level).with_role(Some(Role::JobLevel)),
        Column::date("月份", month, DateUnit::Month).with_role(Some(Role::Period)),
    ];
    for (j, v) in feats.into_iter().enumerate() {
        columns.push(Column::number(format!("f{:02}", j + 1), v));
    }
    for (j, v) in kpi.into_iter().enumerate() {
        columns.push(Column::number(format!("k{:02}", j + 1), v));
    }
    Dataset::new(columns, Source { format: "sample".into(), ..Source::default() })
}

#[cfg(test)]
mod bench_table_tests {
    use super::*;

    #[test]
    fn shape_and_determinism() {
        let a = bench_table(100, 16, 12, 1).unwrap();
        assert_eq!(a.row_count(), 100);
        assert_eq!(a.columns().len(), 4 + 16 + 12);
        assert!(a == bench_panel(100, 16, 12, 12, 1).unwrap());
        assert_eq!(a.require("月份").unwrap().distinct(), 12);
        assert_eq!(a.require("工号").unwrap().distinct(), 9);
        assert!(bench_table(0, 1, 1, 1).is_err());
        assert!(bench_panel(10, 1, 1, 0, 1).is_err());
        // One month: every row is another employee.
        let one = bench_panel(50, 0, 3, 1, 1).unwrap();
        assert_eq!(one.require("工号").unwrap().distinct(), 50);
        assert_eq!(one.require("月份").unwrap().distinct(), 1);
    }
}
