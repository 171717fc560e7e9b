//! Badges: a self-contained SVG (shields "flat" look) and shields.io endpoint JSON.
//!
//! No maintained Rust badge crate fit (badge-maker 0.3 is unmaintained; rsbadges pulls a font
//! rasteriser), so the SVG is a small template. Text widths are estimated from a per-character
//! table of Verdana 11px advance widths (the font shields measures with).

use std::io::{self, Write};

use serde_json::json;

use crate::model::{Report, Status};

/// The badge's left-hand text.
pub const LABEL: &str = "cargo ready";
/// shields' minimum cache time, in seconds.
const CACHE_SECONDS: u32 = 300;

/// The right-hand text, e.g. `87% ready`, or `100% ready · 367 baselined` when a baseline or
/// a diff base set findings aside.
pub fn message(report: &Report) -> String {
    let word = match report.status {
        Status::Ready => "ready",
        Status::Warn => "warn",
        Status::NotReady => "not ready",
    };
    match super::set_aside(report, false) {
        Some(aside) => format!("{}% {word} · {aside}", report.score),
        None => format!("{}% {word}", report.score),
    }
}

/// shields named colour for the status.
pub fn color_name(status: Status) -> &'static str {
    match status {
        Status::Ready => "brightgreen",
        Status::Warn => "yellow",
        Status::NotReady => "red",
    }
}

/// The hex value shields uses for the named colour.
fn color_hex(status: Status) -> &'static str {
    match status {
        Status::Ready => "#4c1",
        Status::Warn => "#dfb317",
        Status::NotReady => "#e05d44",
    }
}

/// Writes the shields.io endpoint JSON (only keys shields accepts).
pub fn render_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let v = json!({
        "schemaVersion": 1,
        "label": LABEL,
        "message": message(report),
        "color": color_name(report.status),
        "cacheSeconds": CACHE_SECONDS,
    });
    let text = serde_json::to_string_pretty(&v).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

/// Writes the SVG badge.
pub fn render_svg(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        svg(LABEL, &message(report), color_hex(report.status))
    )
}

/// A flat two-part badge.
fn svg(label: &str, message: &str, color: &str) -> String {
    let lw = text_width(label) + 10;
    let mw = text_width(message) + 10;
    let w = lw + mw;
    let (lx, mx) = (lw * 5, lw * 10 + mw * 5);
    let (ltl, mtl) = ((lw - 10) * 10, (mw - 10) * 10);
    let (label, message) = (xml_escape(label), xml_escape(message));
    let aria = format!("{label}: {message}");
    format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{aria}">"##,
            r##"<title>{aria}</title>"##,
            r##"<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>"##,
            r##"<clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath>"##,
            r##"<g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{mw}" height="20" fill="{color}"/><rect width="{w}" height="20" fill="url(#s)"/></g>"##,
            r##"<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">"##,
            r##"<text aria-hidden="true" x="{lx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{ltl}">{label}</text>"##,
            r##"<text x="{lx}" y="140" transform="scale(.1)" fill="#fff" textLength="{ltl}">{label}</text>"##,
            r##"<text aria-hidden="true" x="{mx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{mtl}">{message}</text>"##,
            r##"<text x="{mx}" y="140" transform="scale(.1)" fill="#fff" textLength="{mtl}">{message}</text>"##,
            r##"</g></svg>"##
        ),
        w = w,
        lw = lw,
        mw = mw,
        lx = lx,
        mx = mx,
        ltl = ltl,
        mtl = mtl,
        label = label,
        message = message,
        aria = aria,
        color = color,
    )
}

/// Estimated width in whole pixels of `text` in Verdana 11px.
pub fn text_width(text: &str) -> u32 {
    let tenths: u32 = text.chars().map(char_width_tenths).sum();
    tenths.div_ceil(10)
}

/// Advance width of one character in tenths of a pixel (Verdana 11px).
fn char_width_tenths(c: char) -> u32 {
    match c {
        ' ' => 39,
        '!' | 'i' | 'l' | '|' | '\'' => 30,
        '.' | ',' | ':' | ';' => 39,
        'f' | 'j' | 't' | 'I' => 43,
        'r' => 47,
        '-' | '/' | '(' | ')' | '[' | ']' => 50,
        'c' | 's' | 'z' => 57,
        'J' => 50,
        'k' | 'v' | 'x' | 'y' => 64,
        'e' => 66,
        'a' | 'o' => 67,
        'b' | 'd' | 'g' | 'p' | 'q' | 'h' | 'n' | 'u' => 70,
        '0'..='9' | '#' | '$' | '+' | '=' | '<' | '>' | '_' | '~' => 70,
        'F' | 'L' | 'E' | 'P' | 'S' | 'T' | 'Z' => 69,
        'A' | 'B' | 'K' | 'R' | 'V' | 'X' | 'Y' => 75,
        'C' | 'U' | 'N' | 'H' | 'D' => 80,
        'G' | 'O' | 'Q' => 86,
        'w' => 89,
        'M' => 92,
        'm' => 107,
        'W' => 109,
        '%' => 119,
        '@' => 120,
        _ => 75,
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text() {
        assert!(text_width("87% ready") > text_width("87%"));
        assert_eq!(text_width(""), 0);
    }
}
