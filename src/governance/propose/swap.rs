//! What seating one candidate instead of another changes. Worked out from
//! the lines and limits the two count for, not by scoring the whole set
//! again: the explanation asks it for every alternative of every seat, and a
//! large inventory has many alternatives per line.

use super::model::Universe;

/// The lines, caps and stale weight of every candidate, and how many seats
/// count for each line and cap now.
pub(crate) struct Swaps<'a> {
    u: &'a Universe,
    lines_of: Vec<Vec<usize>>,
    caps_of: Vec<Vec<usize>>,
    stale_weight: Vec<f64>,
    held: Vec<usize>,
    capped: Vec<usize>,
}

/// The effect of one swap.
pub(crate) struct Effect {
    /// Lines met now and not after (hard, field and category lines).
    pub lost: Vec<usize>,
    /// A hard cap the swap would break.
    pub broken: Option<usize>,
    /// Change of the soft penalty.
    pub delta: f64,
}

impl<'a> Swaps<'a> {
    pub fn new(u: &'a Universe, chosen: &[bool]) -> Self {
        let n = u.candidates.len();
        let mut lines_of = vec![Vec::new(); n];
        let mut held = vec![0; u.lines.len()];
        for (i, l) in u.lines.iter().enumerate() {
            for &k in &l.holders {
                lines_of[k].push(i);
                held[i] += usize::from(chosen[k]);
            }
        }
        let mut caps_of = vec![Vec::new(); n];
        let mut capped = vec![0; u.caps.len()];
        for (c, cap) in u.caps.iter().enumerate() {
            for &k in &cap.members {
                caps_of[k].push(c);
                capped[c] += usize::from(chosen[k]);
            }
        }
        let mut stale_weight = vec![0.0; n];
        for f in u.freshness.iter().filter(|f| !f.hard) {
            for &k in &f.stale {
                stale_weight[k] += f.weight;
            }
        }
        Swaps {
            u,
            lines_of,
            caps_of,
            stale_weight,
            held,
            capped,
        }
    }

    /// How many lines a candidate counts for.
    pub fn lines_held(&self, k: usize) -> usize {
        self.lines_of[k].len()
    }

    /// Seat `into` instead of `out` (a seat now).
    pub fn swap(&self, out: usize, into: usize) -> Effect {
        let count = |of: &[Vec<usize>], x: usize| {
            let change = |k: usize| of[k].binary_search(&x).is_ok();
            (usize::from(change(out)), usize::from(change(into)))
        };
        let mut lost = Vec::new();
        let mut delta = 0.0;
        let mut lines: Vec<usize> = self.lines_of[out]
            .iter()
            .chain(&self.lines_of[into])
            .copied()
            .collect();
        lines.sort_unstable();
        lines.dedup();
        for i in lines {
            let l = &self.u.lines[i];
            let (minus, plus) = count(&self.lines_of, i);
            let (before, after) = (self.held[i], self.held[i] + plus - minus);
            let (short_before, short_after) = (
                l.reachable().saturating_sub(before),
                l.reachable().saturating_sub(after),
            );
            if l.hard || l.is_coverage() {
                if short_before == 0 && short_after > 0 {
                    lost.push(i);
                }
            } else {
                delta += l.weight * (short_after as f64 - short_before as f64);
            }
        }
        let mut broken = None;
        let mut caps: Vec<usize> = self.caps_of[out]
            .iter()
            .chain(&self.caps_of[into])
            .copied()
            .collect();
        caps.sort_unstable();
        caps.dedup();
        for c in caps {
            let cap = &self.u.caps[c];
            let (minus, plus) = count(&self.caps_of, c);
            let (before, after) = (self.capped[c], self.capped[c] + plus - minus);
            if cap.hard && after > cap.max {
                broken.get_or_insert(c);
            } else if !cap.hard {
                let over = |n: usize| n.saturating_sub(cap.max) as f64;
                delta += cap.weight * (over(after) - over(before));
            }
        }
        delta += self.stale_weight[into] - self.stale_weight[out];
        Effect {
            lost,
            broken,
            delta,
        }
    }
}
