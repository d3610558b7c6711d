//! Column labels in German and English.

use crate::model::Lang;

/// The label of a column key; the key itself when there is no label.
pub fn label(key: &str, lang: Lang) -> String {
    let (de, en) = match key {
        "id" => ("ID", "id"),
        "name" => ("Name", "name"),
        "kind" => ("Art", "kind"),
        "category" => ("Kategorie", "category"),
        "fields" => ("Handlungsfelder", "fields"),
        "lon" => ("Länge", "lon"),
        "lat" => ("Breite", "lat"),
        "located" => ("Verortung", "located"),
        "distance_m" => ("Entfernung (m)", "distance_m"),
        "district" => ("Gebiet", "district"),
        "district_id" => ("Gebiets-ID", "district_id"),
        "level" => ("Ebene", "level"),
        "parent" => ("übergeordnet", "parent"),
        "area_km2" => ("Fläche (km²)", "area_km2"),
        "population" => ("Einwohner", "population"),
        "entities" => ("Akteure", "entities"),
        "provisional" => ("vorläufig", "provisional"),
        "total" => ("gesamt", "total"),
        "field" => ("Handlungsfeld", "field"),
        "source" => ("Quelle", "source"),
        "status" => ("Status", "status"),
        "partner" => ("Partner", "partner"),
        "initiative" => ("Initiative", "initiative"),
        "project" => ("Projekt", "project"),
        "body" => ("Gremium", "body"),
        "idea" => ("Idee", "idea"),
        "planned" => ("geplant", "planned"),
        "running" => ("laufend", "running"),
        "completed" => ("abgeschlossen", "completed"),
        _ => return key.to_string(),
    };
    match lang {
        Lang::De => de.to_string(),
        Lang::En => en.to_string(),
    }
}
