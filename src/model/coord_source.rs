//! Where an entity's point came from when its source gave an address but no
//! coordinate: the address register it was matched against, and how well.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How well an address matched a register, worst first (so `>=` reads
/// "at least as good as").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchQuality {
    /// Nothing in the register fits.
    None,
    /// Only the postcode is known: the centre of its addresses.
    Postcode,
    /// The street is known, the house number is not: the centre of the
    /// street's addresses.
    Street,
    /// The address, but spelled differently beyond the spelling rules (a
    /// similar street name, another house-number suffix, another postcode).
    AddressFuzzy,
    /// The address as written, after the spelling rules.
    Address,
}

impl MatchQuality {
    /// All qualities, best first (the order of listings).
    pub const ALL: [MatchQuality; 5] = [
        MatchQuality::Address,
        MatchQuality::AddressFuzzy,
        MatchQuality::Street,
        MatchQuality::Postcode,
        MatchQuality::None,
    ];

    /// The id used in files, on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchQuality::Address => "address",
            MatchQuality::AddressFuzzy => "address_fuzzy",
            MatchQuality::Street => "street",
            MatchQuality::Postcode => "postcode",
            MatchQuality::None => "none",
        }
    }
}

impl fmt::Display for MatchQuality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl super::ParseText for MatchQuality {
    fn parse_text(s: &str) -> Result<Self, super::Text> {
        match s.trim().to_lowercase().replace('-', "_").as_str() {
            "address" => Ok(MatchQuality::Address),
            "address_fuzzy" | "fuzzy" => Ok(MatchQuality::AddressFuzzy),
            "street" => Ok(MatchQuality::Street),
            "postcode" | "plz" => Ok(MatchQuality::Postcode),
            "none" => Ok(MatchQuality::None),
            other => Err(crate::text!(
                "\"{other}\" is not a match quality (address, address_fuzzy, street, postcode, none)",
                "\"{other}\" ist keine Trefferqualität (address, address_fuzzy, street, postcode, none)"
            )),
        }
    }
}

/// The register an entity's point was matched in, and how well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoordSource {
    /// The register's file name (`hauskoordinaten.geojson`).
    pub register: String,
    pub quality: MatchQuality,
}

from_str_by_parse_text!(MatchQuality);
