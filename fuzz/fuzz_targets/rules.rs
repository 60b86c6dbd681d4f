//! Arbitrary alert rules and trend options (JSON) on a small sample: results
//! or a `ParamError`/`LimitError`, never a panic or a hang.
#![no_main]
use std::sync::OnceLock;

use hrlens::engine::sample::{sample, SampleOptions};
use hrlens::engine::trend::{alerts, trend, AlertRule, TrendOptions};
use hrlens::engine::{Dataset, ErrorKind};
use libfuzzer_sys::fuzz_target;

fn data() -> Option<&'static Dataset> {
    static DS: OnceLock<Option<Dataset>> = OnceLock::new();
    DS.get_or_init(|| sample(&SampleOptions { employees: 40, months: 14, seed: 2 }).ok()).as_ref()
}

fuzz_target!(|bytes: &[u8]| {
    let Some(ds) = data() else { return };
    if let Ok(rules) = serde_json::from_slice::<Vec<AlertRule>>(bytes) {
        if let Err(e) = alerts(ds, &rules) {
            assert!(matches!(e.kind, ErrorKind::Param | ErrorKind::Limit), "{e:?}");
        }
    }
    if let Ok(opts) = serde_json::from_slice::<TrendOptions>(bytes) {
        match trend(ds, &opts) {
            Ok(series) => {
                for s in series {
                    assert_eq!(s.values.len(), s.periods.len());
                }
            }
            Err(e) => assert!(matches!(e.kind, ErrorKind::Param | ErrorKind::Limit), "{e:?}"),
        }
    }
});
