//! Laboratory values: analytes, reference ranges and a rough tail model.
//!
//! Each analyte has a plausible range (values outside it are probably not this analyte, or a
//! typo), a unit conversion for the other common unit, and for each side of the reference
//! range a few points `(value, fraction of the population with a value at least this
//! extreme)`, starting at the edge of the range. Between points the fraction is interpolated
//! log-linearly (ln fraction against ln value); beyond the last point the last segment's slope
//! is extended, down to 1e-9. Values inside the reference range give no detail.
//!
//! The fractions are of the general population (most people are never tested, so an extreme
//! value is rarer in the population than among people tested): rough, deliberately on the
//! small side (pessimistic), from clinical experience of how often such values are seen —
//! e.g. a PSA over 1,000 ng/mL in about 1 in 100,000 people, a sodium under 110 in 1 in 50,000.
//! A qualitative "very high PSA" with no number is [`QUALITATIVE`].

/// Fraction for a qualitatively extreme value with no number ("markedly raised PSA"): 0.5% (the
/// "very high tumour marker" of RISK-MODEL §3.8).
pub(crate) const QUALITATIVE: f64 = 0.005;

/// Unit conversions to the table's unit.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Conv {
    None,
    /// Haemoglobin in g/dL (values under 25) → g/L.
    GdlToGl,
    /// Glucose in mg/dL (values over 70) → mmol/L.
    GlucoseMgdl,
    /// Creatinine in mg/dL (values under 25) → µmol/L.
    CreatMgdl,
    /// HbA1c in % (values under 20) → mmol/mol.
    Hba1cPct,
}

/// One analyte.
pub(crate) struct Analyte {
    /// Phrases (see `tables.rs` for markers).
    pub names: &'static str,
    pub conv: Conv,
    /// Plausible values after conversion.
    pub plausible: (f64, f64),
    /// Low tail, from the lower reference limit downwards.
    pub low: &'static [(f64, f64)],
    /// High tail, from the upper reference limit upwards.
    pub high: &'static [(f64, f64)],
}

pub(crate) const ANALYTES: &[Analyte] = &[
    Analyte {
        names: "psa|prostate specific antigen",
        conv: Conv::None,
        plausible: (0.0, 200_000.0),
        low: &[],
        high: &[
            (4.0, 0.03),
            (10.0, 0.01),
            (20.0, 3e-3),
            (100.0, 3e-4),
            (1000.0, 1e-5),
            (10_000.0, 1e-7),
        ],
    },
    Analyte {
        names: "hb|haemoglobin|hemoglobin|hgb",
        conv: Conv::GdlToGl,
        plausible: (10.0, 280.0),
        low: &[
            (115.0, 0.05),
            (100.0, 0.01),
            (80.0, 2e-3),
            (60.0, 3e-4),
            (45.0, 5e-5),
            (30.0, 5e-6),
        ],
        high: &[(180.0, 0.02), (200.0, 2e-3), (220.0, 2e-4), (250.0, 1e-5)],
    },
    Analyte {
        names: "sodium|na|serum sodium",
        conv: Conv::None,
        plausible: (80.0, 220.0),
        low: &[
            (135.0, 0.05),
            (130.0, 0.01),
            (125.0, 2e-3),
            (120.0, 5e-4),
            (115.0, 1e-4),
            (110.0, 2e-5),
            (105.0, 5e-6),
            (100.0, 1e-6),
        ],
        high: &[
            (145.0, 0.02),
            (150.0, 3e-3),
            (155.0, 5e-4),
            (160.0, 1e-4),
            (170.0, 1e-5),
            (180.0, 1e-6),
        ],
    },
    Analyte {
        names: "potassium|k|serum potassium",
        conv: Conv::None,
        plausible: (0.8, 15.0),
        low: &[
            (3.5, 0.05),
            (3.0, 5e-3),
            (2.5, 5e-4),
            (2.0, 5e-5),
            (1.5, 5e-6),
        ],
        high: &[
            (5.3, 0.03),
            (6.0, 5e-3),
            (6.5, 1e-3),
            (7.0, 2e-4),
            (8.0, 2e-5),
            (9.0, 2e-6),
        ],
    },
    Analyte {
        names: "troponin|trop|tnt|tni|hs tnt|hstnt|hs trop|high sensitivity troponin",
        conv: Conv::None,
        plausible: (0.0, 1_000_000.0),
        low: &[],
        high: &[
            (14.0, 0.05),
            (100.0, 5e-3),
            (1000.0, 5e-4),
            (10_000.0, 3e-5),
            (50_000.0, 2e-6),
            (100_000.0, 5e-7),
        ],
    },
    Analyte {
        names: "crp|c reactive protein",
        conv: Conv::None,
        plausible: (0.0, 1000.0),
        low: &[],
        high: &[
            (5.0, 0.1),
            (50.0, 0.01),
            (100.0, 3e-3),
            (200.0, 5e-4),
            (300.0, 1e-4),
            (450.0, 1e-5),
            (600.0, 1e-6),
        ],
    },
    Analyte {
        names: "inr",
        conv: Conv::None,
        plausible: (0.5, 30.0),
        low: &[],
        high: &[
            (1.3, 0.03),
            (3.0, 0.01),
            (5.0, 1e-3),
            (8.0, 1e-4),
            (12.0, 1e-5),
            (20.0, 1e-6),
        ],
    },
    Analyte {
        names: "glucose|blood glucose|blood sugar|cbg|bm|capillary glucose",
        conv: Conv::GlucoseMgdl,
        plausible: (0.3, 150.0),
        low: &[(3.5, 0.01), (3.0, 2e-3), (2.0, 2e-4), (1.0, 1e-5)],
        high: &[
            (7.8, 0.05),
            (11.0, 0.02),
            (20.0, 2e-3),
            (30.0, 2e-4),
            (40.0, 3e-5),
            (50.0, 5e-6),
            (60.0, 1e-6),
        ],
    },
    Analyte {
        names: "creatinine|creat|cr",
        conv: Conv::CreatMgdl,
        plausible: (10.0, 3000.0),
        low: &[],
        high: &[
            (110.0, 0.05),
            (200.0, 5e-3),
            (500.0, 8e-4),
            (1000.0, 1e-4),
            (1500.0, 1e-5),
            (2000.0, 2e-6),
        ],
    },
    Analyte {
        names: "egfr|gfr",
        conv: Conv::None,
        plausible: (1.0, 200.0),
        low: &[(60.0, 0.04), (30.0, 5e-3), (15.0, 1e-3), (5.0, 1e-4)],
        high: &[],
    },
    Analyte {
        names: "urea",
        conv: Conv::None,
        plausible: (0.5, 150.0),
        low: &[],
        high: &[
            (7.5, 0.05),
            (20.0, 3e-3),
            (40.0, 3e-4),
            (60.0, 3e-5),
            (80.0, 3e-6),
        ],
    },
    Analyte {
        names: "calcium|ca|adjusted calcium|corrected calcium|adj ca|corr ca",
        conv: Conv::None,
        plausible: (0.5, 6.0),
        low: &[(2.2, 0.03), (1.8, 2e-3), (1.5, 2e-4), (1.0, 1e-5)],
        high: &[
            (2.6, 0.02),
            (3.0, 2e-3),
            (3.5, 2e-4),
            (4.0, 2e-5),
            (5.0, 1e-6),
        ],
    },
    Analyte {
        names: "wcc|wbc|white cell count|white count|white cells",
        conv: Conv::None,
        plausible: (0.0, 1000.0),
        low: &[
            (4.0, 0.03),
            (2.0, 3e-3),
            (1.0, 1e-3),
            (0.5, 2e-4),
            (0.1, 2e-5),
        ],
        high: &[
            (11.0, 0.05),
            (20.0, 5e-3),
            (50.0, 5e-4),
            (100.0, 1e-4),
            (200.0, 2e-5),
            (500.0, 1e-6),
        ],
    },
    Analyte {
        names: "platelets|plt|plts|platelet count",
        conv: Conv::None,
        plausible: (0.0, 5000.0),
        low: &[
            (150.0, 0.03),
            (50.0, 3e-3),
            (20.0, 5e-4),
            (10.0, 1e-4),
            (5.0, 3e-5),
            (1.0, 3e-6),
        ],
        high: &[
            (400.0, 0.02),
            (1000.0, 5e-4),
            (2000.0, 3e-5),
            (3000.0, 3e-6),
        ],
    },
    Analyte {
        names: "alt|alanine aminotransferase",
        conv: Conv::None,
        plausible: (1.0, 50_000.0),
        low: &[],
        high: &[
            (40.0, 0.08),
            (200.0, 5e-3),
            (1000.0, 5e-4),
            (5000.0, 3e-5),
            (10_000.0, 3e-6),
        ],
    },
    Analyte {
        names: "bilirubin|bili",
        conv: Conv::None,
        plausible: (1.0, 2000.0),
        low: &[],
        high: &[
            (21.0, 0.04),
            (100.0, 2e-3),
            (300.0, 2e-4),
            (600.0, 2e-5),
            (1000.0, 2e-6),
        ],
    },
    Analyte {
        names: "lactate|lac",
        conv: Conv::None,
        plausible: (0.1, 40.0),
        low: &[],
        high: &[
            (2.0, 0.02),
            (4.0, 3e-3),
            (10.0, 3e-4),
            (15.0, 3e-5),
            (20.0, 3e-6),
        ],
    },
    Analyte {
        names: "ph",
        conv: Conv::None,
        plausible: (6.3, 8.0),
        low: &[
            (7.35, 0.02),
            (7.2, 2e-3),
            (7.0, 2e-4),
            (6.8, 2e-5),
            (6.6, 1e-6),
        ],
        high: &[(7.45, 0.02), (7.55, 2e-3), (7.65, 2e-4), (7.75, 1e-5)],
    },
    Analyte {
        names: "hba1c|a1c",
        conv: Conv::Hba1cPct,
        plausible: (15.0, 250.0),
        low: &[],
        high: &[
            (42.0, 0.15),
            (48.0, 0.08),
            (75.0, 0.02),
            (100.0, 3e-3),
            (130.0, 3e-4),
            (150.0, 5e-5),
            (200.0, 1e-6),
        ],
    },
    Analyte {
        names: "ck|creatine kinase|cpk",
        conv: Conv::None,
        plausible: (1.0, 2_000_000.0),
        low: &[],
        high: &[
            (200.0, 0.05),
            (1000.0, 5e-3),
            (10_000.0, 3e-4),
            (100_000.0, 1e-5),
            (500_000.0, 1e-6),
        ],
    },
    Analyte {
        names: "ferritin",
        conv: Conv::None,
        plausible: (0.5, 500_000.0),
        low: &[(15.0, 0.05), (5.0, 5e-3), (2.0, 5e-4)],
        high: &[
            (300.0, 0.05),
            (1000.0, 5e-3),
            (5000.0, 2e-4),
            (10_000.0, 3e-5),
            (50_000.0, 1e-6),
        ],
    },
    Analyte {
        names: "tsh",
        conv: Conv::None,
        plausible: (0.001, 1000.0),
        low: &[(0.4, 0.03), (0.1, 1e-2), (0.05, 5e-3), (0.01, 1e-3)],
        high: &[
            (4.0, 0.05),
            (10.0, 0.01),
            (50.0, 1e-3),
            (100.0, 1e-4),
            (500.0, 1e-6),
        ],
    },
    Analyte {
        names: "bnp|nt probnp|ntprobnp|probnp",
        conv: Conv::None,
        plausible: (1.0, 200_000.0),
        low: &[],
        high: &[
            (400.0, 0.05),
            (2000.0, 1e-2),
            (10_000.0, 1e-3),
            (35_000.0, 5e-5),
            (70_000.0, 5e-6),
        ],
    },
    Analyte {
        names: "ca125|ca 125",
        conv: Conv::None,
        plausible: (0.0, 100_000.0),
        low: &[],
        high: &[
            (35.0, 0.03),
            (500.0, 1e-3),
            (5000.0, 3e-5),
            (20_000.0, 1e-6),
        ],
    },
    Analyte {
        names: "cea",
        conv: Conv::None,
        plausible: (0.0, 100_000.0),
        low: &[],
        high: &[(5.0, 0.03), (100.0, 1e-3), (1000.0, 5e-5), (10_000.0, 1e-6)],
    },
    Analyte {
        names: "afp|alpha fetoprotein",
        conv: Conv::None,
        plausible: (0.0, 1_000_000.0),
        low: &[],
        high: &[
            (10.0, 0.01),
            (1000.0, 2e-4),
            (10_000.0, 3e-5),
            (100_000.0, 3e-6),
        ],
    },
    Analyte {
        names: "amylase",
        conv: Conv::None,
        plausible: (1.0, 50_000.0),
        low: &[],
        high: &[
            (100.0, 0.05),
            (1000.0, 2e-3),
            (3000.0, 2e-4),
            (10_000.0, 1e-5),
        ],
    },
    Analyte {
        names: "magnesium|!mg",
        conv: Conv::None,
        plausible: (0.05, 5.0),
        low: &[(0.7, 0.03), (0.4, 1e-3), (0.2, 3e-5)],
        high: &[(1.1, 0.01), (2.0, 1e-4), (3.0, 1e-5)],
    },
    Analyte {
        names: "neutrophils|neuts|anc|neutrophil count",
        conv: Conv::None,
        plausible: (0.0, 200.0),
        low: &[(1.5, 0.03), (0.5, 2e-3), (0.1, 2e-4), (0.01, 5e-5)],
        high: &[(7.5, 0.05), (20.0, 3e-3), (50.0, 1e-4)],
    },
    // Only with a qualifier ("very high tumour markers"); no number table.
    Analyte {
        names: "tumour marker|tumour markers|tumor marker|tumor markers",
        conv: Conv::None,
        plausible: (f64::NAN, f64::NAN),
        low: &[],
        high: &[],
    },
];

impl Analyte {
    /// The fraction for a stated value, or `None` when it is inside the reference range or
    /// implausible for this analyte.
    /// The name to show ("PSA", "sodium", "HbA1c"): the first of `names`, acronyms upper-cased.
    pub(crate) fn label(&self) -> &'static str {
        let first = self.names.split('|').next().unwrap_or("");
        match first {
            "hb" => "Hb",
            "hba1c" => "HbA1c",
            "egfr" => "eGFR",
            "ph" => "pH",
            "psa" => "PSA",
            "crp" => "CRP",
            "inr" => "INR",
            "tsh" => "TSH",
            "ck" => "CK",
            "alt" => "ALT",
            "wcc" => "WCC",
            "bnp" => "BNP",
            "cea" => "CEA",
            "afp" => "AFP",
            "ca125" => "CA-125",
            other => other,
        }
    }

    /// Whether a value is above the reference range (else below or within).
    pub(crate) fn is_high(&self, raw: f64) -> bool {
        let v = self.convert(raw);
        self.high.first().is_some_and(|&(edge, _)| v > edge)
    }

    fn convert(&self, raw: f64) -> f64 {
        match self.conv {
            Conv::None => raw,
            Conv::GdlToGl if raw < 25.0 => raw * 10.0,
            Conv::GlucoseMgdl if raw > 70.0 => raw / 18.0,
            Conv::CreatMgdl if raw < 25.0 => raw * 88.4,
            Conv::Hba1cPct if raw < 20.0 => (raw - 2.15) * 10.929,
            _ => raw,
        }
    }

    pub(crate) fn fraction(&self, raw: f64) -> Option<f64> {
        let v = match self.conv {
            Conv::None => raw,
            Conv::GdlToGl if raw < 25.0 => raw * 10.0,
            Conv::GlucoseMgdl if raw > 70.0 => raw / 18.0,
            Conv::CreatMgdl if raw < 25.0 => raw * 88.4,
            Conv::Hba1cPct if raw < 20.0 => (raw - 2.15) * 10.929,
            _ => raw,
        };
        if !(v >= self.plausible.0 && v <= self.plausible.1) {
            return None;
        }
        if let Some(&(edge, _)) = self.high.first() {
            if v > edge {
                return Some(tail(self.high, v));
            }
        }
        if let Some(&(edge, _)) = self.low.first() {
            if v < edge {
                return Some(tail(self.low, v));
            }
        }
        None
    }
}

/// Log-linear interpolation along one tail (points ordered from the reference limit outwards).
fn tail(points: &[(f64, f64)], v: f64) -> f64 {
    let lnx = |x: f64| x.max(1e-3).ln();
    let x = lnx(v);
    let outward = |a: f64, b: f64| {
        // true when b is further out than a
        if points.len() >= 2 && points[1].0 < points[0].0 {
            b < a
        } else {
            b > a
        }
    };
    if points.len() == 1 {
        return points[0].1;
    }
    let mut seg = points.len() - 2;
    for k in 0..points.len() - 1 {
        if !outward(points[k + 1].0, v) {
            seg = k;
            break;
        }
    }
    let (x0, f0) = (lnx(points[seg].0), points[seg].1.ln());
    let (x1, f1) = (lnx(points[seg + 1].0), points[seg + 1].1.ln());
    let f = if (x1 - x0).abs() < 1e-12 {
        f1
    } else {
        f0 + (f1 - f0) * (x - x0) / (x1 - x0)
    };
    f.exp().clamp(1e-9, points[0].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(name: &str) -> &'static Analyte {
        ANALYTES
            .iter()
            .find(|a| a.names.split('|').any(|n| n == name))
            .unwrap()
    }

    #[test]
    fn tails() {
        let psa = find("psa");
        assert!(psa.fraction(2.0).is_none());
        let f = psa.fraction(4850.0).unwrap();
        assert!(f < 1e-5 && f > 1e-8, "{f}");
        let f = psa.fraction(1000.0).unwrap();
        assert!((f - 1e-5).abs() < 1e-9, "{f}");
        let na = find("sodium");
        assert!(na.fraction(140.0).is_none());
        let f = na.fraction(108.0).unwrap();
        assert!(f < 2e-5 && f > 5e-6, "{f}");
        assert!(na.fraction(12.0).is_none());
        let hb = find("hb");
        assert!(hb.fraction(4.5).unwrap() < 1e-4);
        assert!(hb.fraction(45.0).unwrap() < 1e-4);
        let glucose = find("glucose");
        assert!(glucose.fraction(45.0).unwrap() < 1e-4);
        // Beyond the last point: extrapolated, smaller still.
        assert!(find("crp").fraction(900.0).unwrap() < 1e-6);
    }
}
