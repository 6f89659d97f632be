//! DICOM Part 10 files: report the identifying attributes and write a de-identified copy.
//!
//! **Parser.** A small parser of our own rather than `dicom-object`: it needs only the file
//! meta group and the data set's element structure, handles explicit and implicit VR little
//! endian (the transfer syntaxes of practically every file written since 1993, including all
//! JPEG/JPEG 2000/RLE encapsulated ones, whose pixel data it copies as opaque fragments), keeps
//! the dependency tree small, and lets every length be checked against the bytes that are
//! really there. Explicit VR big endian (retired) and deflated explicit VR are refused with
//! [`MediaError::DocumentUnsupported`]. Sequences of defined and undefined length are parsed
//! (in implicit VR a value is taken as a sequence when the dictionary below says so, or when
//! its length is undefined, or when it starts with an item tag); nesting deeper than
//! [`DocLimits::max_depth`] and more than [`DocLimits::max_elements`] elements are refused;
//! a length past the end of the file or of its enclosing item is
//! [`MediaError::DocumentTruncated`] / [`MediaError::DocumentMalformed`], never a panic or a
//! large allocation (values are borrowed from the input, not copied).
//!
//! **Reported** (rule MED010, kind `dicom-tag`, field `DICOM:(gggg,eeee) Keyword`): the
//! attributes of [`TAGS`] with a non-empty value (direct identifiers as errors, the rest as
//! warnings), any other person-name (PN) attribute, private tags (one finding,
//! `DICOM:private`), `BurnedInAnnotation` = `YES` (text in the pixels, which this module does
//! not read), and the study/series/instance UIDs unless the file says it is already
//! de-identified. Text values (names with `^` turned into spaces, IDs, addresses, dates as
//! `YYYY-MM-DD`, descriptions) are returned for the text rules.
//!
//! **De-identified copy**, after the PS3.15 Annex E *Basic Application Level Confidentiality
//! Profile* (without its options), applied at every nesting level:
//!
//! - **Z** (kept, emptied; type 2 attributes): PatientName, PatientID, PatientBirthDate,
//!   PatientSex, ReferringPhysicianName, AccessionNumber, StudyID, StudyDate, StudyTime,
//!   ContentDate, ContentTime.
//! - **X** (removed): every other attribute of [`TAGS`] (other IDs and names, age, size,
//!   weight, address, telephone numbers, medical record locator, institution name, address
//!   and department, physicians and operators, station name, device serial and detector,
//!   plate and cassette IDs, protocol and descriptions, comments, admission and order
//!   numbers, request attributes, content sequence...); and in addition every other PN,
//!   DA, DT and TM attribute, every other free-text (LT, ST, UT) attribute, all private
//!   (odd-group) elements, curve (50xx) and overlay (60xx) groups, and group-length elements.
//! - **U** (replaced): every UID (UI) that is not a DICOM-defined one (`1.2.840.10008.*`) or
//!   the ImplementationClassUID gets a new `2.25.` UID derived from it with a key drawn at
//!   random for each call, so that the same UID maps to the same new one throughout the file
//!   (MediaStorageSOPInstanceUID stays equal to SOPInstanceUID) but cannot be traced back.
//! - Added: PatientIdentityRemoved (0012,0062) = `YES`, DeidentificationMethod (0012,0063),
//!   LongitudinalTemporalInformationModified (0028,0303) = `REMOVED`.
//! - The 128-byte preamble is zeroed; SourceApplicationEntityTitle and the sending and
//!   receiving AE titles are dropped from the file meta group, whose length is recomputed.
//!   Sequences are written with undefined lengths; pixel data is copied byte for byte.
//!
//! Not done here: text burned into the pixels (OCR belongs to the image side), the profile's
//! options (retain dates, clean descriptors...).

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use clinpost_core::Severity;

use crate::document::{DocFormat, DocLimits};
use crate::rules::{Class, Collector};
use crate::MediaError;

const F: DocFormat = DocFormat::Dicom;

const PREAMBLE: usize = 128;
const ITEM: u32 = 0xFFFE_E000;
const ITEM_END: u32 = 0xFFFE_E00D;
const SEQ_END: u32 = 0xFFFE_E0DD;
const UNDEFINED: u32 = 0xFFFF_FFFF;
const PIXEL_DATA: u32 = 0x7FE0_0010;

/// True when `bytes` are a DICOM Part 10 file: 128-byte preamble, then `DICM`.
pub(crate) fn is_dicom(bytes: &[u8]) -> bool {
    bytes.len() >= PREAMBLE + 4 && &bytes[PREAMBLE..PREAMBLE + 4] == b"DICM"
}

/// What the anonymised copy does with an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Keep, with an empty value.
    Z,
    /// Remove.
    X,
}

/// How an attribute is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Report {
    /// A direct identifier: error.
    Direct,
    /// Narrows down who or where: warning.
    Indirect,
    /// Removed in the copy, not reported.
    Silent,
}

/// One identifying attribute: tag, keyword, VR (for implicit-VR files), action, report.
pub(crate) struct Tag(u32, &'static str, [u8; 2], Action, Report);

use Action::{X, Z};
use Report::{Direct as D, Indirect as I, Silent as S};

/// The identifying attributes (PS3.15 Table E.1-1, the subset that occurs in practice).
pub(crate) static TAGS: &[Tag] = &[
    Tag(0x0008_0012, "InstanceCreationDate", *b"DA", X, S),
    Tag(0x0008_0013, "InstanceCreationTime", *b"TM", X, S),
    Tag(0x0008_0020, "StudyDate", *b"DA", Z, I),
    Tag(0x0008_0021, "SeriesDate", *b"DA", X, I),
    Tag(0x0008_0022, "AcquisitionDate", *b"DA", X, I),
    Tag(0x0008_0023, "ContentDate", *b"DA", Z, I),
    Tag(0x0008_002A, "AcquisitionDateTime", *b"DT", X, I),
    Tag(0x0008_0030, "StudyTime", *b"TM", Z, S),
    Tag(0x0008_0031, "SeriesTime", *b"TM", X, S),
    Tag(0x0008_0032, "AcquisitionTime", *b"TM", X, S),
    Tag(0x0008_0033, "ContentTime", *b"TM", Z, S),
    Tag(0x0008_0050, "AccessionNumber", *b"SH", Z, D),
    Tag(0x0008_0080, "InstitutionName", *b"LO", X, I),
    Tag(0x0008_0081, "InstitutionAddress", *b"ST", X, I),
    Tag(0x0008_0082, "InstitutionCodeSequence", *b"SQ", X, S),
    Tag(0x0008_0090, "ReferringPhysicianName", *b"PN", Z, D),
    Tag(0x0008_0092, "ReferringPhysicianAddress", *b"ST", X, D),
    Tag(
        0x0008_0094,
        "ReferringPhysicianTelephoneNumbers",
        *b"SH",
        X,
        D,
    ),
    Tag(
        0x0008_0096,
        "ReferringPhysicianIdentificationSequence",
        *b"SQ",
        X,
        S,
    ),
    Tag(0x0008_009C, "ConsultingPhysicianName", *b"PN", X, D),
    Tag(0x0008_1010, "StationName", *b"SH", X, I),
    Tag(0x0008_1030, "StudyDescription", *b"LO", X, I),
    Tag(0x0008_103E, "SeriesDescription", *b"LO", X, I),
    Tag(0x0008_1040, "InstitutionalDepartmentName", *b"LO", X, I),
    Tag(0x0008_1048, "PhysiciansOfRecord", *b"PN", X, D),
    Tag(0x0008_1050, "PerformingPhysicianName", *b"PN", X, D),
    Tag(0x0008_1060, "NameOfPhysiciansReadingStudy", *b"PN", X, D),
    Tag(0x0008_1070, "OperatorsName", *b"PN", X, D),
    Tag(0x0008_1080, "AdmittingDiagnosesDescription", *b"LO", X, I),
    Tag(0x0008_1120, "ReferencedPatientSequence", *b"SQ", X, S),
    Tag(0x0008_4000, "IdentifyingComments", *b"LT", X, D),
    Tag(0x0010_0010, "PatientName", *b"PN", Z, D),
    Tag(0x0010_0020, "PatientID", *b"LO", Z, D),
    Tag(0x0010_0021, "IssuerOfPatientID", *b"LO", X, I),
    Tag(0x0010_0030, "PatientBirthDate", *b"DA", Z, D),
    Tag(0x0010_0032, "PatientBirthTime", *b"TM", X, D),
    Tag(0x0010_0040, "PatientSex", *b"CS", Z, I),
    Tag(
        0x0010_0050,
        "PatientInsurancePlanCodeSequence",
        *b"SQ",
        X,
        S,
    ),
    Tag(0x0010_1000, "OtherPatientIDs", *b"LO", X, D),
    Tag(0x0010_1001, "OtherPatientNames", *b"PN", X, D),
    Tag(0x0010_1002, "OtherPatientIDsSequence", *b"SQ", X, D),
    Tag(0x0010_1005, "PatientBirthName", *b"PN", X, D),
    Tag(0x0010_1010, "PatientAge", *b"AS", X, I),
    Tag(0x0010_1020, "PatientSize", *b"DS", X, S),
    Tag(0x0010_1030, "PatientWeight", *b"DS", X, S),
    Tag(0x0010_1040, "PatientAddress", *b"LO", X, D),
    Tag(0x0010_1060, "PatientMotherBirthName", *b"PN", X, D),
    Tag(0x0010_1080, "MilitaryRank", *b"LO", X, I),
    Tag(0x0010_1081, "BranchOfService", *b"LO", X, I),
    Tag(0x0010_1090, "MedicalRecordLocator", *b"LO", X, D),
    Tag(0x0010_1100, "ReferencedPatientPhotoSequence", *b"SQ", X, D),
    Tag(0x0010_2000, "MedicalAlerts", *b"LO", X, I),
    Tag(0x0010_2110, "Allergies", *b"LO", X, I),
    Tag(0x0010_2150, "CountryOfResidence", *b"LO", X, I),
    Tag(0x0010_2152, "RegionOfResidence", *b"LO", X, I),
    Tag(0x0010_2154, "PatientTelephoneNumbers", *b"SH", X, D),
    Tag(0x0010_2160, "EthnicGroup", *b"SH", X, I),
    Tag(0x0010_2180, "Occupation", *b"SH", X, I),
    Tag(0x0010_21A0, "SmokingStatus", *b"CS", X, S),
    Tag(0x0010_21B0, "AdditionalPatientHistory", *b"LT", X, I),
    Tag(0x0010_21C0, "PregnancyStatus", *b"US", X, S),
    Tag(0x0010_21D0, "LastMenstrualDate", *b"DA", X, I),
    Tag(0x0010_21F0, "PatientReligiousPreference", *b"LO", X, I),
    Tag(0x0010_4000, "PatientComments", *b"LT", X, I),
    Tag(0x0018_1000, "DeviceSerialNumber", *b"LO", X, I),
    Tag(0x0018_1004, "PlateID", *b"LO", X, S),
    Tag(0x0018_1005, "GeneratorID", *b"LO", X, S),
    Tag(0x0018_1007, "CassetteID", *b"LO", X, S),
    Tag(0x0018_1008, "GantryID", *b"LO", X, S),
    Tag(0x0018_1030, "ProtocolName", *b"LO", X, S),
    Tag(0x0018_700A, "DetectorID", *b"SH", X, S),
    Tag(0x0020_0010, "StudyID", *b"SH", Z, D),
    Tag(0x0020_4000, "ImageComments", *b"LT", X, I),
    Tag(0x0032_1032, "RequestingPhysician", *b"PN", X, D),
    Tag(0x0032_1033, "RequestingService", *b"LO", X, I),
    Tag(0x0032_1060, "RequestedProcedureDescription", *b"LO", X, S),
    Tag(0x0038_0010, "AdmissionID", *b"LO", X, D),
    Tag(0x0038_0300, "CurrentPatientLocation", *b"LO", X, I),
    Tag(0x0038_0400, "PatientInstitutionResidence", *b"LO", X, I),
    Tag(
        0x0040_0006,
        "ScheduledPerformingPhysicianName",
        *b"PN",
        X,
        D,
    ),
    Tag(0x0040_0244, "PerformedProcedureStepStartDate", *b"DA", X, I),
    Tag(0x0040_0245, "PerformedProcedureStepStartTime", *b"TM", X, S),
    Tag(0x0040_0253, "PerformedProcedureStepID", *b"SH", X, S),
    Tag(
        0x0040_0254,
        "PerformedProcedureStepDescription",
        *b"LO",
        X,
        S,
    ),
    Tag(0x0040_0275, "RequestAttributesSequence", *b"SQ", X, S),
    Tag(0x0040_1001, "RequestedProcedureID", *b"SH", X, I),
    Tag(
        0x0040_2016,
        "PlacerOrderNumberImagingServiceRequest",
        *b"LO",
        X,
        D,
    ),
    Tag(
        0x0040_2017,
        "FillerOrderNumberImagingServiceRequest",
        *b"LO",
        X,
        D,
    ),
    Tag(0x0040_A123, "PersonName", *b"PN", X, D),
    Tag(0x0040_A730, "ContentSequence", *b"SQ", X, S),
];

/// UID attributes, for implicit-VR files (whose elements carry no VR).
const UID_TAGS: &[u32] = &[
    0x0002_0002,
    0x0002_0003,
    0x0002_0010,
    0x0002_0012,
    0x0004_1510,
    0x0004_1511,
    0x0008_0014,
    0x0008_0016,
    0x0008_0018,
    0x0008_0058,
    0x0008_1150,
    0x0008_1155,
    0x0008_3010,
    0x0018_1002,
    0x0020_000D,
    0x0020_000E,
    0x0020_0052,
    0x0020_0200,
    0x0020_9161,
    0x0040_A124,
    0x0088_0140,
    0x3006_0024,
    0x3006_00C2,
];

/// Sequence attributes, for implicit-VR files.
const SQ_TAGS: &[u32] = &[
    0x0008_1110,
    0x0008_1111,
    0x0008_1115,
    0x0008_1140,
    0x0008_1199,
    0x0008_2112,
    0x0008_9215,
    0x0040_0260,
    0x0040_0275,
    0x0040_A043,
    0x0040_A168,
    0x0040_A730,
    0x0054_0016,
    0x0054_0220,
    0x5200_9229,
    0x5200_9230,
];

const STUDY_UIDS: &[(u32, &str)] = &[
    (0x0020_000D, "StudyInstanceUID"),
    (0x0020_000E, "SeriesInstanceUID"),
    (0x0008_0018, "SOPInstanceUID"),
];

fn tag_info(tag: u32) -> Option<&'static Tag> {
    TAGS.iter().find(|t| t.0 == tag)
}

/// Transfer syntax of the data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Explicit,
    Implicit,
}

/// A data element, its value borrowed from the input unless it was replaced.
#[derive(Debug, Clone)]
struct Elem<'a> {
    tag: u32,
    vr: [u8; 2],
    val: Val<'a>,
}

#[derive(Debug, Clone)]
enum Val<'a> {
    Bytes(Cow<'a, [u8]>),
    /// Items, each a data set.
    Seq(Vec<Vec<Elem<'a>>>),
    /// Encapsulated pixel data: the fragments (the first is the basic offset table).
    Encap(Vec<&'a [u8]>),
}

/// VRs with a 4-byte length in explicit VR.
fn long_vr(vr: &[u8; 2]) -> bool {
    matches!(
        vr,
        b"OB"
            | b"OW"
            | b"OF"
            | b"SQ"
            | b"UT"
            | b"UN"
            | b"OD"
            | b"OL"
            | b"OV"
            | b"SV"
            | b"UV"
            | b"UC"
            | b"UR"
    )
}

struct Parser<'a, 'l> {
    b: &'a [u8],
    pos: usize,
    elements: usize,
    limits: &'l DocLimits,
}

impl<'a> Parser<'a, '_> {
    fn truncated(&self, inside: &'static str) -> MediaError {
        MediaError::DocumentTruncated {
            format: F,
            offset: self.b.len(),
            inside,
        }
    }

    fn malformed(&self, what: &'static str) -> MediaError {
        MediaError::DocumentMalformed {
            format: F,
            offset: self.pos,
            what,
        }
    }

    fn need(&self, n: usize, end: usize, inside: &'static str) -> Result<(), MediaError> {
        match self.pos.checked_add(n) {
            Some(e) if e <= end => Ok(()),
            _ if end >= self.b.len() => Err(self.truncated(inside)),
            _ => Err(self.malformed("a value runs past the end of its item")),
        }
    }

    fn u16(&mut self) -> u16 {
        let v = u16::from_le_bytes([self.b[self.pos], self.b[self.pos + 1]]);
        self.pos += 2;
        v
    }

    fn u32(&mut self) -> u32 {
        let v = u32::from_le_bytes([
            self.b[self.pos],
            self.b[self.pos + 1],
            self.b[self.pos + 2],
            self.b[self.pos + 3],
        ]);
        self.pos += 4;
        v
    }

    fn tag(&mut self) -> u32 {
        let g = u32::from(self.u16());
        let e = u32::from(self.u16());
        (g << 16) | e
    }

    /// Parse elements up to `end`; in an item of undefined length, up to its delimiter.
    /// `only_group` stops before the first element of another group (the file meta group).
    fn dataset(
        &mut self,
        end: usize,
        syntax: Syntax,
        depth: usize,
        undefined_item: bool,
        only_group: Option<u16>,
    ) -> Result<Vec<Elem<'a>>, MediaError> {
        let mut out = Vec::new();
        loop {
            if self.pos >= end {
                if undefined_item {
                    return Err(self.truncated("an item of undefined length"));
                }
                return Ok(out);
            }
            self.need(8, end, "an element header")?;
            if let Some(g) = only_group {
                if u16::from_le_bytes([self.b[self.pos], self.b[self.pos + 1]]) != g {
                    return Ok(out);
                }
            }
            let at = self.pos;
            let tag = self.tag();
            if tag == ITEM_END {
                self.pos += 4;
                if undefined_item {
                    return Ok(out);
                }
                self.pos = at;
                return Err(self.malformed("an item delimiter outside an item"));
            }
            if tag == SEQ_END || tag == ITEM {
                self.pos = at;
                return Err(self.malformed("a sequence delimiter outside a sequence"));
            }
            self.elements += 1;
            if self.elements > self.limits.max_elements {
                return Err(MediaError::DocumentLimit {
                    format: F,
                    what: "data elements",
                    limit: self.limits.max_elements as u64,
                });
            }
            let (vr, len) = match syntax {
                Syntax::Explicit => {
                    let vr = [self.b[self.pos], self.b[self.pos + 1]];
                    self.pos += 2;
                    if !vr.iter().all(u8::is_ascii_uppercase) {
                        self.pos = at;
                        return Err(self.malformed("an element has no valid VR"));
                    }
                    if long_vr(&vr) {
                        self.need(6, end, "an element header")?;
                        self.pos += 2;
                        (vr, self.u32())
                    } else {
                        (vr, u32::from(self.u16()))
                    }
                }
                Syntax::Implicit => {
                    let vr = implicit_vr(tag);
                    (vr, self.u32())
                }
            };
            let val = if len == UNDEFINED {
                if tag == PIXEL_DATA && syntax == Syntax::Explicit && vr != *b"SQ" {
                    Val::Encap(self.fragments(end)?)
                } else if vr == *b"SQ" || vr == *b"UN" || syntax == Syntax::Implicit {
                    // UN of undefined length is a sequence in implicit VR (PS3.5 6.2.2).
                    let inner = if vr == *b"UN" {
                        Syntax::Implicit
                    } else {
                        syntax
                    };
                    Val::Seq(self.sequence(None, end, inner, depth + 1)?)
                } else {
                    self.pos = at;
                    return Err(
                        self.malformed("an undefined length on a value that cannot have one")
                    );
                }
            } else {
                let len = len as usize;
                self.need(len, end, "an element's value")?;
                let stop = self.pos + len;
                let is_seq = vr == *b"SQ"
                    || (syntax == Syntax::Implicit
                        && len >= 8
                        && self.b[self.pos..self.pos + 4] == [0xFE, 0xFF, 0x00, 0xE0]);
                if is_seq {
                    Val::Seq(self.sequence(Some(stop), end, syntax, depth + 1)?)
                } else {
                    let v = &self.b[self.pos..stop];
                    self.pos = stop;
                    Val::Bytes(Cow::Borrowed(v))
                }
            };
            let vr = if matches!(val, Val::Seq(_)) {
                *b"SQ"
            } else {
                vr
            };
            out.push(Elem { tag, vr, val });
        }
    }

    /// Items of a sequence ending at `stop` (defined length) or at its delimiter.
    fn sequence(
        &mut self,
        stop: Option<usize>,
        end: usize,
        syntax: Syntax,
        depth: usize,
    ) -> Result<Vec<Vec<Elem<'a>>>, MediaError> {
        if depth > self.limits.max_depth {
            return Err(MediaError::DocumentLimit {
                format: F,
                what: "nesting depth of sequences",
                limit: self.limits.max_depth as u64,
            });
        }
        let bound = stop.unwrap_or(end);
        let mut items = Vec::new();
        loop {
            if let Some(s) = stop {
                if self.pos >= s {
                    return Ok(items);
                }
            }
            self.need(8, bound, "a sequence")?;
            let at = self.pos;
            let tag = self.tag();
            let len = self.u32();
            match tag {
                SEQ_END if stop.is_none() => return Ok(items),
                ITEM => {
                    let item = if len == UNDEFINED {
                        self.dataset(bound, syntax, depth, true, None)?
                    } else {
                        let len = len as usize;
                        self.need(len, bound, "a sequence item")?;
                        let item_end = self.pos + len;
                        let item = self.dataset(item_end, syntax, depth, false, None)?;
                        self.pos = item_end;
                        item
                    };
                    self.elements += 1;
                    if self.elements > self.limits.max_elements {
                        return Err(MediaError::DocumentLimit {
                            format: F,
                            what: "data elements",
                            limit: self.limits.max_elements as u64,
                        });
                    }
                    items.push(item);
                }
                _ => {
                    self.pos = at;
                    return Err(self.malformed("a sequence holds something other than items"));
                }
            }
        }
    }

    /// Fragments of encapsulated pixel data, up to the sequence delimiter.
    fn fragments(&mut self, end: usize) -> Result<Vec<&'a [u8]>, MediaError> {
        let mut out = Vec::new();
        loop {
            self.need(8, end, "the pixel data")?;
            let at = self.pos;
            let tag = self.tag();
            let len = self.u32();
            match tag {
                SEQ_END => return Ok(out),
                ITEM if len != UNDEFINED => {
                    let len = len as usize;
                    self.need(len, end, "a pixel data fragment")?;
                    out.push(&self.b[self.pos..self.pos + len]);
                    self.pos += len;
                    self.elements += 1;
                    if self.elements > self.limits.max_elements {
                        return Err(MediaError::DocumentLimit {
                            format: F,
                            what: "data elements",
                            limit: self.limits.max_elements as u64,
                        });
                    }
                }
                _ => {
                    self.pos = at;
                    return Err(self.malformed(
                        "encapsulated pixel data holds something other than fragments",
                    ));
                }
            }
        }
    }
}

/// The VR of a tag in an implicit-VR file, from the small dictionaries here; `UN` otherwise.
fn implicit_vr(tag: u32) -> [u8; 2] {
    if let Some(t) = tag_info(tag) {
        return t.2;
    }
    if UID_TAGS.contains(&tag) {
        return *b"UI";
    }
    if SQ_TAGS.contains(&tag) {
        return *b"SQ";
    }
    match tag {
        0x0012_0062 | 0x0028_0301 | 0x0028_0303 => *b"CS",
        0x0012_0063 => *b"LO",
        PIXEL_DATA => *b"OW",
        _ => *b"UN",
    }
}

/// A parsed file: its meta group, its data set and their syntax.
struct File<'a> {
    meta: Vec<Elem<'a>>,
    data: Vec<Elem<'a>>,
    syntax: Syntax,
}

fn value_str<'v>(e: &'v Elem<'_>) -> Option<&'v [u8]> {
    match &e.val {
        Val::Bytes(b) => Some(b),
        _ => None,
    }
}

/// A string value without its padding.
fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
        .to_string()
}

fn parse<'a>(bytes: &'a [u8], limits: &DocLimits) -> Result<File<'a>, MediaError> {
    if !is_dicom(bytes) {
        return Err(MediaError::UnknownFormat);
    }
    let mut p = Parser {
        b: bytes,
        pos: PREAMBLE + 4,
        elements: 0,
        limits,
    };
    let meta = p.dataset(bytes.len(), Syntax::Explicit, 0, false, Some(0x0002))?;
    let ts = meta
        .iter()
        .find(|e| e.tag == 0x0002_0010)
        .and_then(value_str)
        .map(text_of)
        .ok_or(MediaError::DocumentMalformed {
            format: F,
            offset: PREAMBLE + 4,
            what: "the file meta information has no transfer syntax",
        })?;
    let syntax = match ts.as_str() {
        "1.2.840.10008.1.2" => Syntax::Implicit,
        "1.2.840.10008.1.2.2" => {
            return Err(MediaError::DocumentUnsupported {
                format: F,
                what: "explicit VR big endian (a retired transfer syntax) is not supported",
            })
        }
        "1.2.840.10008.1.2.1.99" => {
            return Err(MediaError::DocumentUnsupported {
                format: F,
                what: "deflated transfer syntax is not supported",
            })
        }
        _ => Syntax::Explicit,
    };
    let data = p.dataset(bytes.len(), syntax, 0, false, None)?;
    Ok(File { meta, data, syntax })
}

fn field_name(tag: u32, keyword: &str) -> String {
    format!("DICOM:({:04X},{:04X}) {keyword}", tag >> 16, tag & 0xFFFF)
}

/// The value as text for the text rules: person names with `^` as spaces, dates as
/// `YYYY-MM-DD`.
fn readable(vr: [u8; 2], raw: &[u8]) -> String {
    let t = text_of(raw);
    match &vr {
        b"PN" => t
            .split('=')
            .map(|g| {
                g.split('^')
                    .filter(|s| !s.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|g| !g.is_empty())
            .collect::<Vec<_>>()
            .join(" = "),
        b"DA" if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..])
        }
        _ => t.replace('\\', "; "),
    }
}

fn is_yes(e: &Elem<'_>) -> bool {
    value_str(e).is_some_and(|v| text_of(v).eq_ignore_ascii_case("YES"))
}

fn walk(elems: &[Elem<'_>], deidentified: bool, c: &mut Collector) {
    for e in elems {
        let group = e.tag >> 16;
        if group & 1 == 1 {
            c.field_with(
                Class::Dicom,
                "DICOM:private",
                "private (vendor) attributes, which often repeat the patient's details",
                None,
                Some(Severity::Warning),
            );
            continue;
        }
        if let Val::Seq(items) = &e.val {
            if let Some(t) = tag_info(e.tag) {
                if t.4 != Report::Silent && !items.is_empty() {
                    report(c, e.tag, t.1, t.4, None);
                }
            }
            for item in items {
                walk(item, deidentified, c);
            }
            continue;
        }
        let Some(raw) = value_str(e) else { continue };
        if let Some(t) = tag_info(e.tag) {
            if t.4 != Report::Silent {
                let vr = if e.vr == *b"UN" { t.2 } else { e.vr };
                let text = readable(vr, raw);
                if !text.is_empty() {
                    report(c, e.tag, t.1, t.4, Some(&text));
                }
            }
        } else if e.vr == *b"PN" {
            let text = readable(e.vr, raw);
            if !text.is_empty() {
                report(c, e.tag, "person name", Report::Direct, Some(&text));
            }
        } else if e.tag == 0x0028_0301 && is_yes(e) {
            c.field_with(
                Class::Dicom,
                &field_name(e.tag, "BurnedInAnnotation"),
                "text burned into the pixels (BurnedInAnnotation)",
                None,
                Some(Severity::Warning),
            );
        } else if !deidentified {
            if let Some((_, kw)) = STUDY_UIDS.iter().find(|(t, _)| *t == e.tag) {
                if !text_of(raw).is_empty() {
                    c.field_with(
                        Class::Dicom,
                        &field_name(e.tag, kw),
                        &format!("{kw}, which links the file to the hospital's records"),
                        None,
                        Some(Severity::Warning),
                    );
                }
            }
        }
    }
}

fn report(c: &mut Collector, tag: u32, keyword: &str, how: Report, text: Option<&str>) {
    let severity = match how {
        Report::Direct => Severity::Error,
        _ => Severity::Warning,
    };
    let what = if keyword == "person name" {
        "a person's name".to_string()
    } else {
        keyword.to_string()
    };
    // Dates and codes are reported; only textual values go to the text rules.
    c.field_with(
        Class::Dicom,
        &field_name(tag, keyword),
        &what,
        text,
        Some(severity),
    );
}

/// Report the identifying attributes; returns whether the file says it is de-identified.
pub(crate) fn inspect(
    bytes: &[u8],
    limits: &DocLimits,
    c: &mut Collector,
) -> Result<bool, MediaError> {
    let file = parse(bytes, limits)?;
    let deidentified = file.data.iter().any(|e| e.tag == 0x0012_0062 && is_yes(e));
    walk(&file.data, deidentified, c);
    Ok(deidentified)
}

/// Replaces UIDs with new ones, the same new UID for the same old one.
struct UidMap {
    keys: (RandomState, RandomState),
    map: HashMap<Vec<u8>, Vec<u8>>,
}

impl UidMap {
    fn new() -> UidMap {
        UidMap {
            keys: (RandomState::new(), RandomState::new()),
            map: HashMap::new(),
        }
    }

    fn replace(&mut self, old: &[u8]) -> Vec<u8> {
        let key = text_of(old).into_bytes();
        if let Some(v) = self.map.get(&key) {
            return v.clone();
        }
        let mut h1 = self.keys.0.build_hasher();
        h1.write(&key);
        let mut h2 = self.keys.1.build_hasher();
        h2.write(&key);
        let n = (u128::from(h1.finish()) << 64) | u128::from(h2.finish());
        let mut v = format!("2.25.{n}").into_bytes();
        if v.len() % 2 == 1 {
            v.push(0);
        }
        self.map.insert(key, v.clone());
        v
    }
}

fn keeps_uid(tag: u32, value: &[u8]) -> bool {
    tag == 0x0002_0012 || text_of(value).starts_with("1.2.840.10008.")
}

fn is_uid(e: &Elem<'_>, syntax: Syntax) -> bool {
    e.vr == *b"UI" || (syntax == Syntax::Implicit && UID_TAGS.contains(&e.tag))
}

/// Apply the profile to a data set, at every level.
fn anonymise<'a>(elems: Vec<Elem<'a>>, syntax: Syntax, uids: &mut UidMap) -> Vec<Elem<'a>> {
    let mut out = Vec::with_capacity(elems.len());
    for mut e in elems {
        let group = e.tag >> 16;
        if group & 1 == 1
            || e.tag & 0xFFFF == 0
            || (0x5000..=0x50FF).contains(&group)
            || (0x6000..=0x60FF).contains(&group)
        {
            continue;
        }
        if let Some(t) = tag_info(e.tag) {
            match t.3 {
                Action::X => continue,
                Action::Z => {
                    e.val = Val::Bytes(Cow::Borrowed(&[]));
                    if e.vr == *b"UN" {
                        e.vr = t.2;
                    }
                    out.push(e);
                    continue;
                }
            }
        }
        if matches!(&e.vr, b"PN" | b"DA" | b"DT" | b"TM" | b"LT" | b"ST" | b"UT") {
            continue;
        }
        e.val = match e.val {
            Val::Seq(items) => Val::Seq(
                items
                    .into_iter()
                    .map(|item| anonymise(item, syntax, uids))
                    .collect(),
            ),
            Val::Bytes(b) if is_uid(&e, syntax) && !keeps_uid(e.tag, &b) => {
                Val::Bytes(Cow::Owned(uids.replace(&b)))
            }
            v => v,
        };
        out.push(e);
    }
    out
}

fn put_header(out: &mut Vec<u8>, tag: u32, vr: [u8; 2], len: u32, syntax: Syntax) {
    out.extend_from_slice(&((tag >> 16) as u16).to_le_bytes());
    out.extend_from_slice(&((tag & 0xFFFF) as u16).to_le_bytes());
    match syntax {
        Syntax::Explicit => {
            out.extend_from_slice(&vr);
            if long_vr(&vr) {
                out.extend_from_slice(&[0, 0]);
                out.extend_from_slice(&len.to_le_bytes());
            } else {
                out.extend_from_slice(&(len as u16).to_le_bytes());
            }
        }
        Syntax::Implicit => out.extend_from_slice(&len.to_le_bytes()),
    }
}

fn write_set(out: &mut Vec<u8>, elems: &[Elem<'_>], syntax: Syntax) {
    for e in elems {
        match &e.val {
            Val::Bytes(b) => {
                // A short-VR value longer than 16 bits cannot have come from an explicit file;
                // from an implicit one it is written as UN, which has a long length.
                let vr = if syntax == Syntax::Explicit && !long_vr(&e.vr) && b.len() > 0xFFFF {
                    *b"UN"
                } else {
                    e.vr
                };
                put_header(out, e.tag, vr, b.len() as u32, syntax);
                out.extend_from_slice(b);
            }
            Val::Seq(items) => {
                put_header(out, e.tag, *b"SQ", UNDEFINED, syntax);
                for item in items {
                    put_header(out, ITEM, *b"  ", UNDEFINED, Syntax::Implicit);
                    write_set(out, item, syntax);
                    put_header(out, ITEM_END, *b"  ", 0, Syntax::Implicit);
                }
                put_header(out, SEQ_END, *b"  ", 0, Syntax::Implicit);
            }
            Val::Encap(frags) => {
                put_header(out, e.tag, *b"OB", UNDEFINED, Syntax::Explicit);
                for f in frags {
                    put_header(out, ITEM, *b"  ", f.len() as u32, Syntax::Implicit);
                    out.extend_from_slice(f);
                }
                put_header(out, SEQ_END, *b"  ", 0, Syntax::Implicit);
            }
        }
    }
}

fn padded(s: &str, pad: u8) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    if v.len() % 2 == 1 {
        v.push(pad);
    }
    v
}

/// The de-identified copy: see the module docs.
/// The picture of a DICOM file as 8-bit grey, for reading text burned into the pixels.
pub(crate) struct Pixels {
    pub width: u32,
    pub height: u32,
    pub grey: Vec<u8>,
}

/// Image attributes of native (uncompressed) monochrome pixel data.
struct Geometry {
    rows: usize,
    cols: usize,
    bytes_per: usize,
    signed: bool,
    invert: bool,
    frames: usize,
}

fn us_value(data: &[Elem<'_>], tag: u32) -> Option<usize> {
    let e = data.iter().find(|e| e.tag == tag)?;
    match &e.val {
        Val::Bytes(b) if b.len() >= 2 => Some(u16::from_le_bytes([b[0], b[1]]) as usize),
        _ => None,
    }
}

fn geometry(data: &[Elem<'_>]) -> Option<Geometry> {
    let photometric = data
        .iter()
        .find(|e| e.tag == 0x0028_0004)
        .and_then(value_str)
        .map(text_of)?;
    let invert = match photometric.trim() {
        "MONOCHROME2" => false,
        "MONOCHROME1" => true,
        _ => return None,
    };
    if us_value(data, 0x0028_0002).unwrap_or(1) != 1 {
        return None;
    }
    let bytes_per = match us_value(data, 0x0028_0100)? {
        8 => 1,
        16 => 2,
        _ => return None,
    };
    let frames = data
        .iter()
        .find(|e| e.tag == 0x0028_0008)
        .and_then(value_str)
        .map(text_of)
        .and_then(|t| t.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    Some(Geometry {
        rows: us_value(data, 0x0028_0010)?,
        cols: us_value(data, 0x0028_0011)?,
        bytes_per,
        signed: us_value(data, 0x0028_0103) == Some(1),
        invert,
        frames,
    })
}

fn sample(px: &[u8], i: usize, g: &Geometry) -> i32 {
    if g.bytes_per == 1 {
        if g.signed {
            px[i] as i8 as i32
        } else {
            px[i] as i32
        }
    } else {
        let v = u16::from_le_bytes([px[2 * i], px[2 * i + 1]]);
        if g.signed {
            v as i16 as i32
        } else {
            v as i32
        }
    }
}

/// The first frame of native monochrome pixel data (8 or 16 bits), scaled to 8-bit grey from
/// its own range; `None` when the pixels are compressed, in colour, or absent (burned-in text is
/// then not read, and the caller says so).
pub(crate) fn pixels(
    bytes: &[u8],
    limits: &DocLimits,
    max_pixels: u64,
) -> Result<Option<Pixels>, MediaError> {
    let file = parse(bytes, limits)?;
    let Some(g) = geometry(&file.data) else {
        return Ok(None);
    };
    let Some(Val::Bytes(px)) = file
        .data
        .iter()
        .find(|e| e.tag == PIXEL_DATA)
        .map(|e| &e.val)
    else {
        return Ok(None);
    };
    let n = g
        .rows
        .checked_mul(g.cols)
        .filter(|&n| n > 0 && n as u64 <= max_pixels);
    let Some(n) = n else {
        return Ok(None);
    };
    if px.len() < n * g.bytes_per {
        return Ok(None);
    }
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for i in 0..n {
        let v = sample(px, i, &g);
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let span = (hi - lo).max(1) as i64;
    let grey = (0..n)
        .map(|i| {
            let v = ((sample(px, i, &g) - lo) as i64 * 255 / span) as u8;
            if g.invert {
                255 - v
            } else {
                v
            }
        })
        .collect();
    Ok(Some(Pixels {
        width: g.cols as u32,
        height: g.rows as u32,
        grey,
    }))
}

/// Black out `regions` (pixels of the first frame's geometry, grown like the image redaction)
/// in every frame of native monochrome pixel data.
fn blank(data: &mut [Elem<'_>], regions: &[clinpost_core::Region]) {
    let Some(g) = geometry(data) else {
        return;
    };
    let Some(e) = data.iter_mut().find(|e| e.tag == PIXEL_DATA) else {
        return;
    };
    let Val::Bytes(px) = &mut e.val else {
        return;
    };
    let px = px.to_mut();
    let frame = g.rows * g.cols * g.bytes_per;
    // "Black" is the darkest value as displayed: the minimum for MONOCHROME2, the maximum for
    // MONOCHROME1 (all ones for unsigned, the signed maximum otherwise).
    let black: [u8; 2] = match (g.invert, g.signed, g.bytes_per) {
        (false, false, _) => [0, 0],
        (false, true, 1) => [0x80, 0],
        (false, true, _) => [0x00, 0x80],
        (true, false, _) => [0xFF, 0xFF],
        (true, true, 1) => [0x7F, 0],
        (true, true, _) => [0xFF, 0x7F],
    };
    for f in 0..g.frames {
        let base = f * frame;
        if base + frame > px.len() {
            break;
        }
        for r in regions {
            let Some((x0, y0, x1, y1)) = crate::redact::grow(
                r,
                crate::redact::DEFAULT_MARGIN,
                g.cols as u32,
                g.rows as u32,
            ) else {
                continue;
            };
            for y in y0 as usize..y1 as usize {
                for x in x0 as usize..x1 as usize {
                    let at = base + (y * g.cols + x) * g.bytes_per;
                    px[at..at + g.bytes_per].copy_from_slice(&black[..g.bytes_per]);
                }
            }
        }
    }
}

pub(crate) fn clean(bytes: &[u8], limits: &DocLimits) -> Result<Vec<u8>, MediaError> {
    clean_with_regions(bytes, limits, &[])
}

/// The anonymised copy, with `regions` (text found burned into the pixels) blacked out in
/// native pixel data.
pub(crate) fn clean_with_regions(
    bytes: &[u8],
    limits: &DocLimits,
    regions: &[clinpost_core::Region],
) -> Result<Vec<u8>, MediaError> {
    let file = parse(bytes, limits)?;
    let mut uids = UidMap::new();
    let syntax = file.syntax;
    let mut data = anonymise(file.data, syntax, &mut uids);
    if !regions.is_empty() {
        blank(&mut data, regions);
    }
    data.retain(|e| !matches!(e.tag, 0x0012_0062 | 0x0012_0063 | 0x0028_0303));
    let vr = |v: &[u8; 2]| *v;
    data.push(Elem {
        tag: 0x0012_0062,
        vr: vr(b"CS"),
        val: Val::Bytes(Cow::Owned(padded("YES", b' '))),
    });
    data.push(Elem {
        tag: 0x0012_0063,
        vr: vr(b"LO"),
        val: Val::Bytes(Cow::Owned(padded(
            "clinpost: PS3.15 Basic Profile (subset)",
            b' ',
        ))),
    });
    data.push(Elem {
        tag: 0x0028_0303,
        vr: vr(b"CS"),
        val: Val::Bytes(Cow::Owned(padded("REMOVED", b' '))),
    });
    data.sort_by_key(|e| e.tag);

    let mut meta: Vec<Elem<'_>> = Vec::new();
    for mut e in file.meta {
        match e.tag {
            0x0002_0000 | 0x0002_0016 | 0x0002_0017 | 0x0002_0018 | 0x0002_0100 | 0x0002_0102 => {
                continue
            }
            _ => {}
        }
        if let Val::Bytes(b) = &e.val {
            if e.vr == *b"UI" && !keeps_uid(e.tag, b) {
                e.val = Val::Bytes(Cow::Owned(uids.replace(b)));
            }
        }
        meta.push(e);
    }
    let mut meta_bytes = Vec::new();
    write_set(&mut meta_bytes, &meta, Syntax::Explicit);

    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0u8; PREAMBLE]);
    out.extend_from_slice(b"DICM");
    put_header(&mut out, 0x0002_0000, *b"UL", 4, Syntax::Explicit);
    out.extend_from_slice(&(meta_bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(&meta_bytes);
    write_set(&mut out, &data, syntax);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_sorted_and_unique() {
        for w in TAGS.windows(2) {
            assert!(w[0].0 < w[1].0, "{} / {}", w[0].1, w[1].1);
        }
    }

    #[test]
    fn names_read_as_text() {
        assert_eq!(readable(*b"PN", b"SMITH^JOHN^^MR "), "SMITH JOHN MR");
        assert_eq!(readable(*b"DA", b"19410312"), "1941-03-12");
        assert_eq!(
            field_name(0x0010_0010, "PatientName"),
            "DICOM:(0010,0010) PatientName"
        );
    }

    #[test]
    fn uids_map_consistently() {
        let mut m = UidMap::new();
        let a = m.replace(b"1.2.3.4\0");
        assert_eq!(a, m.replace(b"1.2.3.4"));
        assert_ne!(a, m.replace(b"1.2.3.5"));
        assert!(a.starts_with(b"2.25.") && a.len() & 1 == 0 && a.len() <= 64);
    }
}
