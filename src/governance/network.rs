//! Who works with whom: partners linked through shared projects,
//! initiatives and bodies, with degree and betweenness per partner.

use crate::export::geojson_out::round7;
use crate::model::EntityKind;
use crate::query::{Atlas, QueryError};
use petgraph::graph::{NodeIndex, UnGraph};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// A partner in the network.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkNode {
    pub id: String,
    pub name: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Partners it shares at least one activity with (whole network).
    pub degree: usize,
    /// Normalised betweenness centrality in the whole network (0..1).
    pub betweenness: f64,
    /// Names of its projects, initiatives and bodies.
    pub activities: Vec<String>,
}

/// Two partners and what they share.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkEdge {
    pub from: String,
    pub to: String,
    /// Number of shared activities (plus 1 for a direct relation).
    pub weight: usize,
    pub shared: Vec<String>,
}

/// The partner network, or the part of it around one entity.
#[derive(Debug, Clone, Serialize)]
pub struct Network {
    pub focus: Option<String>,
    pub depth: usize,
    pub nodes: Vec<NetworkNode>,
    pub edges: Vec<NetworkEdge>,
}

fn is_activity(kind: EntityKind) -> bool {
    matches!(
        kind,
        EntityKind::Project | EntityKind::Initiative | EntityKind::Body
    )
}

/// Builds the network. With `focus`, keeps the partners within `depth` links
/// of it (a partner: itself and its neighbours; a project, initiative or
/// body: its participants and their neighbours up to `depth - 1`). Degree and
/// betweenness are always those of the whole network.
///
/// # Errors
/// [`QueryError::UnknownEntity`] for an unknown focus.
pub fn network(atlas: &Atlas, focus: Option<&str>, depth: usize) -> Result<Network, QueryError> {
    let public = |i: usize| atlas.entities[i].is_public();
    // Participation: partner → activities; direct partner–partner relations.
    let mut participants: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    let mut direct: BTreeSet<(usize, usize)> = BTreeSet::new();
    for r in &atlas.relations {
        let (Ok(a), Ok(b)) = (atlas.entity_index(&r.from), atlas.entity_index(&r.to)) else {
            continue;
        };
        if !public(a) || !public(b) {
            continue;
        }
        let (ka, kb) = (atlas.entities[a].kind, atlas.entities[b].kind);
        match (ka, kb) {
            (EntityKind::Partner, k) if is_activity(k) => {
                participants.entry(b).or_default().insert(a);
            }
            (k, EntityKind::Partner) if is_activity(k) => {
                participants.entry(a).or_default().insert(b);
            }
            (EntityKind::Partner, EntityKind::Partner) => {
                direct.insert((a.min(b), a.max(b)));
            }
            _ => {}
        }
    }
    let mut edges: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    let mut activities_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (&activity, members) in &participants {
        for &p in members {
            activities_of.entry(p).or_default().push(activity);
        }
        let members: Vec<usize> = members.iter().copied().collect();
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                edges.entry((a, b)).or_default().push(activity);
            }
        }
    }
    for pair in &direct {
        edges.entry(*pair).or_default();
    }
    let mut partners: BTreeSet<usize> = activities_of.keys().copied().collect();
    partners.extend(direct.iter().flat_map(|&(a, b)| [a, b]));

    let mut graph: UnGraph<usize, ()> = UnGraph::new_undirected();
    let index: HashMap<usize, NodeIndex> =
        partners.iter().map(|&p| (p, graph.add_node(p))).collect();
    for &(a, b) in edges.keys() {
        graph.add_edge(index[&a], index[&b], ());
    }
    let betweenness = rustworkx_core::centrality::betweenness_centrality(&graph, false, true, 200);

    let keep: BTreeSet<usize> = match focus {
        None => partners.clone(),
        Some(id) => {
            let f = atlas.entity_index(id)?;
            let (start, steps): (Vec<usize>, usize) = if is_activity(atlas.entities[f].kind) {
                (
                    participants
                        .get(&f)
                        .map(|m| m.iter().copied().collect())
                        .unwrap_or_default(),
                    depth.saturating_sub(1),
                )
            } else {
                (vec![f], depth)
            };
            let mut seen: BTreeSet<usize> = start
                .iter()
                .copied()
                .filter(|p| index.contains_key(p))
                .collect();
            let mut queue: VecDeque<(usize, usize)> = seen.iter().map(|&p| (p, 0)).collect();
            while let Some((p, d)) = queue.pop_front() {
                if d == steps {
                    continue;
                }
                for n in graph.neighbors(index[&p]) {
                    let q = graph[n];
                    if seen.insert(q) {
                        queue.push_back((q, d + 1));
                    }
                }
            }
            seen
        }
    };
    let name = |i: usize| atlas.entities[i].name.clone();
    let nodes = keep
        .iter()
        .map(|&p| {
            let e = &atlas.entities[p];
            NetworkNode {
                id: e.id.clone(),
                name: e.name.clone(),
                lon: e.location.map(|l| l.lon()),
                lat: e.location.map(|l| l.lat()),
                degree: graph.neighbors(index[&p]).count(),
                betweenness: betweenness[index[&p].index()].unwrap_or(0.0),
                activities: activities_of
                    .get(&p)
                    .map(|a| a.iter().map(|&x| name(x)).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let edges = edges
        .iter()
        .filter(|((a, b), _)| keep.contains(a) && keep.contains(b))
        .map(|(&(a, b), shared)| NetworkEdge {
            from: atlas.entities[a].id.clone(),
            to: atlas.entities[b].id.clone(),
            weight: shared.len() + usize::from(direct.contains(&(a, b))),
            shared: shared.iter().map(|&x| name(x)).collect(),
        })
        .collect();
    Ok(Network {
        focus: focus.map(str::to_string),
        depth,
        nodes,
        edges,
    })
}

impl Network {
    fn graph(&self) -> UnGraph<String, String> {
        let mut g = UnGraph::new_undirected();
        let idx: HashMap<&str, NodeIndex> = self
            .nodes
            .iter()
            .map(|n| (n.id.as_str(), g.add_node(n.name.clone())))
            .collect();
        for e in &self.edges {
            g.add_edge(
                idx[e.from.as_str()],
                idx[e.to.as_str()],
                e.shared.join("; "),
            );
        }
        g
    }

    /// Graphviz DOT (node labels are names, edge labels the shared activities).
    pub fn to_dot(&self) -> String {
        format!("{}", petgraph::dot::Dot::new(&self.graph()))
    }

    /// GraphML for Gephi (node and edge weights exported as text).
    pub fn to_graphml(&self) -> String {
        petgraph_graphml::GraphMl::new(&self.graph())
            .pretty_print(true)
            .export_node_weights_display()
            .export_edge_weights_display()
            .to_string()
    }

    /// RFC 7946 LineStrings between partners that both have a point.
    pub fn to_geojson(&self) -> Value {
        let at: HashMap<&str, (f64, f64)> = self
            .nodes
            .iter()
            .filter_map(|n| Some((n.id.as_str(), (n.lon?, n.lat?))))
            .collect();
        let features: Vec<Value> = self
            .edges
            .iter()
            .filter_map(|e| {
                let (a, b) = (at.get(e.from.as_str())?, at.get(e.to.as_str())?);
                Some(json!({
                    "type": "Feature",
                    "id": format!("{}--{}", e.from, e.to),
                    "geometry": {"type": "LineString", "coordinates": [[round7(a.0), round7(a.1)], [round7(b.0), round7(b.1)]]},
                    "properties": {"from": e.from, "to": e.to, "weight": e.weight, "shared": e.shared},
                }))
            })
            .collect();
        json!({"type": "FeatureCollection", "features": features})
    }
}
