//! Calendar arithmetic on plain numbers.
//!
//! Dates are stored as days since 1970-01-01 (`f64`, NaN = missing) so that
//! date columns are contiguous floats like every other number. Months are
//! indexed as `year * 12 + (month - 1)`, which makes "the previous month" and
//! "the same month last year" simple subtraction.

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let d = i64::from(day);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number from [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    // The ranges are bounded by the algorithm: m in 1..=12, d in 1..=31.
    (y as i32, m as u32, d as u32)
}

/// Whether (year, month, day) is a real calendar date.
pub fn is_valid(year: i32, month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Month index (`year * 12 + month - 1`) of a day number; `None` for NaN/inf.
pub fn month_index(days: f64) -> Option<i32> {
    if !days.is_finite() {
        return None;
    }
    let (y, m, _) = civil_from_days(days.floor() as i64);
    Some(y * 12 + m as i32 - 1)
}

/// The day number of the first day of a month index.
pub fn month_start(index: i32) -> f64 {
    let y = index.div_euclid(12);
    let m = index.rem_euclid(12) as u32 + 1;
    days_from_civil(y, m, 1) as f64
}

/// `YYYY-MM` for a month index.
pub fn format_month(index: i32) -> String {
    format!("{:04}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

/// `YYYY-MM-DD` for a day number.
pub fn format_day(days: f64) -> String {
    let (y, m, d) = civil_from_days(days.floor() as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parse `YYYY-MM` (as used by `period` options) into a month index.
pub fn parse_month(s: &str) -> Option<i32> {
    let s = s.trim();
    let (y, m) = s.split_once('-')?;
    let y: i32 = y.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    if !(1..=12).contains(&m) || !(1000..=9999).contains(&y) {
        return None;
    }
    Some(y * 12 + m as i32 - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_across_eras_and_leap_days() {
        for &(y, m, d) in &[(1970, 1, 1), (2000, 2, 29), (1900, 3, 1), (2024, 12, 31), (1600, 2, 29), (-1, 3, 1)] {
            let n = days_from_civil(y, m, d);
            assert_eq!(civil_from_days(n), (y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn month_index_and_format() {
        let d = days_from_civil(2024, 3, 15) as f64;
        let i = month_index(d).unwrap();
        assert_eq!(format_month(i), "2024-03");
        assert_eq!(parse_month("2024-03"), Some(i));
        assert_eq!(month_start(i), days_from_civil(2024, 3, 1) as f64);
        assert_eq!(format_day(d), "2024-03-15");
        assert_eq!(month_index(f64::NAN), None);
        assert_eq!(parse_month("2024-13"), None);
    }

    #[test]
    fn validity() {
        assert!(is_valid(2024, 2, 29));
        assert!(!is_valid(2023, 2, 29));
        assert!(!is_valid(2023, 13, 1));
        assert!(!is_valid(2023, 4, 31));
    }
}
