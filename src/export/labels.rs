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
        // The matrix's column of records without a field (category, …).
        "(none)" => ("(keins)", "(none)"),
        // `show`'s rows, `history`'s and `check`'s columns.
        "location" => ("Lage", "location"),
        "area" => ("Fläche", "area"),
        "named districts" => ("genannte Gebiete", "named districts"),
        "address" => ("Adresse", "address"),
        "website" => ("Website", "website"),
        "start" => ("Beginn", "start"),
        "end" => ("Ende", "end"),
        "description" => ("Beschreibung", "description"),
        "success story" => ("Erfolgsgeschichte", "success story"),
        "tags" => ("Schlagwörter", "tags"),
        "license" => ("Lizenz", "license"),
        "verified on" => ("geprüft am", "verified on"),
        "visibility" => ("Sichtbarkeit", "visibility"),
        "relation" => ("Beziehung", "relation"),
        "revisions" => ("Revisionen", "revisions"),
        "contacts" => ("Kontakte", "contacts"),
        "rev" => ("Rev.", "rev"),
        "recorded_at" => ("erfasst am", "recorded_at"),
        "import" => ("Import", "import"),
        "changed" => ("geändert", "changed"),
        "files" => ("Dateien", "files"),
        "check" => ("Prüfung", "check"),
        "detail" => ("Befund", "detail"),
        _ => return key.to_string(),
    };
    match lang {
        Lang::De => de.to_string(),
        Lang::En => en.to_string(),
    }
}
