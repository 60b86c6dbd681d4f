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
}
