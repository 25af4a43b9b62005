//! HTML extraction: the main content of a page as blocks.
//!
//! The steps, one module each: `nesting` flattens hostile nesting before parsing;
//! `analysis` marks hidden content and furniture (rules in
//! `rules/html-boilerplate.toml`, see `rules`) and measures text; `root` picks
//! the element holding the main content; `prune` drops the link-dense blocks it
//! holds before or after the article's body; `walker` turns it into headings,
//! paragraphs, list items and table rows.

mod analysis;
mod nesting;
mod prune;
mod root;
mod rules;

/// The embedded `rules/html-boilerplate.toml`, for the record's rules fingerprint.
pub(crate) use rules::RULES_TOML as BOILERPLATE_RULES;
mod walker;

use scraper::Html;

use super::charset::{self, EncodingSource};
use crate::document::{collapse_whitespace, BlockKind, Document, Warning, WarningCode};
use crate::limits::Limits;
use rules::RULES;

/// Extracts the main content of an HTML page: no navigation, banners, sidebars,
/// footers or hidden text. `content_type` is the HTTP header, used for its charset.
pub fn extract(bytes: &[u8], content_type: Option<&str>, limits: &Limits) -> Document {
    let rules = &*RULES;
    let mut warnings = Vec::new();
    let decoded = charset::decode(bytes, content_type, true);
    if decoded.source == EncodingSource::Detected && decoded.encoding != encoding_rs::UTF_8 {
        warnings.push(Warning::new(
            WarningCode::EncodingGuessed,
            format!("no charset declared; the text was decoded as {}, a guess", decoded.encoding.name()),
        ));
    }
    let hides = |name: &str, tag: &str| {
        rules.is_skipped_element(name) || tag.contains("hidden") || tag.replace(' ', "").contains("display:none")
    };
    let bounded = nesting::bound_nesting(&decoded.text, limits.max_html_depth, limits.max_attributes_per_tag, &hides);
    if bounded.attributes_cut {
        warnings.push(Warning::new(
            WarningCode::LimitReached,
            format!("attributes past {} in one tag were removed", limits.max_attributes_per_tag),
        ));
    }
    if bounded.flattened {
        warnings.push(Warning::new(
            WarningCode::LimitReached,
            format!("elements nested deeper than {} levels were flattened (their text is kept)", limits.max_html_depth),
        ));
    }
    let html = Html::parse_document(&bounded.page);
    let mut analysis = analysis::analyse(&html, rules);
    let root = root::choose_root(&html, &analysis, rules);
    prune::prune(root, &mut analysis, rules);
    let mut blocks = walker::walk(root, &analysis, rules);
    walker::drop_orphans(&mut blocks);
    let title = page_title(&html, root, &analysis, &blocks);
    Document { title, pages: None, structure: None, blocks, warnings }
}

/// The page's own title: the first visible `<h1>` of the content (a site logo in an
/// `<h1>` loses to it), else the first level-1 heading of the content, else the page's
/// first visible `<h1>`, else `<title>` without the site name after the last separator.
fn page_title(
    html: &Html,
    root: ego_tree::NodeRef<'_, scraper::Node>,
    analysis: &analysis::Analysis,
    blocks: &[crate::document::Block],
) -> Option<String> {
    let first_h1 = |nodes: &mut dyn Iterator<Item = ego_tree::NodeRef<'_, scraper::Node>>| {
        nodes
            .filter(|n| n.value().as_element().is_some_and(|e| e.name() == "h1"))
            .filter(|n| !analysis.is_excluded(n.id()) && !n.ancestors().any(|a| analysis.is_excluded(a.id())))
            .map(|n| walker::visible_text(n, analysis, &RULES))
            .find(|t| !t.is_empty())
    };
    if let Some(h1) = first_h1(&mut root.descendants()) {
        return Some(h1);
    }
    if let Some(block) = blocks.iter().find(|b| b.kind == BlockKind::Heading && b.level == Some(1)) {
        return Some(block.text.clone());
    }
    if let Some(h1) = first_h1(&mut html.tree.nodes()) {
        return Some(h1);
    }
    let title_element = html.tree.nodes().find(|n| n.value().as_element().is_some_and(|e| e.name() == "title"))?;
    let text: String = title_element.children().filter_map(|c| c.value().as_text().map(|t| t.to_string())).collect();
    let text = collapse_whitespace(&text);
    let without_site = [" | ", " – ", " — ", " - "]
        .iter()
        .filter_map(|sep| text.rfind(sep).map(|at| text[..at].trim().to_string()))
        .find(|t| !t.is_empty());
    Some(without_site.unwrap_or(text)).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract_str(page: &str) -> Document {
        extract(page.as_bytes(), Some("text/html; charset=utf-8"), &Limits::default())
    }

    fn texts(doc: &Document) -> Vec<String> {
        doc.blocks.iter().map(|b| b.text.clone()).collect()
    }

    fn all_text(doc: &Document) -> String {
        texts(doc).join("\n")
    }

    const PLAN: &str = "<p>We will reduce waste by sharing services with our neighbours, saving money.</p>\
        <p>Our digital programme replaces legacy systems and improves data quality for residents.</p>";

    #[test]
    fn navigation_header_footer_and_breadcrumbs_are_dropped() {
        let page = format!(
            "<body><header><a href=/>Council home</a></header>\
             <nav><ul><li><a href=/bins>Bins and recycling</a></li><li><a href=/tax>Council tax</a></li></ul></nav>\
             <div class=breadcrumb><a href=/>Home</a> &gt; <a href=/c>Council</a></div>\
             <main><h1>Productivity plan</h1>{PLAN}</main>\
             <footer><p>&copy; Example Council 2024</p><address>Town Hall, Main Street</address></footer></body>"
        );
        let doc = extract_str(&page);
        let text = all_text(&doc);
        for furniture in
            ["Council home", "Bins and recycling", "Council tax", "Home", "Example Council 2024", "Town Hall"]
        {
            assert!(!text.contains(furniture), "{furniture:?} leaked into {text}");
        }
        assert!(text.contains("We will reduce waste"), "{text}");
        assert_eq!(doc.title.as_deref(), Some("Productivity plan"));
    }

    #[test]
    fn cookie_banner_first_or_last_in_body_is_dropped() {
        let banner_first = format!(
            "<body><div class=cookie-banner><h2>Cookies on this site</h2><p>We use essential cookies to make the site work.</p>\
             <button>Accept additional cookies</button></div><main>{PLAN}</main></body>"
        );
        let banner_last = format!(
            "<body><main>{PLAN}</main><div id=cookie-consent role=dialog><p><strong>Your cookie preferences</strong> \
             - we use necessary cookies to make our site work.</p><button>Accept all</button></div></body>"
        );
        for page in [banner_first, banner_last] {
            let text = all_text(&extract_str(&page));
            assert!(!text.to_lowercase().contains("cookie"), "cookie text leaked: {text}");
            assert!(text.contains("Our digital programme"), "{text}");
        }
    }

    #[test]
    fn hidden_text_is_dropped() {
        let page = format!(
            "<html><head><style>.gone {{ display: none }} @media print {{ .screen {{ display:none }} }}</style></head>\
             <body><main>{PLAN}<p hidden>Hidden attribute text</p><p style='display: none'>Inline style text</p>\
             <p aria-hidden=true>Aria hidden text</p><p class=gone>Stylesheet hidden text</p>\
             <template><p>Template text</p></template><noscript><p>Enable JavaScript text</p></noscript>\
             <script>var scriptText = 1;</script><style>.x{{color:red}}</style>\
             <p class=screen>Shown on screens.</p><a class=skip-link href=#c>Skip to main content</a></main></body></html>"
        );
        let text = all_text(&extract_str(&page));
        for hidden in [
            "Hidden attribute",
            "Inline style",
            "Aria hidden",
            "Stylesheet hidden",
            "Template",
            "JavaScript",
            "scriptText",
            "color:red",
            "Skip to",
        ] {
            assert!(!text.contains(hidden), "{hidden:?} leaked into {text}");
        }
        assert!(text.contains("Shown on screens."), "text hidden only in a media query must stay: {text}");
    }

    #[test]
    fn inline_text_runs_on_and_blocks_stay_apart() {
        let doc = extract_str("<body><main><p>A <b>bold</b>word and <a href=x>a link</a>.</p><div>About</div><div>Cabinet</div></main></body>");
        assert_eq!(texts(&doc), ["A boldword and a link.", "About", "Cabinet"]);
    }

    #[test]
    fn lists_give_one_block_per_item_nested_lists_included() {
        let doc = extract_str(
            "<body><main><p>Our priorities include:</p><ul><li>Housing<ul><li>New homes</li><li>Repairs</li></ul></li>\
             <li>Transport <em>and</em> roads</li></ul></main></body>",
        );
        let blocks: Vec<(BlockKind, &str)> = doc.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            blocks,
            [
                (BlockKind::Paragraph, "Our priorities include:"),
                (BlockKind::ListItem, "Housing"),
                (BlockKind::ListItem, "New homes"),
                (BlockKind::ListItem, "Repairs"),
                (BlockKind::ListItem, "Transport and roads"),
            ]
        );
    }

    #[test]
    fn div_soup_headings_are_recognised_with_levels() {
        let doc = extract_str(
            "<body><div class=mgTitle>Productivity Plan</div><div class=heading><strong>Decision:</strong></div>\
             <div class=para><span>RESOLVED that the plan be approved for submission to the department.</span></div>\
             <p><b>Next steps</b></p><p>The plan will be published on the website in July.</p>\
             <p><b>Key responsibilities of managers include:</b></p></body>",
        );
        let blocks: Vec<(BlockKind, Option<u8>, &str)> =
            doc.blocks.iter().map(|b| (b.kind, b.level, b.text.as_str())).collect();
        assert_eq!(
            blocks,
            [
                (BlockKind::Heading, Some(1), "Productivity Plan"),
                (BlockKind::Heading, Some(2), "Decision:"),
                (BlockKind::Paragraph, None, "RESOLVED that the plan be approved for submission to the department."),
                (BlockKind::Heading, Some(2), "Next steps"),
                (BlockKind::Paragraph, None, "The plan will be published on the website in July."),
                (BlockKind::Paragraph, None, "Key responsibilities of managers include:"),
            ]
        );
        assert_eq!(doc.title.as_deref(), Some("Productivity Plan"));
    }

    #[test]
    fn windows_1252_page_decodes_from_meta() {
        let page = b"<html><head><meta charset=\"windows-1252\"><title>Plan</title></head><body><main>\
            <p>We were runner-up in the \x91most improved council\x92 category \x96 saving \xa314.4m.</p></main></body></html>";
        let doc = extract(page, None, &Limits::default());
        assert_eq!(
            texts(&doc),
            ["We were runner-up in the \u{2018}most improved council\u{2019} category \u{2013} saving \u{a3}14.4m."]
        );
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    }

    #[test]
    fn data_tables_give_rows_and_layout_tables_are_unwrapped() {
        let doc = extract_str(
            "<body><main><table><tr><th>Service</th><th>Saving</th></tr><tr><td>Waste</td><td>&pound;2m</td></tr></table>\
             <table role=presentation><tr><td><p>First column paragraph of running text.</p></td>\
             <td><p>Second column paragraph.</p></td></tr></table></main></body>",
        );
        let blocks: Vec<(BlockKind, &str)> = doc.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            blocks,
            [
                (BlockKind::TableRow, "Service | Saving"),
                (BlockKind::TableRow, "Waste | \u{a3}2m"),
                (BlockKind::Paragraph, "First column paragraph of running text."),
                (BlockKind::Paragraph, "Second column paragraph."),
            ]
        );
    }

    #[test]
    fn br_lines_split_into_units_and_numbered_lines_become_list_items() {
        let doc = extract_str(
            "<body><main><div>There was no template; the plans address four themes:</div>\
             <div>1. How you have transformed services.<br>\n2. How you use technology.<br>\n3. Your plans to reduce waste.</div>\
             <p>First line of a paragraph that was hard wrapped<br>and continues here.</p>\
             <p>Town Hall<br>Main Street</p></main></body>",
        );
        let blocks: Vec<(BlockKind, &str)> = doc.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            blocks,
            [
                (BlockKind::Paragraph, "There was no template; the plans address four themes:"),
                (BlockKind::ListItem, "How you have transformed services."),
                (BlockKind::ListItem, "How you use technology."),
                (BlockKind::ListItem, "Your plans to reduce waste."),
                (BlockKind::Paragraph, "First line of a paragraph that was hard wrapped and continues here."),
                (BlockKind::Paragraph, "Town Hall"),
                (BlockKind::Paragraph, "Main Street"),
            ]
        );
    }

    #[test]
    fn feedback_widget_related_box_and_contents_list_are_dropped() {
        let page = format!(
            "<body><main><h1>Plan</h1><div class=box><h2>On this page</h2><ul><li><a href=#a>Background</a></li></ul></div>\
             <h2>Background</h2>{PLAN}<section><h2>Related pages</h2><ul><li><a href=/x>Budget</a></li></ul></section>\
             <div class=feedback><p>Was this page helpful? <a href=/y>Yes</a> <a href=/n>No</a></p></div>\
             <p>Was this page useful?</p></main></body>"
        );
        let doc = extract_str(&page);
        let text = all_text(&doc);
        for furniture in ["On this page", "Related pages", "Budget", "helpful", "useful"] {
            assert!(!text.contains(furniture), "{furniture:?} leaked into {text}");
        }
        assert!(doc.blocks.iter().any(|b| b.kind == BlockKind::Heading && b.text == "Background"));
    }

    #[test]
    fn hundred_thousand_nested_elements_do_not_crash_and_keep_text() {
        let depth = 100_000;
        let mut page = String::from("<html><body><main>");
        for _ in 0..depth {
            page.push_str("<div><span>");
        }
        page.push_str("Deep text survives.");
        for _ in 0..depth {
            page.push_str("</span></div>");
        }
        page.push_str("</main></body></html>");
        let doc = extract_str(&page);
        assert_eq!(texts(&doc), ["Deep text survives."]);
        assert!(doc.warnings.iter().any(|w| w.code == WarningCode::LimitReached), "{:?}", doc.warnings);
    }

    #[test]
    fn a_tag_with_too_many_attributes_keeps_its_text() {
        let attributes: Vec<String> = (0..200_000).map(|i| format!("a{i}")).collect();
        let started = std::time::Instant::now();
        let doc = extract_str(&format!("<body><main><p {}>{PLAN}</p></main></body>", attributes.join(" ")));
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "took {:?}", started.elapsed());
        assert!(all_text(&doc).contains("We will reduce waste"), "{doc:?}");
        let warning = doc.warnings.iter().find(|w| w.code == WarningCode::LimitReached).expect("a warning");
        assert!(warning.message.contains("attributes"), "{}", warning.message);
    }

    #[test]
    fn layout_wrapper_named_after_its_sidebar_keeps_the_article() {
        // The Verge wraps its article body in "l-sidebar-fixed": a layout class, not a sidebar.
        let page = format!(
            "<body><div class=site-nav><a href=/>Home</a></div><article><h1>Story</h1>\
             <div class='l-sidebar-fixed l-segment'><div class=l-col__main>{PLAN}</div>\
             <div class=sidebar><a href=/x>Most read story</a></div></div></article></body>"
        );
        let text = all_text(&extract_str(&page));
        assert!(text.contains("We will reduce waste"), "{text}");
        assert!(!text.contains("Most read story"), "{text}");
    }

    #[test]
    fn long_comment_threads_and_link_lists_inside_the_content_are_dropped() {
        let comment =
            "<li><div class=comment-body><p>A reader's long reply about the plan and its many budgets.</p></div></li>";
        let page = format!(
            "<body><article><h1>Plan</h1>{PLAN}<ul><li><a href=/a>Budget 2024</a></li><li><a href=/b>Council plan</a></li>\
             <li><a href=/c>Annual report</a></li></ul><div id=comments class=comments-area><ol>{}</ol></div></article></body>",
            comment.repeat(20)
        );
        let text = all_text(&extract_str(&page));
        assert!(!text.contains("reader's long reply"), "{text}");
        assert!(!text.contains("Budget 2024"), "{text}");
        assert!(text.contains("Our digital programme"), "{text}");
    }

    #[test]
    fn title_is_the_contents_h1_not_a_logo_h1_in_the_site_header() {
        let page = format!("<body><header><h1><a href=/>Example Council</a></h1></header><main><h1>Productivity plan</h1>{PLAN}</main></body>");
        let doc = extract_str(&page);
        assert_eq!(doc.title.as_deref(), Some("Productivity plan"));
        assert!(!all_text(&doc).contains("Example Council"));
    }

    #[test]
    fn box_title_in_the_content_itself_drops_only_the_links_it_introduces() {
        let page = format!(
            "<body><main>{PLAN}<h2>Related links</h2><div><a href=/a>Budget</a> <a href=/b>Council plan</a></div>\
             <p>Closing paragraph of the plan that must stay in place.</p></main></body>"
        );
        let text = all_text(&extract_str(&page));
        assert!(!text.contains("Related links") && !text.contains("Budget"), "{text}");
        assert!(text.contains("Closing paragraph") && text.contains("We will reduce waste"), "{text}");
    }

    #[test]
    fn state_classes_on_page_wrappers_do_not_drop_the_page() {
        let page = format!(
            "<html class=nav-closed><body class='cookies-not-set has-sidebar'>\
             <form id=aspnetForm class=share-form><div>{PLAN}</div></form></body></html>"
        );
        assert!(all_text(&extract_str(&page)).contains("We will reduce waste"));
    }

    #[test]
    fn undeclared_windows_1252_is_decoded_with_a_warning() {
        let page =
            b"<html><body><main><p>The caf\xe9 budget is \xa35m \x96 a \x93fair\x94 share.</p></main></body></html>";
        let doc = extract(page, Some("text/html"), &Limits::default());
        assert_eq!(texts(&doc), ["The caf\u{e9} budget is \u{a3}5m \u{2013} a \u{201c}fair\u{201d} share."]);
        assert!(doc.warnings.iter().any(|w| w.code == WarningCode::EncodingGuessed), "{:?}", doc.warnings);
    }

    const STORY: &str = "<p>The council approved its productivity plan on Tuesday after a long debate about \
        shared services, agency staff and the cost of temporary accommodation.</p>\
        <p>Members agreed that the savings would be reported to the cabinet every quarter from next April.</p>";

    #[test]
    fn datelines_bylines_and_picture_captions_outside_the_text_are_dropped() {
        let page = format!(
            "<body><article><h1>Plan approved</h1><div>October 9, 2018 at 4:02 pm</div><p>By Jane Q. Smith</p>\
             <div>Posted: Fri 6:45 PM, Feb 16, 2018 |</div><figure><img src=a.jpg><figcaption>The town hall \
             on a sunny day.</figcaption></figure><p>Image 1 of 5</p>{STORY}<p>By 2025 we will have saved \u{a3}2m.</p>\
             </article></body>"
        );
        let text = all_text(&extract_str(&page));
        for furniture in ["October 9", "Jane", "Posted", "town hall", "Image 1"] {
            assert!(!text.contains(furniture), "{furniture:?} leaked into {text}");
        }
        assert!(text.contains("By 2025 we will have saved"), "{text}");
    }

    #[test]
    fn a_comments_heading_at_the_end_of_a_short_story_drops_only_what_it_heads() {
        let page = format!(
            "<body><div id=content><h1>Plan approved</h1><div class=entry>{STORY}<h3>Comments</h3>\
             <div><a href=/c1>Anna on Plan approved</a> <a href=/c2>Bob on Budget</a></div></div></div></body>"
        );
        let text = all_text(&extract_str(&page));
        assert!(text.contains("Members agreed"), "{text}");
        assert!(!text.contains("Comments") && !text.contains("Anna"), "{text}");
    }

    #[test]
    fn the_texts_own_list_of_links_after_a_lead_in_is_kept() {
        let page = format!(
            "<body><main>{STORY}<p>The plan has three appendices:</p><ul><li><a href=/a>Appendix A: savings</a></li>\
             <li><a href=/b>Appendix B: workforce</a></li><li><a href=/c>Appendix C: data</a></li></ul>{STORY}</main></body>"
        );
        let doc = extract_str(&page);
        let items: Vec<&str> =
            doc.blocks.iter().filter(|b| b.kind == BlockKind::ListItem).map(|b| b.text.as_str()).collect();
        assert_eq!(items, ["Appendix A: savings", "Appendix B: workforce", "Appendix C: data"]);
    }

    #[test]
    fn a_sidebar_of_teasers_beside_a_short_story_is_dropped() {
        let teaser = "<div class=teaser-item><p>Another story from the same site, with a summary long enough \
            to read like a paragraph of text.</p></div>";
        let page = format!(
            "<body><div class=layout><div class=story>{STORY}</div><div class=sidebar>{}</div></div></body>",
            teaser.repeat(2)
        );
        let text = all_text(&extract_str(&page));
        assert!(text.contains("Members agreed"), "{text}");
        assert!(!text.contains("Another story"), "{text}");
    }

    #[test]
    fn widgets_after_the_article_are_dropped_and_its_table_kept_as_rows() {
        let page = format!(
            "<body><div class=main-column><h1>Plan approved</h1>{STORY}<table><tr><th>Service</th><th>Saving</th></tr>\
             <tr><td>Waste</td><td>\u{a3}2m</td></tr></table>{STORY}</div>\
             <div class='widget recent-posts'><h2>Recent</h2><ul><li><a href=/a>Bridge opens</a> 19 Nov</li>\
             <li><a href=/b>Library hours</a> 18 Nov</li></ul></div>\
             <div><div><a href=/t1>budget</a>, <a href=/t2>council</a>, <a href=/t3>plan</a></div></div></body>"
        );
        let doc = extract_str(&page);
        let text = all_text(&doc);
        assert!(!text.contains("Bridge opens") && !text.contains("Recent"), "{text}");
        assert!(!text.contains("budget, council"), "{text}");
        let rows: Vec<&str> =
            doc.blocks.iter().filter(|b| b.kind == BlockKind::TableRow).map(|b| b.text.as_str()).collect();
        assert_eq!(rows, ["Service | Saving", "Waste | \u{a3}2m"]);
    }

    #[test]
    fn headings_that_head_nothing_are_dropped_and_a_final_lead_in_stays() {
        let page = format!(
            "<body><main><h1>Plan</h1><h2>Summary</h2>{STORY}<h2>Savings</h2><h3>Waste</h3>{STORY}\
             <h2>Empty section</h2><h2>Last section</h2>{STORY}<h3>Related articles</h3><p>You might like:</p></main></body>"
        );
        let doc = extract_str(&page);
        let headings: Vec<&str> =
            doc.blocks.iter().filter(|b| b.kind == BlockKind::Heading).map(|b| b.text.as_str()).collect();
        assert_eq!(headings, ["Plan", "Summary", "Savings", "Waste", "Last section"]);
        assert_eq!(texts(&doc).last().map(String::as_str), Some("You might like:"));
    }

    #[test]
    fn copyright_read_more_and_share_lines_are_furniture() {
        let page = format!(
            "<body><article>{STORY}<p>Read more: <a href=/x>Budget set for next year</a></p>{STORY}\
             <p>\u{a9} 2024 Example Newspapers Ltd</p><h4>Beitrag teilen:</h4><p>This entry was posted in News.</p></article></body>"
        );
        let text = all_text(&extract_str(&page));
        for furniture in ["Read more", "Example Newspapers", "teilen", "posted in"] {
            assert!(!text.contains(furniture), "{furniture:?} leaked into {text}");
        }
    }

    #[test]
    fn a_share_or_ad_word_on_the_articles_own_wrapper_keeps_the_article() {
        let page = format!(
            "<body><div id=Ads_TakeOver><div class='entry-content no-share'>{STORY}{STORY}</div>\
             <div class=share-bar><a href=/f>Facebook</a> <a href=/t>Twitter</a></div></div>\
             <div class=social><p>Follow us for more stories about the town and the people who live here.</p></div></body>"
        );
        let text = all_text(&extract_str(&page));
        assert!(text.contains("Members agreed"), "{text}");
        assert!(!text.contains("Facebook") && !text.contains("Follow us"), "{text}");
    }

    #[test]
    fn a_status_tag_in_a_table_of_the_text_stays() {
        let page = format!(
            "<body><main>{STORY}<table><tr><th>Project</th><th>Status</th></tr><tr><td>Shared services</td>\
             <td><strong class='govuk-tag govuk-tag--green'>Complete</strong></td></tr></table>{STORY}</main></body>"
        );
        let doc = extract_str(&page);
        let rows: Vec<&str> =
            doc.blocks.iter().filter(|b| b.kind == BlockKind::TableRow).map(|b| b.text.as_str()).collect();
        assert_eq!(rows, ["Project | Status", "Shared services | Complete"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any soup of tags, attributes and text extracts without panicking, and no
        /// block carries a script's or a hidden element's text.
        #[test]
        fn tag_soup_never_panics(parts in proptest::collection::vec(proptest::prop_oneof![
            proptest::prelude::Just("<div>".to_string()),
            proptest::prelude::Just("</div>".to_string()),
            proptest::prelude::Just("<p>".to_string()),
            proptest::prelude::Just("<li>".to_string()),
            proptest::prelude::Just("<ul>".to_string()),
            proptest::prelude::Just("<table><tr><td>".to_string()),
            proptest::prelude::Just("</td><td>".to_string()),
            proptest::prelude::Just("<br>".to_string()),
            proptest::prelude::Just("<b>".to_string()),
            proptest::prelude::Just("<h2>".to_string()),
            proptest::prelude::Just("<nav>".to_string()),
            proptest::prelude::Just("<script>SCRIPTTEXT".to_string()),
            proptest::prelude::Just("<div hidden>HIDDENTEXT</div>".to_string()),
            proptest::prelude::Just("<!--".to_string()),
            // A lone "<" then a space is text; "<" glued to a name would open an
            // element named like "a<script", whose content a browser shows.
            proptest::prelude::Just("< ".to_string()),
            "[a-z .:1]{0,12}",
        ], 0..60)) {
            let page = parts.concat();
            let limits = Limits { max_html_depth: 8, ..Limits::default() };
            let doc = extract(page.as_bytes(), None, &limits);
            for block in &doc.blocks {
                proptest::prop_assert!(!block.text.contains("SCRIPTTEXT") && !block.text.contains("HIDDENTEXT"), "{:?}", block.text);
            }
        }
    }

    #[test]
    fn attributes_past_the_configured_limit_go_with_a_warning_and_the_text_stays() {
        let page = "<html><body><main><p data-a=1 data-b=2 data-c=3 data-d=4>Our productivity plan \
                    sets out how the council will change.</p></main></body></html>";
        let limits = Limits { max_attributes_per_tag: 2, ..Limits::default() };
        let doc = extract(page.as_bytes(), None, &limits);
        assert!(doc.blocks.iter().any(|b| b.text.starts_with("Our productivity plan")), "{:?}", doc.blocks);
        let warning = doc.warnings.iter().find(|w| w.code == WarningCode::LimitReached).expect("a limit warning");
        assert_eq!(warning.message, "attributes past 2 in one tag were removed");
        let untouched = extract(page.as_bytes(), None, &Limits::default());
        assert!(untouched.warnings.iter().all(|w| w.code != WarningCode::LimitReached));
    }

    #[test]
    fn title_falls_back_to_title_element_without_site_name() {
        let doc = extract_str(&format!(
            "<html><head><title>Productivity plan | Example Council</title></head><body>{PLAN}</body></html>"
        ));
        assert_eq!(doc.title.as_deref(), Some("Productivity plan"));
    }

    #[test]
    fn a_feedback_widget_in_div_soup_is_furniture() {
        let page = format!(
            "<body><div id=w><h1>Productivity plan</h1>{PLAN}\
             <div class=x1>Is this page useful? <button>Yes</button> <button>No</button> \
             <a href=/p>Report a problem with this page</a></div>\
             <div class=x2><div>Help us improve our website</div>\
             <div>Don't include personal or financial information like your National Insurance number.</div>\
             <div>What were you doing?</div><div>What went wrong?</div></div>\
             <div>Did this page help you? Yes No. Your feedback helps us make the website better.</div></div></body>"
        );
        let doc = extract_str(&page);
        assert_eq!(texts(&doc).len(), 3, "{:?}", texts(&doc));
    }

    #[test]
    fn minutes_laid_out_in_a_table_keep_their_paragraphs() {
        let minute = "The Cabinet considered a report of the Director of Finance on the productivity plan \
            requested by the department, and noted the barriers the council faces from one-year settlements.";
        let page = format!(
            "<body><h1>Minutes</h1><table><tr><td>12</td><td><b>Productivity Plan</b><br>{minute}<br><br>\
             RESOLVED that the plan be approved.</td></tr><tr><td>13</td><td><p>{minute}</p></td></tr></table></body>"
        );
        let doc = extract_str(&page);
        assert!(doc.blocks.iter().all(|b| b.kind != BlockKind::TableRow), "{:?}", doc.blocks);
        assert!(texts(&doc).iter().any(|t| t == "RESOLVED that the plan be approved."), "{:?}", texts(&doc));
        // A data table of figures stays a table.
        let doc = extract_str(
            "<body><table><tr><td>Agency spend</td><td>1.2m</td></tr><tr><td>EDI</td><td>18k</td></tr></table></body>",
        );
        assert!(doc.blocks.iter().all(|b| b.kind == BlockKind::TableRow), "{:?}", doc.blocks);
    }
}
