//! The map as SVG: districts as a choropleth of actor counts, actors as
//! markers coloured by kind. The same drawing is `map.svg` (static, with a
//! legend) and the map inside `index.html` (made interactive by its script).

use super::text::t;
use crate::export::label;
use crate::metric::LocalPlane;
use crate::model::{EntityKind, Lang};
use crate::query::{Atlas, EntityRow};
use geo::{BoundingRect, Coord, InteriorPoint, LineString, MultiPolygon};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Width of the drawing in SVG units; the height follows the district extent.
const WIDTH: f64 = 1000.0;
const MARGIN: f64 = 20.0;

/// Marker colour per entity kind (ColorBrewer Dark2).
pub fn kind_colour(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Partner => "#1b9e77",
        EntityKind::Initiative => "#d95f02",
        EntityKind::Project => "#7570b3",
        EntityKind::Body => "#e7298a",
    }
}

/// Sequential fill classes (ColorBrewer Blues), class 0 = no actor.
const CLASS_FILL: [&str; 5] = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];

/// Upper bounds of the choropleth classes 1..4 for counts 1..=max.
fn class_bounds(max: usize) -> [usize; 4] {
    let step = (max as f64 / 4.0).max(1.0);
    [1, 2, 3, 4].map(|k| ((step * k as f64).ceil() as usize).max(k))
}

fn class_of(count: usize, bounds: &[usize; 4]) -> usize {
    if count == 0 {
        return 0;
    }
    1 + bounds.iter().position(|&b| count <= b).unwrap_or(3)
}

/// WGS84 → SVG coordinates through a local plane (metres, north up).
pub struct Frame {
    plane: LocalPlane,
    min: Coord<f64>,
    max: Coord<f64>,
    scale: f64,
    pub height: f64,
}

impl Frame {
    /// A frame around the districts of a level.
    pub fn around(atlas: &Atlas, level: &str) -> Option<Self> {
        let rects: Vec<geo::Rect<f64>> = atlas
            .districts
            .iter()
            .filter(|d| d.level == level)
            .filter_map(|d| d.geometry.as_ref()?.bounding_rect())
            .collect();
        let first = rects.first()?;
        let (mut lo, mut hi) = (first.min(), first.max());
        for r in &rects {
            lo = Coord {
                x: lo.x.min(r.min().x),
                y: lo.y.min(r.min().y),
            };
            hi = Coord {
                x: hi.x.max(r.max().x),
                y: hi.y.max(r.max().y),
            };
        }
        Some(Self::over(lo, hi))
    }

    /// A frame around the lon/lat box from `lo` to `hi`.
    fn over(lo: Coord<f64>, hi: Coord<f64>) -> Self {
        let plane = LocalPlane::around((lo.x + hi.x) / 2.0);
        let corners = [
            lo,
            hi,
            Coord { x: lo.x, y: hi.y },
            Coord { x: hi.x, y: lo.y },
        ]
        .map(|c| plane.project(c));
        let min = Coord {
            x: corners.iter().map(|c| c.x).fold(f64::INFINITY, f64::min),
            y: corners.iter().map(|c| c.y).fold(f64::INFINITY, f64::min),
        };
        let max = Coord {
            x: corners
                .iter()
                .map(|c| c.x)
                .fold(f64::NEG_INFINITY, f64::max),
            y: corners
                .iter()
                .map(|c| c.y)
                .fold(f64::NEG_INFINITY, f64::max),
        };
        let scale = (WIDTH - 2.0 * MARGIN) / (max.x - min.x);
        let height = (max.y - min.y) * scale + 2.0 * MARGIN;
        Self {
            plane,
            min,
            max,
            scale,
            height,
        }
    }

    /// SVG position of a WGS84 coordinate; `None` outside the frame.
    pub fn place(&self, c: Coord<f64>) -> Option<(f64, f64)> {
        let p = self.plane.project(c);
        let inside =
            p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y;
        inside.then(|| self.to_svg(p))
    }

    /// The lon/lat of the corners of a grid of `n` × `n` cells over the
    /// drawing, for a page's script to tell where a click fell.
    pub fn picking(&self, n: usize) -> Picking {
        let (w, h) = (WIDTH - 2.0 * MARGIN, self.height - 2.0 * MARGIN);
        let mut lon = Vec::with_capacity(n + 1);
        let mut lat = Vec::with_capacity(n + 1);
        for j in 0..=n {
            let sy = MARGIN + h * j as f64 / n as f64;
            let (mut lons, mut lats) = (Vec::new(), Vec::new());
            for i in 0..=n {
                let sx = MARGIN + w * i as f64 / n as f64;
                let c = self.plane.unproject(Coord {
                    x: self.min.x + (sx - MARGIN) / self.scale,
                    y: self.max.y - (sy - MARGIN) / self.scale,
                });
                // A metre is about 1e-5 degrees: seven places keep a centimetre.
                lons.push((c.x * 1e7).round() / 1e7);
                lats.push((c.y * 1e7).round() / 1e7);
            }
            lon.push(lons);
            lat.push(lats);
        }
        Picking {
            x0: MARGIN,
            y0: MARGIN,
            dx: w / n as f64,
            dy: h / n as f64,
            n,
            lon,
            lat,
        }
    }

    fn to_svg(&self, p: Coord<f64>) -> (f64, f64) {
        (
            MARGIN + (p.x - self.min.x) * self.scale,
            MARGIN + (self.max.y - p.y) * self.scale,
        )
    }

    fn path(&self, area: &MultiPolygon<f64>) -> String {
        let mut d = String::new();
        let mut ring = |ls: &LineString<f64>| {
            for (i, c) in ls.coords().enumerate() {
                let (x, y) = self.to_svg(self.plane.project(*c));
                let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
            }
            d.push('Z');
        };
        for polygon in &area.0 {
            ring(polygon.exterior());
            for hole in polygon.interiors() {
                ring(hole);
            }
        }
        d
    }
}

/// What the map drew, for the page and the tests.
pub struct Drawing {
    pub svg: String,
    pub markers: usize,
    /// Located entities (point or area) whose place lies outside the frame.
    pub outside_frame: Vec<String>,
    /// Where a click on the map falls, for the served page's "propose an
    /// entry here" link; `None` without a map.
    pub picking: Option<Picking>,
}

/// Cells of the map's grid per side in [`Picking`]: over a city of 20 km
/// one is 1 km wide, and the plane's curvature within it is far below a metre.
const PICKING_CELLS: usize = 16;

/// The lon/lat at the corners of a grid over the drawing (row `j`, column
/// `i` at SVG `x0 + i·dx`, `y0 + j·dy`); between them a point is
/// interpolated bilinearly ([`Picking::at`]; the page's script does the same).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Picking {
    pub x0: f64,
    pub y0: f64,
    pub dx: f64,
    pub dy: f64,
    pub n: usize,
    pub lon: Vec<Vec<f64>>,
    pub lat: Vec<Vec<f64>>,
}

// The page's script reads the grid (`lonLat` in page.js); this is the same
// reading, the tests' measure of the grid.
#[cfg(test)]
impl Picking {
    /// The lon/lat of SVG point (`x`, `y`); `None` outside the grid.
    pub fn at(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let (u, v) = ((x - self.x0) / self.dx, (y - self.y0) / self.dy);
        let last = self.n as f64;
        if !(0.0..=last).contains(&u) || !(0.0..=last).contains(&v) {
            return None;
        }
        let (i, j) = (
            (u.floor() as usize).min(self.n - 1),
            (v.floor() as usize).min(self.n - 1),
        );
        let (fu, fv) = (u - i as f64, v - j as f64);
        let mix = |g: &[Vec<f64>]| {
            let top = g[j][i] * (1.0 - fu) + g[j][i + 1] * fu;
            let bottom = g[j + 1][i] * (1.0 - fu) + g[j + 1][i + 1] * fu;
            top * (1.0 - fv) + bottom * fv
        };
        Some((mix(&self.lon), mix(&self.lat)))
    }
}

/// Draws the map with its legend, the provisional notice and the licence
/// attributions (which the BKG licence wants next to the map).
pub fn draw(atlas: &Atlas, rows: &[EntityRow], level: &str, lang: Lang) -> Drawing {
    let Some(frame) = Frame::around(atlas, level) else {
        return Drawing {
            svg: String::new(),
            markers: 0,
            outside_frame: Vec::new(),
            picking: None,
        };
    };
    let level_pos = atlas.level_position(level);
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for r in rows {
        for d in &atlas.assignments[r.index][level_pos] {
            if let crate::districts::DistrictRef::District(i) = d {
                *counts.entry(*i).or_default() += 1;
            }
        }
    }
    let bounds = class_bounds(counts.values().copied().max().unwrap_or(0));
    let height = frame.height + 120.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="map" viewBox="0 0 {WIDTH} {height:.0}" width="{WIDTH}" height="{height:.0}" font-family="sans-serif" font-size="12">"#
    );
    s.push_str(r##"<g id="districts" stroke="#555" stroke-width="0.8">"##);
    for (i, d) in atlas
        .districts
        .iter()
        .enumerate()
        .filter(|(_, d)| d.level == level)
    {
        let Some(area) = &d.geometry else { continue };
        let n = counts.get(&i).copied().unwrap_or(0);
        let _ = write!(
            s,
            r#"<path class="district" d="{}" fill="{}" fill-rule="evenodd" data-id="{}" data-name="{}" data-count="{n}" data-population="{}" data-provisional="{}"><title>{}: {n}</title></path>"#,
            frame.path(area),
            CLASS_FILL[class_of(n, &bounds)],
            attr(&d.id),
            attr(&d.name),
            d.population.map(|p| p.to_string()).unwrap_or_default(),
            d.provisional,
            text(&d.name),
        );
    }
    s.push_str("</g><g id=\"areas\" fill=\"none\" stroke-width=\"1.5\" stroke-dasharray=\"4 2\">");
    for r in rows {
        if let (None, Some(area)) = (
            atlas.entities[r.index].location,
            &atlas.entities[r.index].area,
        ) {
            let _ = write!(
                s,
                r#"<path d="{}" stroke="{}"/>"#,
                frame.path(area),
                kind_colour(r.kind)
            );
        }
    }
    s.push_str("</g><g id=\"links\" stroke=\"#444\" stroke-opacity=\"0.35\">");
    // Collaborations: partners that share a project, initiative or body.
    if let Ok(net) = crate::governance::network(atlas, None, 1) {
        let at: std::collections::HashMap<&str, (f64, f64)> = net
            .nodes
            .iter()
            .filter_map(|n| {
                Some((
                    n.id.as_str(),
                    frame.place(Coord {
                        x: n.lon?,
                        y: n.lat?,
                    })?,
                ))
            })
            .collect();
        for e in &net.edges {
            if let (Some(a), Some(b)) = (at.get(e.from.as_str()), at.get(e.to.as_str())) {
                let _ = write!(
                    s,
                    r#"<line class="link" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke-width="{:.1}"><title>{}</title></line>"#,
                    a.0,
                    a.1,
                    b.0,
                    b.1,
                    (e.weight as f64).sqrt().min(4.0),
                    text(&e.shared.join("; "))
                );
            }
        }
    }
    s.push_str("</g><g id=\"markers\" stroke=\"#fff\" stroke-width=\"1\">");
    let mut markers = 0;
    let mut outside_frame = Vec::new();
    for r in rows {
        let e = &atlas.entities[r.index];
        let place = match (e.location, &e.area) {
            (Some(p), _) => Some(p.point().0),
            (None, Some(area)) => area.interior_point().map(|p| p.0),
            (None, None) => None,
        };
        let Some(c) = place else { continue };
        let Some((x, y)) = frame.place(c) else {
            outside_frame.push(r.name.clone());
            continue;
        };
        markers += 1;
        let fields = if r.fields.is_empty() {
            "-".to_string()
        } else {
            r.fields.join(" ")
        };
        let _ = write!(
            s,
            r#"<circle class="marker" cx="{x:.1}" cy="{y:.1}" r="5" fill="{}" data-id="{}" data-kind="{}" data-fields="{}"><title>{}</title></circle>"#,
            kind_colour(r.kind),
            attr(&r.id),
            r.kind,
            attr(&fields),
            text(&r.name),
        );
    }
    s.push_str("</g>");
    {
        let y0 = frame.height + 10.0;
        let _ = write!(
            s,
            r#"<text x="{MARGIN}" y="{:.0}" font-weight="bold">{}</text>"#,
            y0 + 12.0,
            text(t("legend_count", lang))
        );
        let mut lower = 1;
        for (k, fill) in CLASS_FILL.iter().enumerate() {
            let range = if k == 0 {
                "0".to_string()
            } else {
                let l = format!("{lower}–{}", bounds[k - 1]);
                lower = bounds[k - 1] + 1;
                l
            };
            let x = MARGIN + k as f64 * 70.0;
            let _ = write!(
                s,
                r##"<rect x="{x}" y="{:.0}" width="16" height="12" fill="{fill}" stroke="#555"/><text x="{}" y="{:.0}">{range}</text>"##,
                y0 + 20.0,
                x + 20.0,
                y0 + 31.0
            );
        }
        for (k, kind) in EntityKind::ALL.iter().enumerate() {
            let x = MARGIN + 400.0 + k as f64 * 110.0;
            let _ = write!(
                s,
                r#"<circle cx="{}" cy="{:.0}" r="5" fill="{}"/><text x="{}" y="{:.0}">{}</text>"#,
                x + 6.0,
                y0 + 26.0,
                kind_colour(*kind),
                x + 16.0,
                y0 + 31.0,
                label(kind.as_str(), lang)
            );
        }
        let mut line = y0 + 55.0;
        if atlas.has_provisional_districts() {
            let _ = write!(
                s,
                r##"<text x="{MARGIN}" y="{line:.0}" fill="#b00">{}</text>"##,
                text(t("provisional", lang))
            );
            line += 16.0;
        }
        if !outside_frame.is_empty() {
            let _ = write!(
                s,
                r#"<text x="{MARGIN}" y="{line:.0}">{} {}: {}</text>"#,
                outside_frame.len(),
                text(t("outside_frame", lang)),
                text(&outside_frame.join("; "))
            );
            line += 16.0;
        }
        for licence in attributions(atlas) {
            let _ = write!(
                s,
                r##"<text x="{MARGIN}" y="{line:.0}" fill="#444" font-size="10">{}</text>"##,
                text(&licence)
            );
            line += 14.0;
        }
    }
    s.push_str("</svg>");
    Drawing {
        svg: s,
        markers,
        outside_frame,
        picking: Some(frame.picking(PICKING_CELLS)),
    }
}

/// The distinct licence/attribution texts of the districts, for the map.
pub fn attributions(atlas: &Atlas) -> Vec<String> {
    let mut out: Vec<String> = atlas
        .districts
        .iter()
        .filter_map(|d| d.license.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_zero_to_max() {
        let b = class_bounds(21);
        assert_eq!(class_of(0, &b), 0);
        assert_eq!(class_of(1, &b), 1);
        assert_eq!(class_of(21, &b), 4);
        let b = class_bounds(2);
        assert_eq!(class_of(2, &b), 2);
    }

    /// A point placed on the map and read back from the picking grid lies
    /// within half a metre of where it was, all over a city's frame.
    #[test]
    fn a_click_on_the_map_is_read_back_to_its_place() {
        let frame = Frame::over(Coord { x: 11.85, y: 51.38 }, Coord { x: 12.10, y: 51.55 });
        let picking = frame.picking(PICKING_CELLS);
        let mut worst: f64 = 0.0;
        for a in 0..=40 {
            for b in 0..=40 {
                let c = Coord {
                    x: 11.855 + 0.24 * f64::from(a) / 40.0,
                    y: 51.385 + 0.16 * f64::from(b) / 40.0,
                };
                let (x, y) = frame.place(c).expect("inside the frame");
                let (lon, lat) = picking.at(x, y).expect("inside the grid");
                let there = crate::model::LonLat::new(lon, lat).unwrap();
                let here = crate::model::LonLat::new(c.x, c.y).unwrap();
                worst = worst.max(crate::metric::geodesic(here, there).get());
            }
        }
        assert!(worst < 0.5, "{worst} m");
        assert!(picking.at(0.0, 0.0).is_none());
        assert!(picking.at(WIDTH, frame.height).is_none());
    }
}
