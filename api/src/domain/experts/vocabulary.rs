//! The fixed vocabularies of expert profiles, written once: the areas of expertise (the Interreg policy
//! objectives and Interreg-specific objectives of 2021–2027, and the themes of Community-Led Local Development)
//! with their descriptions and the words that reveal a region's need for them, and the CEFR levels.

/// Whether an area is an Interreg policy objective or a CLLD theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpertiseKind {
    PolicyObjective,
    ClldTheme,
}

macro_rules! expertise {
    ($($variant:ident => $code:literal, $kind:ident, $name:literal, $description:literal, [$($keyword:literal),*];)*) => {
        /// An area of expertise.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Expertise { $($variant,)* }

        impl Expertise {
            pub const ALL: &'static [Expertise] = &[$(Expertise::$variant,)*];

            /// The stored code, e.g. `PO2_GREENER`.
            pub fn as_str(self) -> &'static str {
                match self { $(Expertise::$variant => $code,)* }
            }

            pub fn kind(self) -> ExpertiseKind {
                match self { $(Expertise::$variant => ExpertiseKind::$kind,)* }
            }

            /// A short English name.
            pub fn name(self) -> &'static str {
                match self { $(Expertise::$variant => $name,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Expertise::$variant => $description,)* }
            }

            /// Lower-case word stems that show a need for this area in a region's own texts.
            pub fn keywords(self) -> &'static [&'static str] {
                match self { $(Expertise::$variant => &[$($keyword),*],)* }
            }
        }
    };
}

expertise! {
    Po1Smarter => "PO1_SMARTER", PolicyObjective, "A more competitive and smarter Europe",
        "Policy objective 1 (Regulation (EU) 2021/1060, art. 5): research and innovation, digitalisation, SMEs, smart specialisation and skills.",
        ["innovat", "research", "digital", "sme", "entrepreneur", "business", "skills"];
    Po2Greener => "PO2_GREENER", PolicyObjective, "A greener, low-carbon Europe",
        "Policy objective 2: energy efficiency, renewables, climate adaptation and risk prevention, water, circular economy, biodiversity, urban mobility.",
        ["green", "climate", "energy", "environment", "biodiversity", "nature", "water", "circular", "flood", "renewable"];
    Po3Connected => "PO3_CONNECTED", PolicyObjective, "A more connected Europe",
        "Policy objective 3: sustainable, climate-resilient and intermodal transport and cross-border mobility.",
        ["transport", "mobility", "connect", "rail", "bus", "road", "commut"];
    Po4Social => "PO4_SOCIAL", PolicyObjective, "A more social and inclusive Europe",
        "Policy objective 4: employment, education and training, social inclusion, health and long-term care, culture and sustainable tourism.",
        ["social", "inclusi", "employ", "labour", "education", "health", "care", "ageing", "youth", "demograph", "tourism", "cultur"];
    Po5Citizens => "PO5_CITIZENS", PolicyObjective, "A Europe closer to citizens",
        "Policy objective 5: integrated, place-based development of urban, rural and coastal areas led by local actors, including CLLD.",
        ["local development", "place-based", "integrated", "rural", "urban", "territor", "citizen"];
    IsoGovernance => "ISO_GOVERNANCE", PolicyObjective, "A better cooperation governance",
        "Interreg-specific objective 1 (Regulation (EU) 2021/1059, art. 14): institutional capacity, legal and administrative cooperation, people-to-people trust, removing border obstacles.",
        ["governance", "cooperation", "cross-border", "border obstacle", "institution", "administrat", "trust", "people-to-people"];
    IsoSafer => "ISO_SAFER", PolicyObjective, "A safer and more secure Europe",
        "Interreg-specific objective 2: border crossing management, mobility and migration management, civil protection.",
        ["security", "safety", "migration", "civil protection", "border crossing"];
    ClldStrategyDesign => "CLLD_STRATEGY_DESIGN", ClldTheme, "CLLD strategy design",
        "Drafting a CLLD strategy with every element of Article 32 CPR: area and population, needs and potential (SWOT), objectives with measurable targets, actions.",
        ["strategy", "swot", "needs", "objective", "target"];
    ClldCommunityEngagement => "CLLD_COMMUNITY_ENGAGEMENT", ClldTheme, "Community involvement",
        "Involving the local community in developing and running the strategy: participation methods, facilitation, outreach to under-represented groups.",
        ["community", "participat", "engag", "involv", "civil society", "volunteer"];
    ClldLocalActionGroups => "CLLD_LOCAL_ACTION_GROUPS", ClldTheme, "Local action groups and partnership building",
        "Setting up an inclusive cross-border local action group where no interest group controls decisions (Article 31 CPR); LAG and FLAG management capacity.",
        ["lag", "flag", "local action group", "partnership", "stakeholder"];
    ClldMonitoringEvaluation => "CLLD_MONITORING_EVALUATION", ClldTheme, "Monitoring and evaluation",
        "Management, monitoring and evaluation arrangements; indicators, baselines and targets.",
        ["monitor", "evaluat", "indicator", "baseline"];
    ClldFunding => "CLLD_FUNDING", ClldTheme, "Funding and project development",
        "Financial plans by source of funds, combining Interreg and other EU, national and private funds; turning a strategy into fundable projects.",
        ["fund", "financ", "budget", "project pipeline", "investment"];
    ClldRuralDevelopment => "CLLD_RURAL_DEVELOPMENT", ClldTheme, "Rural development (LEADER)",
        "LEADER-style rural development: local economies, farming and food, services of general interest in rural areas.",
        ["rural", "leader", "farm", "agricultur", "food", "village"];
    ClldCoastalFisheries => "CLLD_COASTAL_FISHERIES", ClldTheme, "Coastal and fisheries areas",
        "Fisheries and aquaculture local action groups (FLAGs), the blue economy and coastal communities.",
        ["fisher", "coast", "aquacultur", "blue economy", "maritime", "sea"];
    ClldTourismCulture => "CLLD_TOURISM_CULTURE", ClldTheme, "Tourism and cultural heritage",
        "Sustainable cross-border tourism, cultural heritage and identity as levers of local development.",
        ["tourism", "tourist", "heritage", "cultur", "hiking", "visitor"];
}

impl Expertise {
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|e| e.as_str() == code)
    }

    /// The areas whose words appear in `text` (case-insensitive), in vocabulary order.
    pub fn mentioned_in(text: &str) -> Vec<Expertise> {
        let text = text.to_lowercase();
        Self::ALL.iter().copied().filter(|e| e.keywords().iter().any(|k| mentions(&text, k))).collect()
    }
}

/// Whether lower-case `text` contains the stem `keyword` at the start of a word.
fn mentions(text: &str, keyword: &str) -> bool {
    text.match_indices(keyword).any(|(at, _)| at == 0 || !text[..at].ends_with(|c: char| c.is_alphanumeric()))
}

/// A level of the Common European Framework of Reference for Languages, or a native speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CefrLevel {
    A1,
    A2,
    B1,
    B2,
    C1,
    C2,
    Native,
}

impl CefrLevel {
    pub const ALL: [CefrLevel; 7] =
        [CefrLevel::A1, CefrLevel::A2, CefrLevel::B1, CefrLevel::B2, CefrLevel::C1, CefrLevel::C2, CefrLevel::Native];

    /// The least level at which an expert works with a side in its language.
    pub const WORKING: CefrLevel = CefrLevel::B2;

    pub fn as_str(self) -> &'static str {
        match self {
            CefrLevel::A1 => "A1",
            CefrLevel::A2 => "A2",
            CefrLevel::B1 => "B1",
            CefrLevel::B2 => "B2",
            CefrLevel::C1 => "C1",
            CefrLevel::C2 => "C2",
            CefrLevel::Native => "NATIVE",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_every_area_is_described() {
        for area in Expertise::ALL {
            assert_eq!(Expertise::parse(area.as_str()), Some(*area));
            assert!(!area.description().is_empty() && !area.keywords().is_empty());
        }
        for level in CefrLevel::ALL {
            assert_eq!(CefrLevel::parse(level.as_str()), Some(level));
        }
        assert!(CefrLevel::Native > CefrLevel::C2 && CefrLevel::B2 > CefrLevel::B1);
    }

    #[test]
    fn needs_are_read_from_word_starts() {
        let found = Expertise::mentioned_in("Ageing villages; cross-border bus lines and hiking tourism.");
        assert!(found.contains(&Expertise::Po4Social));
        assert!(found.contains(&Expertise::Po3Connected));
        assert!(found.contains(&Expertise::ClldTourismCulture));
        // "sea" inside "research" is not the sea.
        assert!(!Expertise::mentioned_in("research").contains(&Expertise::ClldCoastalFisheries));
    }
}
