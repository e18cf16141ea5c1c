//! Loads the Interreg programmes 2021–2027 known so far from `data/interreg_programmes_2021_2027.csv` (a partial
//! list that staff complete), with ids derived from the names so that every database gets the same ones.

use crate::reference_data::{insert_rows, records};
use sea_orm_migration::prelude::*;
use std::collections::HashSet;
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FILE: &str = "interreg_programmes_2021_2027.csv";
const PROGRAMMES: &str = include_str!("../data/interreg_programmes_2021_2027.csv");

/// The strands as stored (`entity::interreg_programme::InterregStrand`).
const STRANDS: [&str; 6] = ["A", "B", "C", "D", "IPA", "NEXT"];

/// The EU's own country codes that differ from ISO 3166-1, stored under their ISO code.
const EU_CODES: [(&str, &str); 2] = [("EL", "GR"), ("UK", "GB")];

/// One row of the file, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Programme {
    pub id: Uuid,
    pub cci: Option<String>,
    pub name: String,
    pub strand: String,
    pub countries: Vec<String>,
}

/// The id of a programme loaded from the file: UUIDv5 of its name as written there. Never change the namespace:
/// the ids are already in every database.
pub(crate) fn programme_id(name: &str) -> Uuid {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:impact-api:interreg_programme");
    Uuid::new_v5(&namespace, name.as_bytes())
}

/// Parses the file, refusing (rather than skipping) any row that is incomplete, unknown or a duplicate: the file
/// ships with the code, so a bad row is a bug that the tests must catch, not something to load half of.
pub(crate) fn programmes(csv_text: &str) -> Result<Vec<Programme>, DbErr> {
    let mut names = HashSet::new();
    let mut ccis = HashSet::new();
    let mut programmes = Vec::new();
    for (index, r) in records(FILE, csv_text)?.iter().enumerate() {
        // Line 1 is the header.
        let bad = |what: String| DbErr::Migration(format!("{FILE} line {}: {what}", index + 2));
        let cci = Some(r[0].trim().to_ascii_uppercase()).filter(|c| !c.is_empty());
        let name = r[1].trim().to_owned();
        let strand = r[2].trim().to_ascii_uppercase();
        if name.is_empty() {
            return Err(bad("no name".to_owned()));
        }
        if !names.insert(name.clone()) {
            return Err(bad(format!("`{name}` appears twice")));
        }
        if let Some(cci) = &cci
            && !ccis.insert(cci.clone())
        {
            return Err(bad(format!("CCI {cci} appears twice")));
        }
        if !STRANDS.contains(&strand.as_str()) {
            return Err(bad(format!("unknown strand `{strand}` (expected one of {})", STRANDS.join(", "))));
        }
        let mut countries: Vec<String> = Vec::new();
        for code in r[3].split(';').map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()) {
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(bad(format!("`{code}` is not a two-letter country code")));
            }
            let code = EU_CODES.iter().find(|(eu, _)| *eu == code).map_or(code, |(_, iso)| (*iso).to_owned());
            if !countries.contains(&code) {
                countries.push(code);
            }
        }
        if countries.is_empty() {
            return Err(bad(format!("`{name}` covers no country")));
        }
        programmes.push(Programme { id: programme_id(&name), cci, name, strand, countries });
    }
    Ok(programmes)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let programmes = programmes(PROGRAMMES)?;
        let rows = programmes
            .iter()
            .map(|p| vec![p.id.into(), p.cci.clone().into(), p.name.as_str().into(), p.strand.as_str().into()])
            .collect();
        insert_rows(manager, "interreg_programme", &["id", "cci", "name", "strand"], rows).await?;
        let rows =
            programmes.iter().flat_map(|p| p.countries.iter().map(|c| vec![p.id.into(), c.as_str().into()])).collect();
        insert_rows(manager, "interreg_programme_country", &["programme_id", "country_code"], rows).await
    }

    /// Removes the programmes of the file, leaving those that staff added.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let ids: Vec<Uuid> = programmes(PROGRAMMES)?.iter().map(|p| p.id).collect();
        let db = manager.get_connection();
        db.execute(
            &Query::delete()
                .from_table("interreg_programme_country")
                .and_where(Expr::col("programme_id").is_in(ids.clone()))
                .to_owned(),
        )
        .await?;
        db.execute(&Query::delete().from_table("interreg_programme").and_where(Expr::col("id").is_in(ids)).to_owned())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_file_loads_every_row() {
        let programmes = programmes(PROGRAMMES).unwrap();
        let data_rows = PROGRAMMES.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
        assert_eq!(programmes.len(), data_rows);
        let europe = programmes.iter().find(|p| p.name == "Interreg Europe").unwrap();
        assert_eq!(europe.cci.as_deref(), Some("2021TC16RFIR001"));
        assert_eq!(europe.strand, "C");
        assert!(europe.countries.contains(&"GR".to_owned()) && europe.countries.contains(&"UA".to_owned()));
    }

    #[test]
    fn ids_are_stable_uuid_v5_of_the_name() {
        // Pinned: these ids are in every database already.
        assert_eq!(programme_id("Interreg Europe").to_string(), "a14cd86f-8290-5ce6-983e-061ef51e314f");
        assert_eq!(programme_id("Interreg Europe").get_version_num(), 5);
    }

    #[test]
    fn eu_codes_become_iso_and_repeats_collapse() {
        let p = programmes("cci,name,strand,countries\n,X,a,el; gr;UK;;\n").unwrap();
        assert_eq!(p[0].countries, ["GR", "GB"]);
        assert_eq!(p[0].strand, "A");
        assert_eq!(p[0].cci, None);
    }

    #[test]
    fn bad_rows_are_refused() {
        for bad in [
            ",X,E,FR",
            ",X,A,FRA",
            ",X,A,",
            ",,A,FR",
            ",X,A,FR\n,X,B,DE",
            "2021TC16RFCB001,X,A,FR\n2021TC16RFCB001,Y,A,FR",
        ] {
            let csv = format!("cci,name,strand,countries\n{bad}\n");
            assert!(programmes(&csv).is_err(), "{bad:?} should be refused");
        }
    }
}
