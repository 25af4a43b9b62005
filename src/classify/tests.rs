//! Behaviour of the classifier with the shipped rules, on paragraphs written for
//! these tests.

use super::*;

fn classifier() -> Classifier {
    Classifier::builtin().expect("shipped rules compile")
}

fn unit<'a>(id: &'a str, text: &'a str, kind: BlockKind, section: &'a [String]) -> UnitRef<'a> {
    UnitRef { id, text, kind, section }
}

fn one(text: &str, section: &[String]) -> Labels {
    classifier().classify(&[unit("p1", text, BlockKind::Paragraph, section)]).remove(0)
}

#[test]
fn heading_sets_the_theme_and_content_adds_others() {
    let section = vec!["Our plan".to_string(), "Theme one: redesigning how we work".to_string()];
    let labels = one("We moved our revenues team to a shared service with a neighbour, saving £300k a year.", &section);
    assert_eq!(labels.themes, ["service_transformation", "reducing_waste"]);
    let from_heading =
        labels.evidence.iter().find(|e| e.heading.is_some()).expect("heading evidence for the section theme");
    assert_eq!(from_heading.heading.as_deref(), Some("Theme one: redesigning how we work"));
    assert!(from_heading.spans.is_empty());
}

#[test]
fn barriers_get_categories_and_other_when_none_fits() {
    let section = vec!["What government could do to help".to_string()];
    let labels = one("Annual one-year settlements make it impossible to plan beyond next March.", &section);
    assert_eq!(labels.themes, ["barriers"]);
    assert_eq!(labels.barriers, ["funding_certainty"]);
    let labels = one("We set out below the main points we would raise.", &section);
    assert_eq!(labels.barriers, ["other"]);
    assert!(labels.evidence.iter().any(|e| e.rule == FALLBACK_RULE));
}

#[test]
fn a_barrier_outside_the_barriers_section_is_found_and_categories_need_the_theme() {
    let section = vec!["Technology".to_string()];
    let labels = one("Our legacy systems and a limited supplier market hold back integration.", &section);
    assert!(labels.themes.contains(&"barriers".to_string()), "{labels:?}");
    assert!(labels.barriers.contains(&"technology_and_market".to_string()));
    let labels = one("We recruited twelve apprentices in our housing team this year.", &[]);
    assert!(!labels.themes.contains(&"barriers".to_string()) && labels.barriers.is_empty(), "{labels:?}");
}

#[test]
fn exclusions_stop_false_barriers() {
    let labels = one("The new library offers barrier-free access for residents.", &[]);
    assert!(!labels.themes.contains(&"barriers".to_string()), "{labels:?}");
}

#[test]
fn the_letters_questions_restated_get_no_theme() {
    let labels = one("Your plans to reduce wasteful spend within your organisation and systems.", &[]);
    assert!(labels.themes.is_empty(), "{labels:?}");
}

#[test]
fn evidence_spans_are_character_offsets() {
    let text = "“Our £2m digital programme” replaced the council’s CRM.";
    let labels = one(text, &[]);
    let chars: Vec<char> = text.chars().collect();
    let crm = labels
        .evidence
        .iter()
        .flat_map(|e| e.spans.iter())
        .find(|s| chars[s[0]..s[1]].iter().collect::<String>() == "CRM");
    assert!(crm.is_some(), "{labels:?}");
    let digital = labels.evidence.iter().find(|e| e.rule == "td.digital").expect("digital evidence");
    let span = digital.spans[0];
    assert_eq!(chars[span[0]..span[1]].iter().collect::<String>(), "digital");
    assert_eq!(span, [9, 16]);
}

#[test]
fn list_items_inherit_a_lead_in_and_pseudo_headings_open_sections() {
    let c = classifier();
    let section = vec!["Appendix".to_string()];
    let units = [
        unit("p1", "3. What are your plans to reduce wasteful spend?", BlockKind::ListItem, &section),
        unit("p2", "Problems with our older case systems include:", BlockKind::Paragraph, &section),
        unit("p3", "They are costly to change.", BlockKind::ListItem, &section),
        unit("p4", "Our approach to savings includes:", BlockKind::Paragraph, &section),
        unit("p5", "A review of the garage and stores.", BlockKind::ListItem, &section),
    ];
    let labels = c.classify(&units);
    assert!(labels[0].themes.is_empty(), "a pseudo-heading is not labelled: {:?}", labels[0]);
    assert!(labels[4].themes.contains(&"reducing_waste".to_string()));
    let inherited = labels[4].evidence.iter().find(|e| e.lead_in.is_some()).expect("lead-in evidence");
    assert_eq!(inherited.lead_in.as_deref(), Some("p4"));
    assert!(labels[2].themes.contains(&"reducing_waste".to_string()), "section theme from pseudo-heading");
}

#[test]
fn output_is_identical_on_one_and_four_threads() {
    let c = classifier();
    let texts: Vec<String> = (0..400)
        .map(|i| match i % 4 {
            0 => format!("Item {i}: single-year settlements and rising demand for adult social care."),
            1 => format!("Item {i}: we use Power BI dashboards to report KPIs to Cabinet quarterly."),
            2 => format!("Item {i}: our agency spend fell by £1.2m after recruitment to hard-to-fill posts."),
            _ => format!("Item {i}: the council’s “digital first” programme replaced legacy systems."),
        })
        .collect();
    let section = vec!["Barriers preventing progress".to_string()];
    let units: Vec<UnitRef<'_>> = texts.iter().map(|t| unit("p", t, BlockKind::ListItem, &section)).collect();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        pool.install(|| serde_json::to_string(&c.classify(&units)).expect("serialises"))
    };
    assert_eq!(run(1), run(4));
}

#[test]
fn a_lead_in_taken_for_a_heading_does_not_end_the_section() {
    let c = classifier();
    let monitoring = vec!["Monitoring and oversight".to_string()];
    let lead_in = vec!["Each director is expected to:".to_string()];
    let units = [
        unit("p1", "Directors meet monthly.", BlockKind::Paragraph, &monitoring),
        unit("p2", "Hold their teams to agreed standards", BlockKind::ListItem, &lead_in),
    ];
    let labels = c.classify(&units);
    assert_eq!(labels[1].themes, ["monitoring"], "{:?}", labels[1]);
    assert_eq!(labels[1].evidence[0].heading.as_deref(), Some("Monitoring and oversight"));
}

#[test]
fn a_rule_matching_inside_its_own_longer_match_gives_one_span() {
    let text = "Notwithstanding the uncertainty brought about by the delay of Local Government Finance Reform, \
                the estimated cumulative funding gap rises.";
    let labels = one(text, &[]);
    let chars: Vec<char> = text.chars().collect();
    let reform = labels.evidence.iter().find(|e| e.rule == "fc.short-term").expect("funding certainty evidence");
    let quoted: Vec<String> = reform.spans.iter().map(|s| chars[s[0]..s[1]].iter().collect()).collect();
    assert_eq!(quoted, ["Local Government Finance Reform"]);
    for evidence in &labels.evidence {
        assert!(evidence.spans.windows(2).all(|w| w[0][1] <= w[1][0]), "overlapping spans: {evidence:?}");
    }
}

/// A classifier over a small rules file written for one test.
fn with_rules(extra: &str) -> Classifier {
    let text = format!(
        "version = 2\n[settings]\nmax_cues = 2\n[[category]]\nid = \"other\"\n[[category]]\nid = \"demand_pressures\"\n{extra}"
    );
    Classifier::new(Rules::from_toml(&text).expect("test rules are valid")).expect("compiles")
}

#[test]
fn every_distinct_cue_counts_up_to_max_cues() {
    let c = with_rules(
        "[[rule]]\nid = \"mo\"\nlabels = [\"monitoring\"]\nweight = 0.5\nphrases = [\"kpi~\", \"scorecard~\", \"benchmark*\"]",
    );
    let themes = |text: &str| c.classify(&[unit("p1", text, BlockKind::Paragraph, &[])]).remove(0).themes;
    assert!(themes("Our KPIs are published.").is_empty(), "one cue of weight 0.5 stays under the threshold");
    assert!(themes("KPIs and KPIs again.").is_empty(), "the same cue twice is one cue");
    assert_eq!(themes("KPIs sit in a scorecard."), ["monitoring"], "two distinct cues reach it");
    let capped = with_rules(
        "[[rule]]\nid = \"mo\"\nlabels = [\"monitoring\"]\nweight = 0.4\nmax_cues = 2\nphrases = [\"kpi~\", \"scorecard~\", \"benchmark*\"]",
    );
    let labels = capped.classify(&[unit("p1", "KPIs, a scorecard and benchmarking.", BlockKind::Paragraph, &[])]);
    assert!(labels[0].themes.is_empty(), "max_cues = 2 caps the score at 0.8: {labels:?}");
}

#[test]
fn a_cue_inside_a_longer_cue_of_its_family_is_not_a_second_cue() {
    let c = with_rules(
        "[[rule]]\nid = \"dp\"\nlabels = [\"barriers\"]\nweight = 0.5\nphrases = [\"social care\", \"adult social care\"]",
    );
    let labels = c.classify(&[unit("p1", "Adult social care is our largest budget.", BlockKind::Paragraph, &[])]);
    assert!(labels[0].themes.is_empty(), "{labels:?}");
}

#[test]
fn senses_need_their_neighbours() {
    let c = with_rules(
        "[[rule]]\nid = \"dp\"\nlabels = [\"barriers\", \"demand_pressures\"]\nphrases = [\"demand~\"]\n\
         near = [\"rising\", \"increas*\"]\nnot_near = [\"reduce~\"]\nwindow = 3",
    );
    let barriers = |text: &str| c.classify(&[unit("p1", text, BlockKind::Paragraph, &[])]).remove(0).barriers;
    assert_eq!(barriers("Rising demand for temporary accommodation."), ["demand_pressures"]);
    assert!(barriers("Demand for garden waste permits.").is_empty(), "a bare mention");
    assert!(barriers("Early help has helped reduce rising demand.").is_empty(), "reduce nearby: service work");
    assert!(barriers("Rising costs, many other things and then demand.").is_empty(), "too far apart");
}

#[test]
fn a_non_answer_lead_in_makes_its_list_non_answers() {
    let c = classifier();
    let section = vec!["Our productivity plan".to_string()];
    let units = [
        unit("p1", "The plan covers the following areas:", BlockKind::Paragraph, &section),
        unit("p2", "Transforming services and redesigning how we work", BlockKind::ListItem, &section),
        unit("p3", "Using digital technology and better data", BlockKind::ListItem, &section),
        unit("p4", "We moved our revenues service onto a new cloud platform in 2023.", BlockKind::Paragraph, &section),
    ];
    let labels = c.classify(&units);
    for (i, l) in labels[..3].iter().enumerate() {
        assert!(l.themes.is_empty(), "unit {} restates the request: {l:?}", i + 1);
    }
    assert_eq!(labels[3].themes, ["technology_and_data"], "the list ends where running text resumes");
}

#[test]
fn procedure_and_restated_requests_get_no_theme() {
    for text in [
        "RESOLVED that the Productivity Plan be approved for submission to the Department.",
        "In April the Minister wrote to every council asking for a plan on transformation, technology and data, waste and barriers.",
        "Cabinet is asked to approve the plan and delegate authority to the Chief Executive to publish it on the website.",
    ] {
        let labels = one(text, &[]);
        assert!(labels.themes.is_empty(), "{text}: {labels:?}");
    }
    let labels = one("Members asked about agency spend; the Director said agency costs had fallen by £1.2m.", &[]);
    assert!(labels.themes.contains(&"reducing_waste".to_string()), "members' substantive points count: {labels:?}");
}

#[test]
fn an_introduction_asks_more_of_content_than_a_theme_section() {
    let intro = vec!["Introduction".to_string()];
    let text = "We are investing in technology across the council.";
    assert!(one(text, &intro).themes.is_empty(), "one cue is not enough in an introduction");
    assert_eq!(one(text, &[]).themes, ["technology_and_data"]);
}

#[test]
fn a_barrier_takes_its_nearest_category_before_other() {
    let section = vec!["Barriers to delivery".to_string()];
    let labels = one("Limited investment in training.", &section);
    assert_eq!(labels.barriers, ["workforce_and_skills"], "{labels:?}");
}

#[test]
fn document_kind_comes_from_the_top_of_the_document() {
    let c = classifier();
    let minutes = vec!["Minutes of the Cabinet".to_string()];
    let units = [
        unit("p1", "Present: Councillors Smith (Chair), Jones and Patel.", BlockKind::Paragraph, &minutes),
        unit("p2", "Apologies for absence were received from Councillor Lee.", BlockKind::Paragraph, &minutes),
        unit(
            "p3",
            "RESOLVED that the minutes of the meeting held on 4 June be signed.",
            BlockKind::Paragraph,
            &minutes,
        ),
    ];
    assert_eq!(c.document_kind(&units), "minutes");
    assert_eq!(c.document_kind(&units[..1]), "plan", "one cue is not enough");
    assert_eq!(c.classify_document(&units).kind, "minutes");
}
