//! hrlens on the command line: the same engine as the browser, for batch and
//! offline use.
//!
//! ```text
//! hrlens info FILE            columns, kinds, roles, warnings of a CSV
//! hrlens sample [EMPLOYEES] [MONTHS] [SEED]   write the sample panel as CSV to stdout
//! hrlens bench-data ROWS FEATURES KPIS SEED [MONTHS]   write a benchmark table as CSV to stdout
//! ```

use std::io::Write;
use std::process::ExitCode;

use hrlens::engine::ingest::{load, LoadOptions};
use hrlens::engine::sample::{bench_panel, sample, SampleOptions};
use hrlens::engine::{Dataset, Error};

const USAGE: &str = "usage:
  hrlens info FILE                              describe a file: columns, kinds, roles, warnings
  hrlens sample [EMPLOYEES] [MONTHS] [SEED]     write the built-in sample as CSV to stdout
  hrlens bench-data ROWS FEATURES KPIS SEED [MONTHS]
                                                write a seeded benchmark table (ROWS employee-months,
                                                MONTHS per employee, default 12) as CSV to stdout";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("info") => match args.get(1) {
            Some(path) => info(path),
            None => Err(format!("missing FILE\n{USAGE}")),
        },
        Some("sample") => sample_csv(&args[1..]),
        Some("bench-data") => bench_csv(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command \"{other}\"\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("hrlens: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn info(path: &str) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let name = std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned());
    let ds =
        load(&bytes, &LoadOptions { filename: name, ..LoadOptions::default() }).map_err(|e: Error| e.to_string())?;
    print_info(&ds).map_err(|e| e.to_string())
}

fn print_info(ds: &Dataset) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let s = ds.source();
    writeln!(
        out,
        "{} rows, {} columns; format {}{}{}",
        ds.row_count(),
        ds.columns().len(),
        s.format,
        s.encoding.as_ref().map(|e| format!(", encoding {e}")).unwrap_or_default(),
        s.delimiter.as_ref().map(|d| format!(", delimiter {d:?}")).unwrap_or_default()
    )?;
    let scaled = ds.columns().iter().filter(|c| c.as_numbers().is_some_and(|n| n.is_scaled())).count();
    writeln!(
        out,
        "in memory: {:.1} MiB{}",
        ds.heap_bytes() as f64 / f64::from(1 << 20),
        if scaled > 0 { format!(" ({scaled} number/date columns as scaled decimals)") } else { String::new() }
    )?;
    for c in ds.summary() {
        writeln!(
            out,
            "  {:<24} {:<9} {:<11} missing {:>7}  distinct {:>7}",
            c.name,
            format!("{:?}", c.kind).to_lowercase(),
            c.role.map(|r| r.as_str()).unwrap_or("-"),
            c.missing,
            c.distinct
        )?;
    }
    let w = ds.warnings();
    writeln!(out, "{} warnings", w.len())?;
    for w in w.iter().take(50) {
        let row = w.row.map(|r| format!("line {r}: ")).unwrap_or_default();
        let col = w.column.as_ref().map(|c| format!("[{c}] ")).unwrap_or_default();
        writeln!(out, "  {row}{col}{}", w.message.en)?;
    }
    Ok(())
}

fn arg_num(args: &[String], i: usize, default: u64) -> Result<u64, String> {
    args.get(i).map_or(Ok(default), |s| s.parse().map_err(|_| format!("\"{s}\" is not a whole number")))
}

fn sample_csv(args: &[String]) -> Result<(), String> {
    let opts = SampleOptions {
        employees: arg_num(args, 0, 2000)? as usize,
        months: arg_num(args, 1, 24)? as usize,
        seed: arg_num(args, 2, 42)?,
    };
    write_csv(&sample(&opts).map_err(|e| e.to_string())?)
}

fn bench_csv(args: &[String]) -> Result<(), String> {
    let rows = arg_num(args, 0, 100_000)? as usize;
    let (features, kpis, seed) = (arg_num(args, 1, 16)? as usize, arg_num(args, 2, 0)? as usize, arg_num(args, 3, 7)?);
    let months = arg_num(args, 4, 12)? as usize;
    write_csv(&bench_panel(rows, features, kpis, months, seed).map_err(|e| e.to_string())?)
}

fn write_csv(ds: &Dataset) -> Result<(), String> {
    let mut w = csv::WriterBuilder::new().buffer_capacity(1 << 20).from_writer(std::io::stdout().lock());
    let cols = ds.columns();
    w.write_record(cols.iter().map(|c| c.name.as_str())).map_err(|e| e.to_string())?;
    for row in 0..ds.row_count() {
        for c in cols {
            w.write_field(c.display(row).as_deref().unwrap_or("")).map_err(|e| e.to_string())?;
        }
        w.write_record(None::<&[u8]>).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}
