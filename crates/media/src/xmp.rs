//! XMP: an RDF/XML packet (JPEG APP1 `http://ns.adobe.com/xap/1.0/` plus extended-XMP
//! segments, PNG `iTXt` `XML:com.adobe.xmp`, WebP `XMP `, Photoshop resource 0x0424, TIFF
//! tag 0x02BC).
//!
//! XMP properties appear as attributes of `rdf:Description` (`exif:GPSLatitude="51,30.0N"`),
//! as elements with text (`<photoshop:City>...</photoshop:City>`), as arrays
//! (`<dc:creator><rdf:Seq><rdf:li>...</rdf:li></rdf:Seq></dc:creator>`) and as structures
//! whose fields are elements or attributes (`<mwg-rs:Regions>...<mwg-rs:Name>`). A small,
//! forgiving tokenizer walks the packet (no DTDs, no entity expansion beyond the five XML
//! entities and character references, never recursion, bounded by the packet's length) and
//! reports each property by the innermost non-`rdf:` element or attribute that holds text.
//! Properties are classified by their qualified name, with a fallback on words in the local
//! name (`...SerialNumber`, `...Owner...`), so that recall does not depend on a closed list.

use crate::exif::report_position;
use crate::rules::{Class, Collector};

/// Report the identifying properties of the XMP packet `xml` into `c` (`XMP:prefix:Name`).
pub(crate) fn inspect(xml: &[u8], c: &mut Collector) {
    let text = String::from_utf8_lossy(strip_bom(xml));
    let mut position = [false; 2];
    let mut destination = [false; 2];
    walk(&text, &mut |qname, value| {
        let Some((class, what)) = classify(qname) else {
            return;
        };
        if class == Class::Gps {
            let local = local(qname);
            let slot = if local.ends_with("Latitude") { 0 } else { 1 };
            if local.starts_with("GPSDest") {
                destination[slot] = true;
            } else {
                position[slot] = true;
            }
            return;
        }
        let field = format!("XMP:{qname}");
        match class {
            Class::Date | Class::Hidden => c.field(class, &field, what, None),
            _ => c.field(class, &field, what, Some(value)),
        }
    });
    report_position(
        c,
        "XMP:exif:GPSLatitude",
        "XMP:exif:GPSLongitude",
        position,
        "GPS position",
    );
    report_position(
        c,
        "XMP:exif:GPSDestLatitude",
        "XMP:exif:GPSDestLongitude",
        destination,
        "GPS destination position",
    );
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(b)
}

fn local(qname: &str) -> &str {
    qname.rsplit(':').next().unwrap_or(qname)
}

/// Class of an XMP property by qualified name.
fn classify(qname: &str) -> Option<(Class, &'static str)> {
    let (prefix, name) = match qname.split_once(':') {
        Some((p, n)) => (p, n),
        None => ("", qname),
    };
    let c = match (prefix, name) {
        (_, "GPSLatitude" | "GPSLongitude" | "GPSDestLatitude" | "GPSDestLongitude") => {
            (Class::Gps, "GPS position")
        }
        (_, "GPSTimeStamp" | "GPSDateStamp" | "GPSDateTime") => (Class::Date, "GPS time stamp"),
        (_, "GPSAreaInformation") => (Class::Place, "GPS area name"),
        ("dc", "creator") => (Class::Identity, "author name"),
        ("dc", "rights") => (Class::Identity, "copyright holder"),
        ("dc", "contributor" | "publisher") => (Class::Identity, "contributor or publisher"),
        ("dc", "description") => (Class::Text, "description"),
        ("dc", "title") => (Class::Text, "title"),
        ("dc", "subject") => (Class::Text, "keywords"),
        ("dc", "source") => (Class::Text, "source"),
        ("xmp", "CreatorTool") => return None,
        ("xmp", "Label" | "Rating") => return None,
        ("xmp" | "photoshop" | "exif" | "tiff", _) if name.contains("Date") => {
            (Class::Date, "date")
        }
        ("xmp", "Author") | ("pdf", "Author") => (Class::Identity, "author name"),
        ("xmp", "Nickname") => (Class::Identity, "nickname"),
        ("photoshop", "AuthorsPosition") => (Class::Identity, "author's job title"),
        ("photoshop", "CaptionWriter") => (Class::Identity, "caption writer"),
        ("photoshop", "Credit") => (Class::Identity, "credit line"),
        ("photoshop", "Headline") => (Class::Text, "headline"),
        ("photoshop", "Instructions") => (Class::Text, "instructions"),
        ("photoshop", "Source") => (Class::Text, "source"),
        ("photoshop", "City" | "State") | ("Iptc4xmpCore", "Location") => {
            (Class::Place, "place name")
        }
        ("photoshop" | "Iptc4xmpCore" | "Iptc4xmpExt", "Country" | "CountryCode") => return None,
        ("Iptc4xmpExt", "City" | "Sublocation" | "LocationName" | "ProvinceState") => {
            (Class::Place, "place name")
        }
        ("Iptc4xmpCore", n) if n.starts_with("Ci") => {
            (Class::Identity, "creator's contact details")
        }
        ("Iptc4xmpExt", "PersonInImage" | "PersonName") => (Class::Identity, "person shown"),
        ("Iptc4xmpExt", "Event") => (Class::Text, "event"),
        ("Iptc4xmpCore", "AltTextAccessibility" | "ExtDescrAccessibility") => {
            (Class::Text, "alternative text")
        }
        ("mwg-rs", "Name") | ("MPReg", "PersonDisplayName") => {
            (Class::Identity, "person tagged in the picture")
        }
        ("MPReg", "PersonEmailDigest" | "PersonLiveIdCID") => {
            (Class::Identity, "person tagged in the picture")
        }
        ("lr", "hierarchicalSubject")
        | ("MicrosoftPhoto", "LastKeywordXMP" | "LastKeywordIPTC") => (Class::Text, "keywords"),
        ("xmpRights", "Owner") => (Class::Identity, "rights owner"),
        ("xmpRights", "UsageTerms") => (Class::Text, "usage terms"),
        ("exif", "UserComment") => (Class::Text, "user comment"),
        ("tiff", "ImageDescription") => (Class::Text, "image description"),
        ("tiff", "Artist") => (Class::Identity, "author or artist name"),
        ("tiff", "Copyright") => (Class::Identity, "copyright holder"),
        ("xmpMM" | "stRef" | "stEvt" | "crs" | "x" | "rdf" | "xml", _) => return None,
        _ => {
            // Recall first: names that say what they hold.
            if name.contains("Serial") {
                (Class::Identity, "serial number")
            } else if name.contains("Owner") || name.contains("Author") || name.contains("Artist") {
                (Class::Identity, "owner or author name")
            } else if name.contains("Caption") || name.contains("Comment") {
                (Class::Text, "caption or comment")
            } else {
                return None;
            }
        }
    };
    Some(c)
}

/// Walk the packet, calling `emit(qualified name, text)` for every property value.
fn walk(xml: &str, emit: &mut dyn FnMut(&str, &str)) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if !text.trim().is_empty() {
            if let Some(owner) = stack.iter().rev().find(|n| !n.starts_with("rdf:")) {
                emit(owner, &unescape(text));
            }
        }
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.find("-->").map_or("", |i| &r[i + 3..]);
        } else if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let end = r.find("]]>").unwrap_or(r.len());
            if let Some(owner) = stack.iter().rev().find(|n| !n.starts_with("rdf:")) {
                if !r[..end].trim().is_empty() {
                    emit(owner, &r[..end]);
                }
            }
            rest = r.get(end + 3..).unwrap_or("");
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
        } else if let Some(r) = rest.strip_prefix("</") {
            stack.pop();
            rest = r.find('>').map_or("", |i| &r[i + 1..]);
        } else {
            let Some((tag, after)) = split_tag(&rest[1..]) else {
                return;
            };
            rest = after;
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
            let name = &tag[..name_end];
            for (attr, value) in attributes(&tag[name_end..]) {
                if attr.starts_with("xmlns") || attr.starts_with("rdf:") || attr.starts_with("xml:")
                {
                    continue;
                }
                if !value.trim().is_empty() {
                    emit(attr, &unescape(value));
                }
            }
            if !self_closing {
                stack.push(name);
                // Bound the depth: a hostile packet cannot grow the stack without limit
                // beyond its own length, but keep it small anyway.
                if stack.len() > 256 {
                    return;
                }
            }
        }
    }
}

/// Split `s` (after `<`) at the `>` that ends the tag, honouring quoted attribute values.
fn split_tag(s: &str) -> Option<(&str, &str)> {
    let mut quote: Option<char> = None;
    for (i, ch) in s.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(ch),
            (None, '>') => return Some((&s[..i], &s[i + 1..])),
            _ => {}
        }
    }
    None
}

/// `name="value"` pairs.
fn attributes(mut s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start();
        let Some(eq) = s.find('=') else {
            return out;
        };
        let name = s[..eq].trim();
        let after = s[eq + 1..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            return out;
        };
        let body = &after[1..];
        let Some(end) = body.find(q) else {
            return out;
        };
        out.push((name, &body[..end]));
        s = &body[end + 1..];
    }
}

/// Decode the five XML entities and numeric character references.
fn unescape(s: &str) -> String {
    let s = s.trim();
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let r = &rest[i + 1..];
        let Some(semi) = r.find(';').filter(|n| *n <= 10) else {
            out.push('&');
            rest = r;
            continue;
        };
        let ent = &r[..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .or_else(|| ent.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &r[semi + 1..];
            }
            None => {
                out.push('&');
                rest = r;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(xml: &str) -> Vec<(String, String)> {
        let mut v = Vec::new();
        walk(xml, &mut |n, t| v.push((n.to_string(), t.to_string())));
        v
    }

    #[test]
    fn attributes_elements_arrays_and_structures() {
        let xml = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" exif:GPSLatitude="51,30.04N" xmp:CreatorTool="Cam 1.0">
 <dc:creator><rdf:Seq><rdf:li>A &amp; B</rdf:li></rdf:Seq></dc:creator>
 <mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag><rdf:li>
   <rdf:Description mwg-rs:Name="Face Person" mwg-rs:Type="Face"/></rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
 <!-- a <comment> -->
 <photoshop:City><![CDATA[Some Town]]></photoshop:City>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#;
        let p = props(xml);
        assert!(p.contains(&("exif:GPSLatitude".into(), "51,30.04N".into())));
        assert!(p.contains(&("dc:creator".into(), "A & B".into())));
        assert!(p.contains(&("mwg-rs:Name".into(), "Face Person".into())));
        assert!(p.contains(&("photoshop:City".into(), "Some Town".into())));
        let mut c = Collector::new(1 << 20);
        inspect(xml.as_bytes(), &mut c);
        let fields: Vec<_> = c.findings.iter().filter_map(|f| f.field.clone()).collect();
        for want in [
            "XMP:exif:GPSLatitude",
            "XMP:dc:creator",
            "XMP:mwg-rs:Name",
            "XMP:photoshop:City",
        ] {
            assert!(
                fields.iter().any(|f| f == want),
                "{want} missing from {fields:?}"
            );
        }
        assert!(!fields
            .iter()
            .any(|f| f.contains("CreatorTool") || f.contains("Type")));
    }

    #[test]
    fn hostile_packets_do_not_panic() {
        for s in [
            "<",
            "<a",
            "<a b=\"",
            "</",
            "<![CDATA[",
            "<!--",
            "&#xD800;",
            "<a>&#99999999;</a>",
            "<a b='1' c=\"2>",
            "<é:ü>ç</é:ü>",
            "<a>&amp</a>",
            "&",
        ] {
            let mut c = Collector::new(1 << 20);
            inspect(s.as_bytes(), &mut c);
        }
        let deep = "<a>".repeat(10_000);
        inspect(deep.as_bytes(), &mut Collector::new(1 << 20));
    }

    #[test]
    fn entities() {
        assert_eq!(unescape("a&lt;b&#65;&#x42;&bogus;"), "a<bAB&bogus;");
    }
}
