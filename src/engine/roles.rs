//! Recognising what a column means from its header, in Chinese or English.
//!
//! The synonym table is the documented contract for header aliases: add to
//! it rather than special-casing names elsewhere.

use super::dataset::Role;

/// Header synonyms per role, compared after [`normalize_header`].
pub const SYNONYMS: &[(Role, &[&str])] = &[
    (
        Role::EmployeeId,
        &[
            "工号",
            "员工工号",
            "员工编号",
            "员工id",
            "职工号",
            "人员编号",
            "编号",
            "employeeid",
            "empid",
            "employeenumber",
            "employeeno",
            "staffid",
            "staffno",
            "id",
            "userid",
            "用户id",
            "账号",
        ],
    ),
    (Role::Name, &["姓名", "员工姓名", "名字", "name", "employeename", "empname", "fullname", "staffname"]),
    (
        Role::Department,
        &["部门", "所属部门", "部门名称", "科室", "department", "dept", "deptname", "departmentname", "division"],
    ),
    (
        Role::ManagerId,
        &[
            "上级工号",
            "直属上级工号",
            "经理工号",
            "主管工号",
            "上级编号",
            "上级id",
            "managerid",
            "supervisorid",
            "reportsto",
            "managerempid",
            "managerno",
        ],
    ),
    (
        Role::Period,
        &[
            "月份",
            "期间",
            "考核月份",
            "统计月份",
            "年月",
            "考核期",
            "周期",
            "month",
            "period",
            "yearmonth",
            "reportmonth",
            "date",
            "日期",
        ],
    ),
    (
        Role::JobLevel,
        &["职级", "级别", "职等", "岗位级别", "joblevel", "level", "grade", "jobgrade", "paygrade", "rank"],
    ),
];

/// Lower-case, without spaces, underscores, hyphens, dots or brackets, and with
/// full-width ASCII folded, so `Employee_ID`, `employee id` and `ＥｍｐＩＤ` all match.
pub fn normalize_header(h: &str) -> String {
    h.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '(' | ')' | '（' | '）' | '\u{3000}' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The role a header names, if any.
pub fn role_of_header(header: &str) -> Option<Role> {
    let n = normalize_header(header);
    SYNONYMS.iter().find(|(_, names)| names.contains(&n.as_str())).map(|(r, _)| *r)
}

/// A looser reading of a header, for roles no column names exactly:
/// `Staff No.`, `员工编码`, `直属上级编号`, `所在部门`, `考核年月`. Used only
/// when no header matches a role's synonyms.
pub fn role_of_header_fuzzy(header: &str) -> Option<Role> {
    let n = normalize_header(header);
    if n.is_empty() {
        return None;
    }
    let has = |k: &str| n.contains(k);
    let id_suffix = ["id", "no", "number", "code", "号", "编号", "编码", "代码", "工号"];
    let idish = id_suffix.iter().any(|s| n.ends_with(s));
    let manager = ["manager", "supervisor", "leader", "上级", "主管", "经理", "领导"].iter().any(|k| has(k));
    if manager {
        return idish.then_some(Role::ManagerId);
    }
    let person = ["employee", "emp", "staff", "worker", "员工", "职工", "人员", "雇员"].iter().any(|k| has(k));
    if person && idish {
        return Some(Role::EmployeeId);
    }
    if has("姓名") || (person && n.ends_with("name")) {
        return Some(Role::Name);
    }
    if has("部门") || has("department") || n.starts_with("dept") {
        return Some(Role::Department);
    }
    if has("职级") || has("joblevel") || has("jobgrade") || has("paygrade") {
        return Some(Role::JobLevel);
    }
    if has("月份") || has("年月") || has("yearmonth") || has("period") {
        return Some(Role::Period);
    }
    None
}

/// Headers that suggest dates (`入职日期`, `HireDate`, `DOB`): integer
/// day numbers under them may be Excel serials.
pub fn is_date_header(header: &str) -> bool {
    let n = normalize_header(header);
    ["date", "日期", "时间", "dob", "birth", "出生", "入职", "离职", "hired", "doh"].iter().any(|k| n.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_headers() {
        assert_eq!(role_of_header("工号"), Some(Role::EmployeeId));
        assert_eq!(role_of_header("EmpID"), Some(Role::EmployeeId));
        assert_eq!(role_of_header("Employee_ID"), Some(Role::EmployeeId));
        assert_eq!(role_of_header(" 部门 "), Some(Role::Department));
        assert_eq!(role_of_header("Department"), Some(Role::Department));
        assert_eq!(role_of_header("ManagerID"), Some(Role::ManagerId));
        assert_eq!(role_of_header("上级工号"), Some(Role::ManagerId));
        assert_eq!(role_of_header("月份"), Some(Role::Period));
        assert_eq!(role_of_header("JobLevel"), Some(Role::JobLevel));
        assert_eq!(role_of_header("ＥｍｐＩＤ"), Some(Role::EmployeeId));
        assert_eq!(role_of_header("MonthlyIncome"), None);
    }

    #[test]
    fn fuzzy_headers() {
        assert_eq!(role_of_header_fuzzy("Staff No."), Some(Role::EmployeeId));
        assert_eq!(role_of_header_fuzzy("员工编码"), Some(Role::EmployeeId));
        assert_eq!(role_of_header_fuzzy("直属上级编号"), Some(Role::ManagerId));
        assert_eq!(role_of_header_fuzzy("ManagerName"), None);
        assert_eq!(role_of_header_fuzzy("所在部门"), Some(Role::Department));
        assert_eq!(role_of_header_fuzzy("考核年月"), Some(Role::Period));
        assert_eq!(role_of_header_fuzzy("EmployeeCount"), None);
        assert_eq!(role_of_header_fuzzy("EnvironmentSatisfaction"), None);
        assert_eq!(role_of_header_fuzzy("StockOptionLevel"), None);
        assert!(is_date_header("入职日期") && is_date_header("DateofHire") && !is_date_header("Salary"));
    }
}
