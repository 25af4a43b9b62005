//! Figures: the amounts, percentages and counts a plan states, parsed, normalised,
//! given a taxonomy id, and traceable to their sentence.
//!
//! [`parse`] reads the figures out of a unit's text, [`sentences`] finds the
//! sentence each stands in, and [`assign`] names it from the words around it. All
//! patterns, wordings and weights come from `rules/figures.toml` ([`rules`]).

pub mod assign;
pub mod parse;
pub mod phrase;
pub mod rules;
pub mod sentences;

use serde::{Deserialize, Serialize};

use crate::segment::Paragraph;

pub use rules::{FigureRules, RulesError};

/// The unit a figure's value is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureUnit {
    /// Pounds sterling (values normalised to pounds: `£14.8m` is 14800000).
    Gbp,
    /// A percentage (`18.9%` is 18.9).
    Percent,
    /// A count of things named by [`Figure::noun`].
    Count,
}

/// One figure found in a unit's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// Taxonomy figure id (`agency_consultancy_spend`, ..., `other_money`,
    /// `other_percentage`, `other_count`).
    pub id: String,
    /// The id of the unit (`p12`) the figure stands in.
    pub paragraph: String,
    /// The unit's page, where the source has pages.
    pub page: Option<u32>,
    /// Character offsets `[start, end)` of the figure's raw text in the unit's text.
    pub span: [usize; 2],
    /// The raw text as written (`£14.8m`, `over £440 million`, `0.19 per cent`).
    pub raw: String,
    /// The sentence containing the figure.
    pub sentence: String,
    /// The normalised value (the low end for ranges).
    pub value: f64,
    /// The high end, for ranges (`£250,000 - £500,000`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// What the value is measured in.
    pub unit: FigureUnit,
    /// For counts, the noun counted ("agency workers").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noun: Option<String>,
    /// Wording that qualifies the value: `over`, `approaching`, `circa`, `per_annum`,
    /// `cumulative`, `range`, ...
    #[serde(default)]
    pub qualifiers: Vec<String>,
    /// Problems with the number as written: `ambiguous`, ...
    #[serde(default)]
    pub flags: Vec<String>,
    /// A sentence explaining a flag, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The context rule that chose [`Figure::id`], with the words it matched.
    pub evidence: FigureEvidence,
}

/// Why a figure got its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureEvidence {
    /// The id of the context rule that matched (`default` when none did).
    pub rule: String,
    /// The context words the rule matched, as written.
    #[serde(default)]
    pub matched: Vec<String>,
}

/// Finds, reads and names the figures of units of text, with one set of rules.
#[derive(Debug, Clone)]
pub struct FigureFinder {
    grammar: parse::Grammar,
    splitter: sentences::SentenceSplitter,
    assigner: assign::Assigner,
    sentence_qualifiers: Vec<(phrase::Phrase, String)>,
    max_context_chars: usize,
}

impl FigureFinder {
    /// A finder using `rules`.
    pub fn new(rules: &FigureRules) -> FigureFinder {
        FigureFinder {
            grammar: parse::Grammar::new(rules),
            splitter: sentences::SentenceSplitter::new(&rules.sentences.abbreviations),
            assigner: assign::Assigner::new(rules),
            sentence_qualifiers: rules
                .qualifiers
                .iter()
                .flat_map(|q| q.sentence.iter().filter_map(|w| phrase::Phrase::new(w).map(|p| (p, q.name.clone()))))
                .collect(),
            max_context_chars: rules.sentences.max_context_chars,
        }
    }

    /// The finder built from the embedded `rules/figures.toml`, built once.
    pub fn embedded() -> Result<&'static FigureFinder, RulesError> {
        static FINDER: std::sync::OnceLock<Result<FigureFinder, RulesError>> = std::sync::OnceLock::new();
        FINDER.get_or_init(|| FigureRules::embedded().map(FigureFinder::new)).as_ref().map_err(Clone::clone)
    }

    /// The figures of every unit, in reading order.
    pub fn in_paragraphs(&self, paragraphs: &[Paragraph]) -> Vec<Figure> {
        paragraphs.iter().flat_map(|p| self.in_text(&p.text, &p.id, p.page)).collect()
    }

    /// The figures of one unit's `text`, labelled with its id and page.
    pub fn in_text(&self, text: &str, paragraph: &str, page: Option<u32>) -> Vec<Figure> {
        let chars: Vec<char> = text.chars().collect();
        let sentences = self.splitter.split(&chars);
        self.grammar
            .find(&chars)
            .into_iter()
            .map(|found| {
                let index = sentences.partition_point(|[_, end]| *end <= found.start);
                let sentence = sentences
                    .get(index)
                    .copied()
                    .filter(|[start, _]| *start <= found.start)
                    .unwrap_or([0, chars.len()]);
                let sentence = clip_to_context(&chars, sentence, [found.start, found.end], self.max_context_chars);
                let assignment = self.assigner.assign(&chars, sentence, [found.start, found.end], found.unit);
                let mut qualifiers = found.qualifiers;
                for (words, name) in &self.sentence_qualifiers {
                    let present = (sentence[0]..sentence[1])
                        .any(|pos| words.match_at(&chars, pos).is_some_and(|e| e <= sentence[1]));
                    if present && !qualifiers.contains(name) {
                        qualifiers.push(name.clone());
                    }
                }
                Figure {
                    id: assignment.id,
                    paragraph: paragraph.to_string(),
                    page,
                    span: [found.start, found.end],
                    raw: phrase::slice(&chars, found.start, found.end),
                    sentence: phrase::slice(&chars, sentence[0], sentence[1]),
                    value: found.value,
                    high: found.high,
                    unit: found.unit,
                    noun: found.noun,
                    qualifiers,
                    flags: found.flags,
                    note: found.note,
                    evidence: assignment.evidence,
                }
            })
            .collect()
    }
}

/// `sentence` narrowed to at most `max_chars` characters either side of `figure`,
/// widened to whole words; sentences shorter than that are returned as they are.
fn clip_to_context(chars: &[char], sentence: [usize; 2], figure: [usize; 2], max_chars: usize) -> [usize; 2] {
    let mut start = sentence[0].max(figure[0].saturating_sub(max_chars));
    while start > sentence[0] && !chars[start - 1].is_whitespace() {
        start -= 1;
    }
    let mut end = sentence[1].min(figure[1].saturating_add(max_chars)).max(figure[1]);
    while end < sentence[1] && !chars[end].is_whitespace() {
        end += 1;
    }
    [start, end]
}

/// The figures of `paragraphs` under the embedded rules.
pub fn find_figures(paragraphs: &[Paragraph]) -> Result<Vec<Figure>, RulesError> {
    Ok(FigureFinder::embedded()?.in_paragraphs(paragraphs))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The (id, raw, value, high) of each figure in `text`.
    fn figures(text: &str) -> Vec<(String, String, f64, Option<f64>)> {
        let finder = FigureFinder::embedded().unwrap_or_else(|e| panic!("{e}"));
        finder.in_text(text, "p1", None).into_iter().map(|f| (f.id, f.raw, f.value, f.high)).collect()
    }

    fn expect(text: &str, expected: &[(&str, &str, f64, Option<f64>)]) {
        let expected: Vec<(String, String, f64, Option<f64>)> =
            expected.iter().map(|(id, raw, value, high)| (id.to_string(), raw.to_string(), *value, *high)).collect();
        assert_eq!(figures(text), expected, "{text}");
    }

    // The sentences below are copied from the five sample plans (public documents).

    #[test]
    fn peterborough_states_every_figure_the_letter_asked_for() {
        expect(
            "We delivered 99% (£14.4m) of identified savings in 2023. Our invest-to-save programme is managed \
             with and linked to the Transformation Programme – bids for funding must be matched to \
             Transformation Portfolio objectives.",
            &[("savings_delivered", "99%", 99.0, None), ("savings_delivered", "£14.4m", 14_400_000.0, None)],
        );
        expect(
            "We have a small but effective equality, diversity and inclusion (EDI) programme costing £22.3k in \
             total. Our total spend on agency and consultancy staff is £14.8m, 18.9% of our total staffing \
             budget. In total, 31 agency and consultancy staff members have been contracted to us for over a \
             year. We operate a weekly Workforce Board which reviews all requests to appoint agency staff. \
             Monthly reporting on agency numbers and spending is presented to the Corporate Leadership Team.",
            &[
                ("edi_spend", "£22.3k", 22_300.0, None),
                ("agency_consultancy_spend", "£14.8m", 14_800_000.0, None),
                ("agency_share_of_staffing", "18.9%", 18.9, None),
                ("agency_long_term_count", "31 agency and consultancy staff members", 31.0, None),
            ],
        );
    }

    #[test]
    fn bromsgrove_agency_figures_including_the_typo() {
        let text = "Only Levelling Up schemes can be seen as \"Invest to save\"; however, funding is from the \
                    Government with tight reporting requirements and a high bar to reach to obtain it. We moved \
                    to Opus platform in May 2023 for hiring agency workers, spend to end March 2024 has been \
                    £3,203.453. The number of agency workers more than 12 months placement is 18.";
        expect(
            text,
            &[
                ("agency_consultancy_spend", "£3,203.453", 3_203_453.0, None),
                ("agency_long_term_count", "18", 18.0, None),
            ],
        );
        let finder = FigureFinder::embedded().unwrap_or_else(|e| panic!("{e}"));
        let found = finder.in_text(text, "p202", Some(7));
        assert_eq!(found[0].flags, ["ambiguous"]);
        assert!(found[0].note.as_deref().is_some_and(|n| n.contains("3,203.45")));
        assert_eq!(found[1].noun.as_deref(), Some("agency workers"));
        assert_eq!(found[1].sentence, "The number of agency workers more than 12 months placement is 18.");
        assert_eq!((found[1].paragraph.as_str(), found[1].page), ("p202", Some(7)));
        expect(
            "Full establishment review in May 2024 with the aim to reduce consultants which the Council is \
             currently reliant at circa 18% of the workforce and establish a workforce that reflects the \
             Council's needs.",
            &[("agency_share_of_staffing", "circa 18%", 18.0, None)],
        );
    }

    #[test]
    fn bromsgrove_other_amounts_keep_their_sentences() {
        expect(
            "Levelling Up (£16.1m) funding and the Bromsgrove 2040 Vision (bringing back 5 Town Centre sites \
             into use) for regeneration of Bromsgrove Town Centre.",
            &[("other_money", "£16.1m", 16_100_000.0, None)],
        );
        expect(
            "Increased procurement protocols in around Officer Key Decision Notices, increasing the Key \
             Decision Threshold to £200k, and a fully updated Contract Register.",
            &[("other_money", "£200k", 200_000.0, None)],
        );
        expect(
            "Investing £6m in the Burcot Lane Housing development to kick start Housing development in Bromsgrove.",
            &[("other_money", "£6m", 6_000_000.0, None)],
        );
        expect(
            "A new Customer facing interface which ensures that data is input fewer times as possible, \
             increasing efficiency and data quality at the Council and improving the Stakeholder Customer \
             Experience. 20% efficiencies could be made in this area.",
            &[("other_percentage", "20%", 20.0, None)],
        );
    }

    #[test]
    fn ashfield_savings_delivered_and_not() {
        expect(
            "The digital transformation programme has now delivered approaching £3.9 million of financial \
             benefits (cashable and cost avoidance) over the last 6 years.",
            &[("savings_delivered", "approaching £3.9 million", 3_900_000.0, None)],
        );
        expect(
            "Our changes to working practices and the embedding of hybrid working have enabled us to \
             rationalise our office space, delivering a cumulative £1.4 million cashable efficiency.",
            &[("savings_delivered", "cumulative £1.4 million", 1_400_000.0, None)],
        );
        expect(
            "Our targets are to identify and deliver between £250,000 - £500,000 per annum cashable or cost \
             avoidance efficiencies.",
            &[("other_money", "between £250,000 - £500,000 per annum", 250_000.0, Some(500_000.0))],
        );
        let text = "Cumulative procurement social value delivered since the measurement via the Social Value \
                    Portal is now over £2.4 million.";
        expect(text, &[("other_money", "over £2.4 million", 2_400_000.0, None)]);
        let finder = FigureFinder::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(finder.in_text(text, "p1", None)[0].qualifiers, ["over", "cumulative"]);
        expect(
            "We have now invested in 3 National Graduate positions and have engaged LGA workforce planning support.",
            &[("other_count", "3 National Graduate positions", 3.0, None)],
        );
    }

    #[test]
    fn devon_amounts_inside_brackets_are_separate_figures() {
        expect(
            "It highlighted capital expenditure during 2023/24, the prioritisation of Children’s services, \
             progress to date and the Safety Valve agreement with Government. Also, the additional allocation \
             of £12 million extra funding (£10 million capital and £2 million revenue) to invest in the \
             highway network.",
            &[
                ("other_money", "£12 million", 12_000_000.0, None),
                ("other_money", "£10 million", 10_000_000.0, None),
                ("other_money", "£2 million", 2_000_000.0, None),
            ],
        );
    }

    #[test]
    fn ne_lincolnshire_facility_time_and_vacancy_factor() {
        expect(
            "Information on [Union facility time](#) is published on the Council's website to ensure openness \
             and transparency. Actual spending on Union facility time represents just 0.19% of the total wage \
             bill and has fallen in real terms when compared to 2013/14.",
            &[("facility_time_share", "0.19%", 0.19, None)],
        );
        expect(
            "The Council is to maintain a vacancy factor of 5% over the financial planning period, which is \
             effectively an efficiency target to achieve staff cost savings and to maximise the benefits from \
             turnover of staff and utilising the remaining workforce.",
            &[("other_percentage", "5%", 5.0, None)],
        );
    }

    #[test]
    fn common_plan_wordings_get_their_ids() {
        for (text, id, raw) in [
            ("Agency spend in 2023/24 was £4.2m.", "agency_consultancy_spend", "£4.2m"),
            ("We spent £1.2m on consultants last year.", "agency_consultancy_spend", "£1.2m"),
            ("Agency staff account for 7% of our workforce.", "agency_share_of_staffing", "7%"),
            ("Agency spend was 10% higher than last year.", "other_percentage", "10%"),
            ("We have no dedicated EDI budget and EDI-related spend is £0.", "edi_spend", "£0"),
            ("Trade union facility time: 0.1% of paybill.", "facility_time_share", "0.1%"),
            ("Savings of £3.2m were delivered in 2023/24.", "savings_delivered", "£3.2m"),
            ("We have saved £10m since 2010.", "savings_delivered", "£10m"),
            ("A savings target of £5m is set for 2025/26.", "other_money", "£5m"),
            ("£20m savings are required over the medium term.", "other_money", "£20m"),
            (
                "12 agency workers have been with us for more than 12 months.",
                "agency_long_term_count",
                "12 agency workers",
            ),
            ("We engage 5 interims for longer than a year.", "agency_long_term_count", "5 interims"),
            ("Number of agency staff engaged over 12 months: 4", "agency_long_term_count", "4"),
            ("Number of agency staff > 1 year | 4", "agency_long_term_count", "4"),
            ("We employ 1,250 staff.", "other_count", "1,250 staff"),
        ] {
            let found = figures(text);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!((found[0].0.as_str(), found[0].1.as_str()), (id, raw), "{text}");
        }
    }

    #[test]
    fn sample_lines_full_of_numbers_that_are_not_figures() {
        for text in [
            "Productivity plan 2024/2025",
            "2.1 On the 16th April 2024, The Minister for Local Government Simon Hoare MP wrote to Chief Executives.",
            "1) The Productivity Plan, as set out in Appendix A, to be approved, the plan to be publish on the \
             Council's Website and forwarded to the Department before the 19th July 2024.",
            "(Councillors Leaver and Whitton attended in accordance with Standing Order 25(2) and spoke to this item).",
            "Report of the Director of Performance and Partnerships (PP/24/04), presenting a proposed Productivity Plan.",
            "The Cabinet noted that the Minister had written to Local Authority Chief Executives on 16 April 2024.",
            "Implementation of an updated Workforce Strategy in the summer 2023 including updated working culture \
             (4Ps Purpose, People, Pride & Performance.",
            "Services detail methods of operation i.e. Agile, timesheets, workstreams and KPI's are detailed in \
             Service Business Plans (360 view with feedback).",
            "Introduce updated Service Business Planning in 2024/5, using the LGA Transformation Tool.",
            "No procurement No order initiative implemented April 23 to control expenditure.",
            "6.2 Operational implications have been dealt with as part of the 2023/24 Budget process.",
            "Submission of the plan to DHCLG (19th July 2024).",
            "Meeting: Cabinet (Item 571). Contact: 01392 382296 or democratic.services@devon.gov.uk",
            "3. Plans for 2024/2025",
            "the estimated cumulative funding gap significantly rises from 2025/2026 to 2026/2027",
        ] {
            assert_eq!(figures(text), [], "{text}");
        }
    }

    #[test]
    fn figures_know_their_sentence_and_character_span() {
        let finder = FigureFinder::embedded().unwrap_or_else(|e| panic!("{e}"));
        let text = "Réduction “voulue”. Our total spend on agency staff is £14.8m.";
        let found = finder.in_text(text, "p9", None);
        assert_eq!(found.len(), 1);
        let chars: Vec<char> = text.chars().collect();
        let [start, end] = found[0].span;
        assert_eq!(chars[start..end].iter().collect::<String>(), "£14.8m");
        assert_eq!(found[0].sentence, "Our total spend on agency staff is £14.8m.");
        assert_eq!(found[0].evidence.rule, "agency-consultancy-spend");
        assert_eq!(found[0].evidence.matched, ["agency", "spend"]);
    }

    #[test]
    fn run_on_text_keeps_each_figures_sentence_bounded() {
        let finder = FigureFinder::embedded().unwrap_or_else(|e| panic!("{e}"));
        let text = "agency staff spend rose by £1m and ".repeat(500);
        let found = finder.in_text(&text, "p1", None);
        assert_eq!(found.len(), 500);
        let limit = 2 * 400 + 40;
        assert!(found.iter().all(|f| f.sentence.chars().count() <= limit && f.sentence.contains(&f.raw)));
        assert!(found.iter().all(|f| f.id == "agency_consultancy_spend"));
        assert_eq!(found[499].value, 1_000_000.0);
    }

    #[test]
    fn figures_serialise_to_the_record_shape() {
        let finder = FigureFinder::embedded().unwrap_or_else(|e| panic!("{e}"));
        let found =
            finder.in_text("In total, 31 agency staff have been contracted to us for over a year.", "p3", Some(2));
        let json = serde_json::to_value(&found[0]).unwrap_or_default();
        assert_eq!(json["id"], "agency_long_term_count");
        assert_eq!(json["unit"], "count");
        assert_eq!(json["noun"], "agency staff");
        assert_eq!(json["span"], serde_json::json!([10, 25]));
        assert!(json.get("high").is_none() && json.get("note").is_none());
        let back: Figure = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, found[0]);
    }
}
