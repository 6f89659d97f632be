//! The one registry every surface uses (the CLI, the server, the archive audit): the text
//! detectors of `clinpost-rules` and the conduct rules of `clinpost-conduct`, the re-identification pass of `clinpost-risk`, and the media
//! rules of `clinpost-media` (listed so that `clinpost rules`, `explain`, selectors and severity
//! overrides cover them; their findings come from inspecting files). [`with_packs`] adds an
//! organisation's policy packs (`clinpost-packs`) to them.

use std::sync::LazyLock;

use clinpost_core::{Detector, Error, ErrorKind, Registry};
pub use clinpost_packs::{Pack, PackError};

fn build(packs: Vec<Pack>) -> Result<Registry, Error> {
    let mut detectors: Vec<Box<dyn Detector>> = clinpost_rules::detectors();
    detectors.extend(clinpost_conduct::detectors());
    detectors.push(Box::new(clinpost_media::MediaRules));
    detectors.extend(packs.into_iter().map(|p| Box::new(p) as Box<dyn Detector>));
    Registry::with_assessors(
        detectors,
        vec![Box::new(clinpost_risk::assess::QuasiIdentifiers::new())],
    )
}

static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| build(Vec::new()).expect("rule codes and names are unique"));

/// Every rule. Built once, on first use.
pub fn registry() -> &'static Registry {
    &REGISTRY
}

/// Every rule and the rules of `packs`; [`registry`] when there are none.
///
/// A new registry is built and leaked (it lives as long as the process, like the packs' rules):
/// call this once, at start-up. Fails, naming the packs, when two packs share a prefix or a
/// pack rule's name is already taken.
pub fn with_packs(packs: Vec<Pack>) -> Result<&'static Registry, Error> {
    if packs.is_empty() {
        return Ok(registry());
    }
    let shown = |p: &Pack| p.origin().unwrap_or(p.name()).to_string();
    for (i, p) in packs.iter().enumerate() {
        if let Some(q) = packs[..i].iter().find(|q| q.prefix() == p.prefix()) {
            return Err(Error::new(
                ErrorKind::Registry,
                format!(
                    "pack {}: prefix {} is already used by pack {}",
                    shown(p),
                    p.prefix(),
                    shown(q)
                ),
            ));
        }
        for r in clinpost_core::Detector::rules(p) {
            let taken = registry()
                .rules()
                .iter()
                .chain(packs[..i].iter().flat_map(|q| q.rules().iter()))
                .find(|x| x.name == r.name);
            if let Some(x) = taken {
                return Err(Error::new(
                    ErrorKind::Registry,
                    format!(
                        "pack {}: rule {} ({}): the name is already used by rule {}",
                        shown(p),
                        r.code,
                        r.name,
                        x.code
                    ),
                ));
            }
        }
    }
    Ok(Box::leak(Box::new(build(packs)?)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_is_registered_once_and_documented() {
        let reg = super::registry();
        let failures = clinpost_core::samples::check_metadata(reg.rules());
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        for code in ["PHI001", "QID001", "MED001", "CND001", "CND012"] {
            assert!(reg.rule(code).is_some(), "{code} missing");
        }
    }

    const EXAMPLE: &str = include_str!("../../../examples/policy-pack.toml");

    #[test]
    fn packs_join_the_registry() {
        use clinpost_core::{Context, Document, Engine, Kind};
        let pack = super::Pack::parse(EXAMPLE).unwrap();
        let reg = super::with_packs(vec![pack.clone()]).unwrap();
        assert_eq!(reg.rules().len(), super::registry().rules().len() + 5);
        assert_eq!(reg.rule("NMH004").unwrap().kind, Kind::Policy);
        assert!(std::ptr::eq(
            super::with_packs(Vec::new()).unwrap(),
            super::registry()
        ));
        let engine = Engine::with_defaults(reg);
        let ctx = Context::default();
        let rep = engine.check(&Document::new(
            "Just filed DATIX-48213 about the pump failure.",
            &ctx,
        ));
        assert!(
            rep.findings.iter().any(|f| f.rule.code == "NMH004"),
            "{:?}",
            rep.findings
        );
        // The same pack twice: the prefix is taken.
        let Err(e) = super::with_packs(vec![pack.clone(), pack]) else {
            panic!("loaded")
        };
        assert!(e.to_string().contains("prefix NMH is already used"), "{e}");
    }

    #[test]
    fn a_pack_rule_may_not_take_a_built_in_name() {
        let src = EXAMPLE.replace("name = \"live-rota\"", "name = \"whereabouts\"");
        let pack = super::Pack::parse(&src).unwrap();
        let Err(e) = super::with_packs(vec![pack]) else {
            panic!("loaded")
        };
        assert!(
            e.to_string()
                .contains("rule NMH003 (whereabouts): the name is already used by rule CND012"),
            "{e}"
        );
    }
}
