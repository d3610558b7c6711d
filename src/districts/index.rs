//! Point-in-district lookup: an R-tree over district envelopes, then an
//! interval-tree polygon test (`geo::IntervalTreeMultiPolygon`), so a lookup
//! touches only the edges that cross the point's latitude. Points on an edge
//! are found through a second R-tree over the edges themselves.

use crate::model::District;
use geo::algorithm::indexed::IntervalTreeMultiPolygon;
use geo::orient::{Direction, Orient};
use geo::{BoundingRect, Contains, Intersects, Line, LinesIter, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

type Envelope = GeomWithData<Rectangle<[f64; 2]>, usize>;
type Edge = GeomWithData<rstar::primitives::Line<[f64; 2]>, usize>;

/// Spatial index of the districts that have a geometry.
pub struct DistrictIndex {
    envelopes: RTree<Envelope>,
    prepared: Vec<Option<IntervalTreeMultiPolygon<f64>>>,
    shapes: Vec<Option<MultiPolygon<f64>>>,
    /// Every ring segment, with its district.
    edges: RTree<Edge>,
}

impl std::fmt::Debug for DistrictIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DistrictIndex")
            .field("districts", &self.envelopes.size())
            .finish()
    }
}

impl DistrictIndex {
    /// Indexes the districts' geometries (those without one are skipped).
    pub fn new(districts: &[District]) -> Self {
        let mut items = Vec::new();
        let mut edges = Vec::new();
        let mut prepared = Vec::with_capacity(districts.len());
        let mut shapes = Vec::with_capacity(districts.len());
        for (i, d) in districts.iter().enumerate() {
            match d
                .geometry
                .as_ref()
                .and_then(|g| Some((g, g.bounding_rect()?)))
            {
                Some((geometry, rect)) => {
                    items.push(GeomWithData::new(
                        Rectangle::from_corners(
                            [rect.min().x, rect.min().y],
                            [rect.max().x, rect.max().y],
                        ),
                        i,
                    ));
                    // The interval tree counts winding numbers, so a hole wound
                    // like its shell would count as inside: orient first.
                    let oriented = geometry.orient(Direction::Default);
                    prepared.push(Some(IntervalTreeMultiPolygon::new(&oriented)));
                    edges.extend(geometry.lines_iter().map(|l| {
                        GeomWithData::new(
                            rstar::primitives::Line::new(
                                [l.start.x, l.start.y],
                                [l.end.x, l.end.y],
                            ),
                            i,
                        )
                    }));
                    shapes.push(Some(geometry.clone()));
                }
                None => {
                    prepared.push(None);
                    shapes.push(None);
                }
            }
        }
        Self {
            envelopes: RTree::bulk_load(items),
            prepared,
            shapes,
            edges: RTree::bulk_load(edges),
        }
    }

    /// The district among those `accept`ed whose area holds the point.
    ///
    /// A point exactly on an edge belongs to the lowest-numbered accepted
    /// district (in store order) that touches it, so a tiling still gives one
    /// answer. Only points inside no district pay for that edge lookup.
    pub fn locate(&self, point: Point<f64>, accept: impl Fn(usize) -> bool) -> Option<usize> {
        let at = [point.x(), point.y()];
        let inside = self.envelopes.locate_all_at_point(&at).find(|item| {
            accept(item.data)
                && self.prepared[item.data]
                    .as_ref()
                    .is_some_and(|p| p.contains(&point))
        });
        if let Some(item) = inside {
            return Some(item.data);
        }
        self.edges
            .locate_in_envelope_intersecting(&AABB::from_point(at))
            .filter(|edge| accept(edge.data))
            .filter(|edge| {
                let (a, b) = (edge.geom().from, edge.geom().to);
                Line::new((a[0], a[1]), (b[0], b[1])).intersects(&point)
            })
            .map(|edge| edge.data)
            .min()
    }

    /// The districts whose geometry intersects an area.
    pub fn intersecting(&self, area: &MultiPolygon<f64>) -> Vec<usize> {
        let Some(rect) = area.bounding_rect() else {
            return Vec::new();
        };
        let envelope =
            AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let mut out: Vec<usize> = self
            .envelopes
            .locate_in_envelope_intersecting(&envelope)
            .map(|item| item.data)
            .filter(|&i| self.shapes[i].as_ref().is_some_and(|s| s.intersects(area)))
            .collect();
        out.sort_unstable();
        out
    }

    /// The geometry of a district, if it has one.
    pub fn shape(&self, district: usize) -> Option<&MultiPolygon<f64>> {
        self.shapes.get(district).and_then(Option::as_ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    #[test]
    fn hole_wound_like_its_shell_is_not_inside() {
        // Both rings counter-clockwise, as much real data has them.
        let ring = |a: f64, b: f64| LineString::from(vec![(a, a), (b, a), (b, b), (a, b), (a, a)]);
        let d = District::new(
            "d",
            "D",
            "l",
            Some(MultiPolygon(vec![Polygon::new(
                ring(0.0, 10.0),
                vec![ring(4.0, 6.0)],
            )])),
        );
        let index = DistrictIndex::new(&[d]);
        assert_eq!(index.locate(Point::new(5.0, 5.0), |_| true), None);
        assert_eq!(index.locate(Point::new(2.0, 2.0), |_| true), Some(0));
        // On the hole's edge and on the shell's corner: touching counts.
        assert_eq!(index.locate(Point::new(4.0, 5.0), |_| true), Some(0));
        assert_eq!(index.locate(Point::new(10.0, 10.0), |_| true), Some(0));
        assert_eq!(index.locate(Point::new(10.0, 10.5), |_| true), None);
    }
}
