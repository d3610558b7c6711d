//! Reading the registration form: every value is hostile until checked.
//! The messages are German, as the form is.

use super::{Consent, ContactPerson, Proposal};
use crate::model::{EntityKind, LonLat, Vocabulary};
use serde::Serialize;

/// The version of [`CONSENT_TEXT`] a consent refers to.
pub const CONSENT_VERSION: &str = "2026-12-05";

/// What a person agrees to when they give a contact person (GDPR art. 6(1)(a),
/// 7, 13): purpose, who sees it, how long, how to withdraw.
pub const CONSENT_TEXT: &str = "Ich willige ein, dass die Stadt Halle (Saale) und die Stadtwerke \
Halle GmbH die angegebenen Kontaktdaten speichern, um mich zu diesem Eintrag im Smart-City-Atlas \
zu kontaktieren (Rückfragen, Einladungen in Beteiligungs- und Beratungsgremien). Die Kontaktdaten \
sehen nur die Koordinatorinnen und Koordinatoren der Smart-City-Arbeitsgruppe; sie werden nicht \
veröffentlicht und nicht weitergegeben. Ich kann die Einwilligung jederzeit ohne Angabe von Gründen \
per E-Mail an die Smart-City-Koordination widerrufen; die Kontaktdaten werden dann gelöscht. Die \
Rechtmäßigkeit der bis dahin erfolgten Verarbeitung bleibt unberührt.";

/// The names the form sends (`fields` may repeat).
pub const FORM_FIELDS: [&str; 15] = [
    "name",
    "kind",
    "category",
    "fields",
    "address",
    "lon",
    "lat",
    "website",
    "description",
    "correction_of",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "consent",
];

/// A value the form refuses, and why (German).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn err(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.into(),
    }
}

/// A text value: trimmed, `None` when empty; refused when longer than `max`
/// characters or holding control characters (a line break only where
/// `lines`).
fn text(
    form: &[(String, String)],
    field: &str,
    max: usize,
    lines: bool,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let mut values = form.iter().filter(|(k, _)| k == field).map(|(_, v)| v);
    let value = values.next()?.trim();
    if values.next().is_some() {
        errors.push(err(field, "ist mehrfach angegeben"));
        return None;
    }
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > max {
        errors.push(err(field, format!("ist länger als {max} Zeichen")));
        return None;
    }
    let bad = |c: char| c.is_control() && !(lines && (c == '\n' || c == '\r' || c == '\t'));
    if value.chars().any(bad) {
        errors.push(err(field, "enthält Steuerzeichen"));
        return None;
    }
    Some(value.to_string())
}

fn coordinate(
    form: &[(String, String)],
    field: &str,
    range: f64,
    errors: &mut Vec<FieldError>,
) -> Option<f64> {
    let raw = text(form, field, 40, false, errors)?;
    match raw.replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= range => Some(v),
        _ => {
            errors.push(err(
                field,
                format!("„{raw}“ ist keine Koordinate (Dezimalgrad, WGS 84)"),
            ));
            None
        }
    }
}

fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ',' | ';'))
}

fn is_phone(s: &str) -> bool {
    s.chars().filter(char::is_ascii_digit).count() >= 4
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '/' | '(' | ')'))
}

fn is_web_address(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        host.contains('.')
            && !r.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
    })
}

/// What the form gave, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub proposal: Proposal,
    pub contact: Option<ContactPerson>,
    pub consent: Option<Consent>,
}

/// Reads a submitted form (name/value pairs as sent) against the store's
/// vocabulary; `area` is the lon/lat box a proposed point must lie in (the
/// districts' extent with a margin), when the store has districts.
///
/// # Errors
/// Every refused value, by field (German messages).
pub fn read_form(
    form: &[(String, String)],
    vocabulary: &Vocabulary,
    area: Option<([f64; 2], [f64; 2])>,
    now: &str,
) -> Result<super::form::Form, Vec<FieldError>> {
    let mut errors = Vec::new();
    for (k, _) in form {
        if !FORM_FIELDS.contains(&k.as_str()) {
            errors.push(err(k, "ist kein Feld dieses Formulars"));
        }
    }
    let name = text(form, "name", 200, false, &mut errors);
    if name.as_ref().is_none_or(|n| n.chars().count() < 2) {
        errors.push(err(
            "name",
            "Bitte den Namen der Organisation oder Initiative angeben",
        ));
    }
    let kind = match text(form, "kind", 20, false, &mut errors).as_deref() {
        Some("partner") | None => EntityKind::Partner,
        Some("initiative") => EntityKind::Initiative,
        Some("project") => EntityKind::Project,
        Some(other) => {
            errors.push(err(
                "kind",
                format!("„{other}“ ist keine Art (partner, initiative, project)"),
            ));
            EntityKind::Partner
        }
    };
    let category = text(form, "category", 60, false, &mut errors);
    if let Some(c) = &category
        && vocabulary.category(c).is_none()
    {
        errors.push(err(
            "category",
            format!("„{c}“ ist keine Kategorie des Atlas"),
        ));
    }
    let mut fields: Vec<String> = Vec::new();
    for (_, v) in form.iter().filter(|(k, _)| k == "fields") {
        let v = v.trim();
        if vocabulary.field(v).is_some() {
            if !fields.iter().any(|f| f == v) {
                fields.push(v.to_string());
            }
        } else {
            let shown: String = v.chars().take(60).collect();
            errors.push(err(
                "fields",
                format!("„{shown}“ ist kein Handlungsfeld des Atlas"),
            ));
        }
    }
    fields.sort();
    if fields.is_empty() {
        errors.push(err("fields", "Bitte mindestens ein Handlungsfeld wählen"));
    }
    let address = text(form, "address", 300, false, &mut errors);
    let lon = coordinate(form, "lon", 180.0, &mut errors);
    let lat = coordinate(form, "lat", 90.0, &mut errors);
    let location = match (lon, lat) {
        (Some(lon), Some(lat)) => match LonLat::new(lon, lat) {
            Ok(p) => Some(p),
            Err(_) => {
                errors.push(err("lat", "ist keine gültige Koordinate"));
                None
            }
        },
        (None, None) => None,
        _ => {
            errors.push(err(
                "lon",
                "Bitte Länge und Breite angeben, oder keins von beiden",
            ));
            None
        }
    };
    if let (Some(p), Some((min, max))) = (location, area)
        && !(min[0] <= p.lon() && p.lon() <= max[0] && min[1] <= p.lat() && p.lat() <= max[1])
    {
        errors.push(err("lon", "Der Punkt liegt nicht im Gebiet des Atlas"));
    }
    let website = text(form, "website", 300, false, &mut errors);
    if let Some(w) = &website
        && !is_web_address(w)
    {
        errors.push(err(
            "website",
            "Bitte eine Adresse mit http:// oder https:// angeben",
        ));
    }
    let description = text(form, "description", 2000, true, &mut errors);
    let correction_of = text(form, "correction_of", 200, false, &mut errors);

    let contact_name = text(form, "contact_name", 200, false, &mut errors);
    let contact_role = text(form, "contact_role", 200, false, &mut errors);
    let contact_email = text(form, "contact_email", 200, false, &mut errors);
    let contact_phone = text(form, "contact_phone", 50, false, &mut errors);
    if let Some(e) = &contact_email
        && !is_email(e)
    {
        errors.push(err(
            "contact_email",
            format!("„{e}“ ist keine E-Mail-Adresse"),
        ));
    }
    if let Some(p) = &contact_phone
        && !is_phone(p)
    {
        errors.push(err(
            "contact_phone",
            format!("„{p}“ ist keine Telefonnummer"),
        ));
    }
    let consent_given = text(form, "consent", 10, false, &mut errors).is_some_and(|v| v == "yes");
    let any_contact = contact_name.is_some()
        || contact_role.is_some()
        || contact_email.is_some()
        || contact_phone.is_some();
    let contact = if any_contact {
        if contact_name.is_none() {
            errors.push(err(
                "contact_name",
                "Bitte den Namen der Kontaktperson angeben",
            ));
        }
        if contact_email.is_none() && contact_phone.is_none() {
            errors.push(err(
                "contact_email",
                "Bitte eine E-Mail-Adresse oder Telefonnummer angeben",
            ));
        }
        if !consent_given {
            errors.push(err(
                "consent",
                "Ohne Einwilligung können wir keine Kontaktdaten speichern: bitte einwilligen \
                 oder die Kontaktfelder leer lassen",
            ));
        }
        contact_name.map(|name| ContactPerson {
            name,
            role: contact_role,
            email: contact_email,
            phone: contact_phone,
        })
    } else {
        None
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Form {
        proposal: Proposal {
            name: name.unwrap_or_default(),
            kind,
            category,
            fields,
            address,
            location,
            website,
            description,
            correction_of,
        },
        consent: contact.as_ref().map(|_| Consent {
            version: CONSENT_VERSION.to_string(),
            given_at: now.to_string(),
        }),
        contact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn read(pairs: &[(&str, &str)]) -> Result<Form, Vec<FieldError>> {
        read_form(
            &form(pairs),
            &Vocabulary::default_vocabulary(),
            Some(([11.8, 51.4], [12.1, 51.6])),
            "2026-12-05T10:00:00Z",
        )
    }

    fn fields_of(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_form_is_read() {
        let f = read(&[
            ("name", "  Makerspace Halle  "),
            ("kind", "initiative"),
            ("fields", "bildung"),
            ("fields", "wissenschaft"),
            ("fields", "bildung"),
            ("lon", "11,97"),
            ("lat", "51.48"),
            ("website", "https://makerspace-halle.de"),
            ("contact_name", "Erika Muster"),
            ("contact_email", "erika@example.org"),
            ("consent", "yes"),
        ])
        .unwrap();
        assert_eq!(f.proposal.name, "Makerspace Halle");
        assert_eq!(f.proposal.kind, EntityKind::Initiative);
        assert_eq!(f.proposal.fields, ["bildung", "wissenschaft"]);
        assert_eq!(f.proposal.location.map(|p| p.lon()), Some(11.97));
        assert_eq!(
            f.contact.unwrap().email.as_deref(),
            Some("erika@example.org")
        );
        assert_eq!(f.consent.unwrap().version, CONSENT_VERSION);
    }

    #[test]
    fn contact_without_consent_is_refused() {
        let e = read(&[
            ("name", "Verein X"),
            ("fields", "kultur"),
            ("contact_name", "Erika Muster"),
            ("contact_email", "erika@example.org"),
        ])
        .unwrap_err();
        assert_eq!(fields_of(e), ["consent"]);
    }

    #[test]
    fn hostile_values_are_refused_by_field() {
        let e = read(&[
            ("name", "x"),
            ("kind", "body"),
            ("fields", "<script>"),
            ("lon", "NaN"),
            ("lat", "51.5"),
            ("website", "javascript:alert(1)"),
            ("description", &"x".repeat(2001)),
            ("contact_email", "a@b"),
            ("evil", "1"),
        ])
        .unwrap_err();
        let f = fields_of(e);
        for want in [
            "evil",
            "name",
            "kind",
            "fields",
            "lon",
            "website",
            "description",
            "contact_email",
            "contact_name",
            "consent",
        ] {
            assert!(f.iter().any(|x| x == want), "{want} not in {f:?}");
        }
    }

    #[test]
    fn points_outside_the_city_and_control_characters_are_refused() {
        let e = read(&[
            ("name", "Verein\u{0}X"),
            ("fields", "kultur"),
            ("lon", "13.4"),
            ("lat", "52.5"),
        ])
        .unwrap_err();
        assert_eq!(fields_of(e), ["name", "name", "lon"]);
    }
}
